"""clock charges: late clocks charged to the unit and layer where they ran

Revision ID: 0013
Revises: 0012

A clock that ends past its deadline (the sweep escalates the case, or an action stops the
clock late or takes the case elsewhere) leaves one row here, for the unit that held the case
then; the per-unit figures read it (docs/metrics.md §2a). Cases escalated before this
revision get no charges (their events name the late clocks but not their deadlines), but
their on-time flags are corrected: a case the sweep escalated because its accept (resolve)
clock had passed is not accepted (resolved) on time, wherever it went next. The summary
triggers count the change.
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
    _correct_flags()


# Escalations whose event names the clock among those that had passed (`data.clocks`: the
# sweep writes it for every overdue escalation, set-based or row by row).
_LATE = {
    "sqlite": (
        "UPDATE cases SET {flag} = 0 WHERE id IN (SELECT e.case_id FROM case_events e, "
        "json_each(e.data, '$.clocks') c WHERE e.action = 'escalate' AND c.value = :clock) "
        "AND ({flag} IS NULL OR {flag} = 1)"
    ),
    "postgresql": (
        "UPDATE cases SET {flag} = false WHERE id IN (SELECT e.case_id FROM case_events e "
        "WHERE e.action = 'escalate' AND jsonb_typeof(e.data->'clocks') = 'array' "
        "AND e.data->'clocks' ? :clock) AND ({flag} IS NULL OR {flag})"
    ),
}


def _correct_flags() -> None:
    bind = op.get_bind()
    statement = _LATE.get(bind.dialect.name)
    if statement is None:
        return
    for clock, flag in (("accept", "accepted_on_time"), ("resolve", "resolved_on_time")):
        bind.execute(sa.text(statement.format(flag=flag)), {"clock": clock})


def downgrade() -> None:
    op.drop_index("ix_clock_charges_case", table_name="clock_charges")
    op.drop_index("ix_clock_charges_unit_ended", table_name="clock_charges")
    op.drop_table("clock_charges")
