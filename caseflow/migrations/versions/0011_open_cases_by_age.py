"""open cases: the submitted-at index also holds each case's due time

Revision ID: 0011
Revises: 0010

Unresolved cases by age counts the open cases of each age bucket and how many of them are
overdue. With the due time beside the submission time in this partial index, each bucket is
one range of it read without the table (0.1 s at a million cases, instead of a pass over
every open case's entry in the eight-column ix_cases_open: 0.6–1 s).
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


def upgrade() -> None:
    _index(["submitted_at", "next_due_at"])


def downgrade() -> None:
    _index(["submitted_at"])
