"""dispatches: work sent by a case's territorial holder to functional departments

Revision ID: 0021_departments
Revises: 0020_casework

Departments themselves are units of kind `department` (no schema change: `units.kind` is a
string); each dispatch to one is a row here with its own clocks, state and result.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from caseflow.models.base import UTCDateTime

revision: str = "0021_departments"
down_revision: str | None = "0020_casework"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    when = UTCDateTime(timezone=True)
    op.create_table(
        "dispatches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("department_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("first_department_id", sa.Integer(), sa.ForeignKey("units.id"),
                  nullable=False),
        sa.Column("from_unit_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("asked", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("return_reason", sa.Text(), nullable=False),
        sa.Column("dispatched_at", when, nullable=False),
        sa.Column("accept_due_at", when, nullable=False),
        sa.Column("resolve_due_at", when, nullable=False),
        sa.Column("accepted_at", when, nullable=True),
        sa.Column("resolved_at", when, nullable=True),
        sa.Column("finished_at", when, nullable=True),
        sa.Column("accepted_on_time", sa.Boolean(), nullable=True),
        sa.Column("resolved_on_time", sa.Boolean(), nullable=True),
        sa.Column("rejections", sa.Integer(), nullable=False),
        sa.Column("escalated_clock", sa.String(16), nullable=True),
        sa.Column("supervised", sa.Boolean(), nullable=False),
        sa.Column("satisfaction", sa.String(32), nullable=True),
    )
    op.create_index("ix_dispatches_case", "dispatches", ["case_id"])
    op.create_index("ix_dispatches_department", "dispatches", ["department_id", "case_id"])
    op.create_index("ix_dispatches_first_department", "dispatches",
                    ["first_department_id", "case_id"])
    op.create_index("ix_dispatches_open_due", "dispatches",
                    ["state", "accept_due_at", "resolve_due_at"])


def downgrade() -> None:
    op.drop_table("dispatches")
