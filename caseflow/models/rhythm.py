"""Joint meetings on a rhythm (常态化联席会议) and the items of their agendas."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.models.base import Base
from caseflow.models.cases import Case
from caseflow.models.units import Unit


class MeetingSeries(Base):
    """A joint meeting that sits on a rhythm for an area (a community or a complex)."""

    __tablename__ = "meeting_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(200), default="")
    frequency: Mapped[str] = mapped_column(String(16))  # monthly | weekly
    day: Mapped[int]  # day of month, or ISO weekday
    at: Mapped[str] = mapped_column(String(5))  # HH:MM local time
    participants: Mapped[list[Any]] = mapped_column(default=list)  # [{name, role, organisation}]
    next_at: Mapped[datetime]  # the next sitting not yet planned
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]

    area: Mapped[Unit] = relationship(lazy="joined")

    __table_args__ = (Index("ix_meeting_series_due", "active", "next_at"),)


class AgendaItem(Base):
    """One item of a joint meeting's agenda: a hard case (with why) or the month's hotspot,
    and what the meeting decided on it."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    position: Mapped[int]
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    reasons: Mapped[list[Any]] = mapped_column(default=list)  # domain.rhythm.REASONS
    topic: Mapped[str] = mapped_column(String(200), default="")  # hotspot: the category
    detail: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {task} or {action}
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case | None] = relationship(lazy="joined")

    __table_args__ = (Index("ix_agenda_items_meeting", "meeting_id", "position"),)
