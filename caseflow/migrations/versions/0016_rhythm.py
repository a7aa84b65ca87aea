"""joint meetings on a rhythm with their agendas; opinion campaigns

Revision ID: 0016_rhythm
Revises: 0015, 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from caseflow.models.base import JSONType, UTCDateTime

revision: str = "0016_rhythm"
down_revision: str | tuple[str, ...] | None = ("0015", "0005")  # also merges meetings
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "meeting_series",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("area_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("frequency", sa.String(16), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(5), nullable=False),
        sa.Column("participants", JSONType, nullable=False),
        _when("next_at"),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        _when("created_at"),
    )
    op.create_index("ix_meeting_series_area_id", "meeting_series", ["area_id"])
    op.create_index("ix_meeting_series_due", "meeting_series", ["active", "next_at"])
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("series_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_meetings_series_id_meeting_series", "meeting_series",
                                 ["series_id"], ["id"])
    op.create_table(
        "agenda_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("meeting_id", sa.Integer(), sa.ForeignKey("meetings.id"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=True),
        sa.Column("reasons", JSONType, nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("follow_up", JSONType, nullable=False),
        _when("decided_at", nullable=True),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
    )
    op.create_index("ix_agenda_items_meeting", "agenda_items", ["meeting_id", "position"])
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("area_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("topics", JSONType, nullable=False),
        sa.Column("complex_ids", JSONType, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _when("opens_at"),
        _when("closes_at"),
        sa.Column("summary", sa.Text(), nullable=False),
        _when("published_at", nullable=True),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        _when("created_at"),
    )
    op.create_index("ix_campaigns_area_id", "campaigns", ["area_id"])
    op.create_table(
        "campaign_opinions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaigns.id"), nullable=False),
        sa.Column("complex_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_name", sa.String(100), nullable=False),
        sa.Column("author_phone", sa.String(32), nullable=False),
        sa.Column("meeting_id", sa.Integer(), sa.ForeignKey("meetings.id"), nullable=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=True),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        _when("created_at"),
    )
    op.create_index("ix_campaign_opinions_campaign", "campaign_opinions",
                    ["campaign_id", "topic"])


def downgrade() -> None:
    op.drop_table("campaign_opinions")
    op.drop_table("campaigns")
    op.drop_table("agenda_items")
    with op.batch_alter_table("meetings") as batch:
        batch.drop_constraint("fk_meetings_series_id_meeting_series", type_="foreignkey")
        batch.drop_column("series_id")
    op.drop_table("meeting_series")
