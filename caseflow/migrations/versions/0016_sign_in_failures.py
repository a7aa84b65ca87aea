"""sign-in failures per username and source: one lockout policy for every door

Revision ID: 0016
Revises: 0014

The lockout moves from the user row (which anyone could trip, locking the owner out) to a
row per username and source address. The old columns stay, unused, for older code.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from caseflow.models.base import UTCDateTime

revision: str = "0016"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("lockouts", sa.Integer(), nullable=False),
        sa.Column("locked_until", UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_failure_at", UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("username", "source", name="uq_sign_in_failures_key"),
    )


def downgrade() -> None:
    op.drop_table("sign_in_failures")
