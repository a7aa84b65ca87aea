"""case events: the note's visibility, internal (staff only) or public (a reply to the resident)

Revision ID: 0014
Revises: 0011

Every existing note was written before residents could be told apart from staff, so the
server default keeps them all internal: no old staff note reaches a tracking page.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "case_events",
        sa.Column("visibility", sa.String(16), nullable=False, server_default="internal"),
    )
    # What residents wrote themselves (comments, evaluations) was always theirs to read.
    op.execute("UPDATE case_events SET visibility = 'public' WHERE actor_role = 'resident'")


def downgrade() -> None:
    # Not a batch: rebuilding case_events on SQLite would break the triggers on it (0008).
    op.execute("ALTER TABLE case_events DROP COLUMN visibility")
