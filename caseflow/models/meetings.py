"""Deliberation meetings (议事): roundtables and joint meetings on a case or a complex."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.models.base import Base
from caseflow.models.cases import Case
from caseflow.models.units import Unit

PLANNED, HELD, DECIDED = "planned", "held", "decided"


class Meeting(Base):
    """One meeting: who sat at the table, what was on the agenda, what they decided.

    Participants, decisions and follow-up tasks are small lists read and written with the
    meeting, so they are JSON lists rather than tables of their own.
    """

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    complex_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200), default="")
    round: Mapped[int] = mapped_column(default=1)  # the n-th meeting on its case
    status: Mapped[str] = mapped_column(String(16), default=PLANNED)
    starts_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(200), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    participants: Mapped[list[Any]] = mapped_column(default=list)  # [{name, role, organisation}]
    minutes: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[list[Any]] = mapped_column(default=list)  # [text]
    tasks: Mapped[list[Any]] = mapped_column(default=list)  # [{title, owner, due_on}]
    outcome: Mapped[str | None] = mapped_column(String(16))
    due_at: Mapped[datetime]  # the meeting clock: when a decision is due
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    notice_until: Mapped[datetime | None]  # on the public notice (公示) until then
    series_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_series.id"))

    case: Mapped[Case | None] = relationship(lazy="joined")
    complex: Mapped[Unit] = relationship(lazy="joined")

    __table_args__ = (
        Index("ix_meetings_case", "case_id", "round"),
        Index("ix_meetings_complex_notice", "complex_id", "notice_until"),
    )
