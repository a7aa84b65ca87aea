"""Cases (诉求) and their append-only event history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.models.base import Base
from caseflow.models.units import Unit


class Case(Base):
    """One grievance, held by one unit at one layer; `version` guards against stale writes."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(64))
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    nature: Mapped[str] = mapped_column(String(32), default="complaint")
    channel: Mapped[str] = mapped_column(String(32), default="web")
    tags: Mapped[list[Any]] = mapped_column(default=list)
    reporter_name: Mapped[str] = mapped_column(String(100), default="")
    reporter_phone: Mapped[str] = mapped_column(String(32), default="")
    reporter_attrs: Mapped[dict[str, Any]] = mapped_column(default=dict)

    place_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    layer: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(default=1)

    green_channel: Mapped[bool] = mapped_column(default=False)
    returned: Mapped[bool] = mapped_column(default=False)
    supervised: Mapped[bool] = mapped_column(default=False)
    problem_case: Mapped[bool] = mapped_column(default=False)
    extension_pending: Mapped[bool] = mapped_column(default=False)
    rework_count: Mapped[int] = mapped_column(default=0)
    reopen_count: Mapped[int] = mapped_column(default=0)
    escalation_count: Mapped[int] = mapped_column(default=0)
    extension_count: Mapped[int] = mapped_column(default=0)
    handled_units: Mapped[list[Any]] = mapped_column(default=list)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))

    rules_version: Mapped[str] = mapped_column(String(64))
    routing_rule: Mapped[str] = mapped_column(String(64))
    clocks: Mapped[dict[str, Any]] = mapped_column(default=dict)
    deadlines: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The sweep's work queue: the next instants it has to act on (its marks move them on).
    next_due_at: Mapped[datetime | None]
    next_warning_at: Mapped[datetime | None]
    # What "overdue" and "warning" mean (caseflow.domain.due): the earliest deadline and
    # warning point of the running clocks, written with the deadlines, never by the sweep.
    overdue_from: Mapped[datetime | None]
    warning_from: Mapped[datetime | None]
    layer_entered_at: Mapped[datetime]

    submitted_at: Mapped[datetime]
    first_accepted_at: Mapped[datetime | None]
    accepted_on_time: Mapped[bool | None]
    resolved_on_time: Mapped[bool | None]
    resolved_at: Mapped[datetime | None]
    resolved_layer: Mapped[str | None] = mapped_column(String(32))
    closed_at: Mapped[datetime | None]
    auto_close_at: Mapped[datetime | None]
    satisfaction: Mapped[str | None] = mapped_column(String(32))
    deferred_until: Mapped[datetime | None]
    tracking_token_hash: Mapped[str] = mapped_column(String(128), default="")
    updated_at: Mapped[datetime]

    # Joined: every view of a case names its place and holder, also after the session closed.
    place_unit: Mapped[Unit] = relationship(foreign_keys=[place_unit_id], lazy="joined")
    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id], lazy="joined")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_cases_unit_due", "unit_id", "overdue_from"),
        Index("ix_cases_overdue_from", "overdue_from"),
        Index("ix_cases_next_due", "next_due_at"),
        Index("ix_cases_next_warning", "next_warning_at"),
        Index("ix_cases_auto_close", "auto_close_at"),
        Index("ix_cases_submitted", "submitted_at"),
        Index("ix_cases_place_category", "place_unit_id", "category", "submitted_at"),
        # The inbox finds a case by its caller (migration 0016 adds the phone's expression
        # index by hand, as the search indexes of 0002).
        Index("ix_cases_reporter_name", "reporter_name"),
    )


class CaseEvent(Base):
    """An immutable record of one change or note on a case."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_role: Mapped[str] = mapped_column(String(32))
    actor_label: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str] = mapped_column(String(32))
    from_layer: Mapped[str | None] = mapped_column(String(32))
    to_layer: Mapped[str] = mapped_column(String(32))
    from_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    to_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    # Who the note is for: "internal" (staff only) or "public" (a reply to the resident).
    # Only a server default: a write that names no visibility (the system's) stays internal.
    visibility: Mapped[str] = mapped_column(String(16), server_default="internal")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)

    case: Mapped[Case] = relationship()

    __table_args__ = (
        Index("ix_case_events_case", "case_id", "id"),
        Index("ix_case_events_action_at", "action", "at"),
    )
