"""reporting: owners' evaluations and report indexes

Revision ID: 0004
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import caseflow.models.base

revision: str = "0004"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = caseflow.models.base.UTCDateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
LAYER_MOVE = sa.text("from_layer != to_layer")


def upgrade() -> None:
    op.create_table(
        "owner_evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("complex_id", sa.Integer(), nullable=True),
        sa.Column("scores", JSON, nullable=False),
        sa.Column("average", sa.Double(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("entered_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["property_companies.id"],
            name=op.f("fk_owner_evaluations_company_id_property_companies"),
        ),
        sa.ForeignKeyConstraint(
            ["complex_id"], ["units.id"], name=op.f("fk_owner_evaluations_complex_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_owner_evaluations")),
    )
    op.create_index(
        "ix_owner_evaluations_year_company", "owner_evaluations", ["year", "company_id"]
    )
    op.create_index("ix_cases_closed_at", "cases", ["closed_at"])
    op.create_index("ix_cases_resolved_at", "cases", ["resolved_at"])
    op.create_index("ix_cases_first_accepted_at", "cases", ["first_accepted_at"])
    op.create_index(
        "ix_case_events_layer_moves",
        "case_events",
        ["at", "from_layer", "to_layer", "case_id"],
        sqlite_where=LAYER_MOVE,
        postgresql_where=LAYER_MOVE,
    )


def downgrade() -> None:
    op.drop_index("ix_case_events_layer_moves", table_name="case_events")
    op.drop_index("ix_cases_first_accepted_at", table_name="cases")
    op.drop_index("ix_cases_resolved_at", table_name="cases")
    op.drop_index("ix_cases_closed_at", table_name="cases")
    op.drop_index("ix_owner_evaluations_year_company", table_name="owner_evaluations")
    op.drop_table("owner_evaluations")
