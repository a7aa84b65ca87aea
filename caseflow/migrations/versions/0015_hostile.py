"""sign-in failures per username and source; webhook delivery state per endpoint

Revision ID: 0016
Revises: 0014

The lockout moves from the user row (which anyone could trip, locking the owner out) to a
row per username and source address. The old columns stay, unused, for older code.
Each outbox message keeps one delivery row per webhook, retried on its own.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from caseflow.models.base import UTCDateTime

revision: str = "0015"
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


    op.create_table(
        "outbox_deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        # No foreign key: the outbox comes from another branch of the migrations (0006).
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("webhook", sa.String(100), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("delivered_at", UTCDateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("message_id", "webhook",
                            name="uq_outbox_deliveries_message_webhook"),
    )


def downgrade() -> None:
    op.drop_table("outbox_deliveries")
    op.drop_table("sign_in_failures")
