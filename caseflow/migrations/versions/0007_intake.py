"""intake requests: Open311 reports awaiting a dispatcher

Revision ID: 0007
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import caseflow.models.base

revision: str = "0007"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = caseflow.models.base.UTCDateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "intake_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("address_string", sa.Text(), nullable=False),
        sa.Column("submission", JSON, nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=True),
        sa.Column("filed_by_id", sa.Integer(), nullable=True),
        sa.Column("received_at", UTC, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.Column("handled_at", UTC, nullable=True),
        sa.Column("dismiss_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_intake_requests_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["filed_by_id"], ["users.id"], name=op.f("fk_intake_requests_filed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["handled_by_id"], ["users.id"], name=op.f("fk_intake_requests_handled_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["jurisdiction_id"], ["units.id"], name=op.f("fk_intake_requests_jurisdiction_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_requests")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_intake_requests_token_hash")),
    )
    op.create_index(
        "ix_intake_requests_status", "intake_requests", ["status", "received_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_intake_requests_status", table_name="intake_requests")
    op.drop_table("intake_requests")
