"""clock charges: late clocks charged to the unit and layer where they ran

Revision ID: 0013
Revises: 0012

A clock that ends past its deadline (the sweep escalates the case, or an action stops the
clock late or takes the case elsewhere) leaves one row here, for the unit that held the case
then; the per-unit figures read it (docs/metrics.md §On time). Cases escalated before this
revision have no charges: their history named the late clocks but not their deadlines.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import caseflow.models.base

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = caseflow.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "clock_charges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("layer", sa.String(length=32), nullable=False),
        sa.Column("clock", sa.String(length=32), nullable=False),
        sa.Column("due_at", UTC, nullable=False),
        sa.Column("ended_at", UTC, nullable=False),
        sa.Column("ended_by", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name=op.f("fk_clock_charges_case_id_cases")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"],
                                name=op.f("fk_clock_charges_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clock_charges")),
    )
    op.create_index("ix_clock_charges_unit_ended", "clock_charges",
                    ["unit_id", "ended_at", "clock"])
    op.create_index("ix_clock_charges_case", "clock_charges", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_clock_charges_case", table_name="clock_charges")
    op.drop_index("ix_clock_charges_unit_ended", table_name="clock_charges")
    op.drop_table("clock_charges")
