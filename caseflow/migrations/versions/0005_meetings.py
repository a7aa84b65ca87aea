"""meetings and owners' votes

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-23 11:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from caseflow.models.base import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, UTCDateTime(timezone=True), nullable=nullable)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    """Create meetings, exclusive parts, votes and ballots."""
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("complex_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        _when("starts_at"),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("participants", JSON, nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.Column("decisions", JSON, nullable=False),
        sa.Column("tasks", JSON, nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        _when("due_at"),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        _when("created_at"),
        _when("decided_at", nullable=True),
        _when("notice_until", nullable=True),
        _fk("meetings", "case_id", "cases"),
        _fk("meetings", "complex_id", "units"),
        _fk("meetings", "created_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    op.create_index("ix_meetings_case", "meetings", ["case_id", "round"])
    op.create_index("ix_meetings_complex_notice", "meetings", ["complex_id", "notice_until"])
    op.create_table(
        "exclusive_parts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complex_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("area_hundredths", sa.Integer(), nullable=False),
        sa.Column("owner_names", sa.String(length=200), nullable=False),
        sa.Column("owner_key", sa.String(length=64), nullable=False),
        sa.Column("developer_unsold", sa.Boolean(), nullable=False),
        _fk("exclusive_parts", "complex_id", "units"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exclusive_parts")),
        sa.UniqueConstraint("complex_id", "code", name=op.f("uq_exclusive_parts_complex_id")),
    )
    op.create_table(
        "votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complex_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("matter", sa.String(length=64), nullable=False),
        sa.Column("threshold", sa.String(length=32), nullable=False),
        sa.Column("fund_fen", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("ballots_cast", sa.Integer(), nullable=False),
        _when("opened_at"),
        _when("closes_at", nullable=True),
        _when("closed_at", nullable=True),
        sa.Column("result", JSON, nullable=False),
        sa.Column("rules_version", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        _when("notice_until", nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("votes", "complex_id", "units"),
        _fk("votes", "meeting_id", "meetings"),
        _fk("votes", "created_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_votes")),
    )
    op.create_index("ix_votes_complex_notice", "votes", ["complex_id", "notice_until"])
    op.create_table(
        "ballots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("voter_key", sa.String(length=64), nullable=False),
        sa.Column("choice", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("proxy_holder", sa.String(length=100), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        _when("cast_at"),
        _when("changed_at", nullable=True),
        sa.Column("history", JSON, nullable=False),
        _fk("ballots", "vote_id", "votes"),
        _fk("ballots", "recorded_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballots")),
        sa.UniqueConstraint("vote_id", "voter_key", name=op.f("uq_ballots_vote_id")),
    )


def downgrade() -> None:
    """Drop what upgrade created, dependants first."""
    op.drop_table("ballots")
    op.drop_index("ix_votes_complex_notice", table_name="votes")
    op.drop_table("votes")
    op.drop_table("exclusive_parts")
    op.drop_index("ix_meetings_complex_notice", table_name="meetings")
    op.drop_index("ix_meetings_case", table_name="meetings")
    op.drop_table("meetings")
