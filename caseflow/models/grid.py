"""The people of the grid and what keeps cases from waiting unseen.

Households of buildings, grievances submitted on a resident's behalf (代办), follow-up calls
(回访), evaluations with the channel they came through, reminders the sweep has sent, and
notices to people (SMS / WeCom) waiting in their outbox.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from caseflow.models.base import Base


class Household(Base):
    """One household of a building's register (户联系): its unit number and contact."""

    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    unit_number: Mapped[str] = mapped_column(String(32))  # e.g. 2单元501
    contact_name: Mapped[str] = mapped_column(String(100), default="")
    contact_phone: Mapped[str] = mapped_column(String(32), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    liaison_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("building_id", "unit_number",
                                       name="uq_households_building_number"),)


class ProxySubmission(Base):
    """A grievance a liaison or volunteer submitted for a resident (红色代办), with the
    resident's consent as recorded when it was given."""

    __tablename__ = "proxy_submissions"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    consent: Mapped[str] = mapped_column(String(16))  # verbal | written | signed
    consent_note: Mapped[str] = mapped_column(Text, default="")
    consented_at: Mapped[datetime]


class FollowUpCall(Base):
    """A follow-up call (回访) owed on a resolved case that the resident did not evaluate."""

    __tablename__ = "follow_up_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))  # the street that calls
    created_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    caller_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str | None] = mapped_column(String(32))  # a satisfaction, or unreachable

    __table_args__ = (Index("ix_follow_up_calls_unit_open", "unit_id", "answered_at"),)


class Evaluation(Base):
    """One evaluation of a case's result and the channel it came through (web, API, phone
    follow-up call ...): the satisfaction rates by channel are counted from these rows."""

    __tablename__ = "evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime]
    satisfaction: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(32))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (Index("ix_evaluations_at_channel", "at", "channel"),)


class Reminder(Base):
    """A reminder the sweep has sent: a deferral's review date, a meeting task's warning or
    its overdue mark. The unique key makes each one happen once, whoever sweeps."""

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # review_due | task_warning | task_overdue
    subject: Mapped[str] = mapped_column(String(64))  # case:<id> or task:<meeting>:<index>
    due_at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    sent_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("kind", "subject", "due_at",
                                       name="uq_reminders_kind_subject_due"),)


class PersonNotice(Base):
    """A message to one person (SMS / WeCom) fanned out from an outbox message: to the
    assignee, the unit, a building's liaison or butler, or the resident."""

    __tablename__ = "person_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(index=True)  # the outbox message it tells
    audience: Mapped[str] = mapped_column(String(32))  # assignee | unit | liaison | ...
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # the part it concerns
    address: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    urgent: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    send_after: Mapped[datetime]  # after quiet hours, for what is not urgent
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        Index("ix_person_notices_status_after", "status", "send_after"),
        UniqueConstraint("message_id", "audience", "address",
                         name="uq_person_notices_message_audience_address"),
    )
