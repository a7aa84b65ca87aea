"""cases: the period reports' now-dependent counts read from the open-case indexes alone

Revision ID: 0023_report_cover
Revises: 0022_summaries

The response and on-time rates, the ranking and the property ratings add to the summaries
what only the present tells: the year's open cases late now (`late_open_now`: overdue, or
let past a resolve deadline) and those still waiting for a first acceptance and overdue
(`awaiting_now`). Both read every open case of the period; the indexes lacked the on-time
flags, the place and the state, so each case was a lookup of its wide row: 1.6–1.9 s at a
million cases. With those columns in the indexes both are index-only: 0.03 s and 0.15–0.25 s.
An action pays little: the open-case entry was already rewritten whenever the due time moved
(accept, resolve, every escalation); now also when the state moves without it (start, hold).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023_report_cover"
down_revision: str | None = "0022_summaries"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text(
    "state IN ('submitted', 'accepted', 'in_progress', 'deliberating', 'on_hold', "
    "'resolved', 'deferred')"
)
AWAITING = sa.text("state = 'submitted' AND first_accepted_at IS NULL")


def _indexes(open_columns: list[str], awaiting_columns: list[str]) -> None:
    op.drop_index("ix_cases_open_submitted", table_name="cases")
    op.create_index("ix_cases_open_submitted", "cases", open_columns,
                    sqlite_where=OPEN, postgresql_where=OPEN)
    op.drop_index("ix_cases_awaiting_accept", table_name="cases")
    op.create_index("ix_cases_awaiting_accept", "cases", awaiting_columns,
                    sqlite_where=AWAITING, postgresql_where=AWAITING)
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and sa.inspect(bind).has_table("sqlite_stat1"):
        # As in 0011: statistics for the new indexes, or the planner may prefer them wrongly.
        op.execute("ANALYZE ix_cases_open_submitted")
        op.execute("ANALYZE ix_cases_awaiting_accept")


def upgrade() -> None:
    _indexes(["submitted_at", "id", "overdue_from", "resolved_on_time", "place_unit_id", "state"],
             ["submitted_at", "overdue_from", "place_unit_id", "accepted_on_time"])


def downgrade() -> None:
    _indexes(["submitted_at", "id", "overdue_from"],
             ["submitted_at", "overdue_from", "place_unit_id"])
