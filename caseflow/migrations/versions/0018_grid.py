"""the people of the grid: memberships, households, 代办, follow-up calls, evaluations by
channel, reminders, notices to people

Revision ID: 0018_grid
Revises: 0017_rhythm

Every user's unit and role become their first membership, so that a person can hold roles
in several units (交叉任职); `users.unit_id` and `users.role` stay as that first one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from caseflow.models.base import UTCDateTime

revision: str = "0018_grid"
down_revision: str | None = "0017_rhythm"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.add_column("users", sa.Column("phone", sa.String(32), nullable=False,
                                     server_default=""))
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.UniqueConstraint("user_id", "unit_id", "role", name="uq_memberships_user_unit_role"),
    )
    op.create_index("ix_memberships_unit_id", "memberships", ["unit_id"])
    op.execute("INSERT INTO memberships (user_id, unit_id, role) "
               "SELECT id, unit_id, role FROM users WHERE unit_id IS NOT NULL")
    op.create_table(
        "households",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("building_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("unit_number", sa.String(32), nullable=False),
        sa.Column("contact_name", sa.String(100), nullable=False),
        sa.Column("contact_phone", sa.String(32), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("liaison_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        _at("created_at"),
        sa.UniqueConstraint("building_id", "unit_number", name="uq_households_building_number"),
    )
    op.create_index("ix_households_building_id", "households", ["building_id"])
    op.create_table(
        "proxy_submissions",
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), primary_key=True),
        sa.Column("by_user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("household_id", sa.Integer(), sa.ForeignKey("households.id"), nullable=True),
        sa.Column("consent", sa.String(16), nullable=False),
        sa.Column("consent_note", sa.Text(), nullable=False),
        _at("consented_at"),
    )
    op.create_table(
        "follow_up_calls",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=False),
        _at("created_at"),
        _at("answered_at", True),
        sa.Column("caller_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.UniqueConstraint("case_id", name="uq_follow_up_calls_case_id"),
    )
    op.create_index("ix_follow_up_calls_unit_open", "follow_up_calls", ["unit_id", "answered_at"])
    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        _at("at"),
        sa.Column("satisfaction", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
    )
    op.create_index("ix_evaluations_case_id", "evaluations", ["case_id"])
    op.create_index("ix_evaluations_at_channel", "evaluations", ["at", "channel"])
    # Evaluations given before this revision came through the resident's own channel.
    level = ("data->>'satisfaction'" if op.get_bind().dialect.name == "postgresql"
             else "json_extract(data, '$.satisfaction')")
    op.execute("INSERT INTO evaluations (case_id, at, satisfaction, channel) "  # noqa: S608
               f"SELECT case_id, at, {level}, 'resident' FROM case_events "
               f"WHERE action = 'evaluate' AND {level} IS NOT NULL")
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(64), nullable=False),
        _at("due_at"),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=True),
        _at("sent_at"),
        sa.UniqueConstraint("kind", "subject", "due_at", name="uq_reminders_kind_subject_due"),
    )
    op.create_table(
        "person_notices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(32), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=True),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _at("send_after"),
        _at("sent_at", True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.UniqueConstraint("message_id", "audience", "address",
                            name="uq_person_notices_message_audience_address"),
    )
    op.create_index("ix_person_notices_message_id", "person_notices", ["message_id"])
    op.create_index("ix_person_notices_status_after", "person_notices", ["status", "send_after"])


def downgrade() -> None:
    for name in ("person_notices", "reminders", "evaluations", "follow_up_calls",
                 "proxy_submissions", "households", "memberships"):
        op.drop_table(name)
    # Not a batch (SQLite would copy `users`, which other tables' rows point at): both
    # databases drop a plain column in place (SQLite since 3.35).
    op.execute("ALTER TABLE users DROP COLUMN phone")
