"""residents: photo thumbnails and links on attachments; voices (附议) on open cases

Revision ID: 0019_residents
Revises: 0018_grid, 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from caseflow.models.base import UTCDateTime

revision: str = "0019_residents"
down_revision: str | tuple[str, ...] | None = ("0018_grid", "0002")  # 0002: attachments
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("attachments") as batch:
        batch.add_column(sa.Column("thumbnail_path", sa.Text(), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("link_url", sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "case_voices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("contact_hash", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.UniqueConstraint("case_id", "contact_hash", name="uq_case_voices_contact"),
    )
    op.create_index("ix_case_voices_case", "case_voices", ["case_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_case_voices_case", table_name="case_voices")
    op.drop_table("case_voices")
    with op.batch_alter_table("attachments") as batch:
        batch.drop_column("link_url")
        batch.drop_column("thumbnail_path")
