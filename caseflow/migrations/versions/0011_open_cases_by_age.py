"""open cases: the submitted-at index also holds each case's due time

Revision ID: 0011
Revises: 0010

Unresolved cases by age counts the open cases of each age bucket and how many of them are
overdue. With the due time beside the submission time in this partial index, each bucket is
one range of it read without the table (0.2 s at a million cases, instead of a pass over
every open case's entry in the eight-column ix_cases_open: 0.6–1 s). The id comes before the
due time so that the oldest open cases (ORDER BY submitted_at, id) still read the index in
order; without it SQLite walks the full submitted-at index through every closed case.
It costs the sweep ~10%: an escalation moves the due time, so the entry is rewritten.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text(
    "state IN ('submitted', 'accepted', 'in_progress', 'deliberating', 'on_hold', "
    "'resolved', 'deferred')"
)


def _index(columns: list[str]) -> None:
    op.drop_index("ix_cases_open_submitted", table_name="cases")
    op.create_index("ix_cases_open_submitted", "cases", columns,
                    sqlite_where=OPEN, postgresql_where=OPEN)
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and sa.inspect(bind).has_table("sqlite_stat1"):
        # A database that has statistics would otherwise plan without any for this index
        # and could prefer it where it is the wrong one (unresolved by state: 0.7 s -> 3 s).
        op.execute("ANALYZE ix_cases_open_submitted")


def upgrade() -> None:
    _index(["submitted_at", "id", "next_due_at"])


def downgrade() -> None:
    _index(["submitted_at"])
