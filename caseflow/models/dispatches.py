"""Dispatches (派单): work a case's territorial holder sends to a functional department.

"街区点题、部门解题" (seed 001): the street names the problem, a department (住建, 城管,
市场监管 …) solves it. Each dispatch is its own record with its own clocks, inbox, return
and result; the case stays with its territorial holder, who confirms or rejects the result.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.models.base import Base
from caseflow.models.units import Unit

# A dispatch's states: waiting for the department to accept (`submitted`), being worked
# (`accepted`), result given and waiting for the holder (`resolved`), and the two ends:
# `confirmed` by the holder or `returned` (退单) by the department, or `cancelled` with
# the case (withdrawn, merged, rejected).
DISPATCH_STATES = ("submitted", "accepted", "resolved", "confirmed", "returned", "cancelled")
OPEN_DISPATCH_STATES = ("submitted", "accepted", "resolved")


class Dispatch(Base):
    """One piece of a case sent to one department."""

    __tablename__ = "dispatches"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    # Where the work sits now (a department's clocks climb its own line, see the sweep),
    # and the department it was first sent to (it keeps seeing the case).
    department_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    first_department_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    # The territorial unit that sent it (the case's holder then).
    from_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    state: Mapped[str] = mapped_column(String(16), default="submitted")
    asked: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")
    return_reason: Mapped[str] = mapped_column(Text, default="")
    dispatched_at: Mapped[datetime]
    accept_due_at: Mapped[datetime]
    resolve_due_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # Judged when the clock stops (or when the sweep finds it past due): None while running.
    accepted_on_time: Mapped[bool | None]
    resolved_on_time: Mapped[bool | None]
    rejections: Mapped[int] = mapped_column(default=0)
    # The sweep's marks: the clock it last escalated at this department (never twice), and
    # whether the government the department serves was asked to supervise (督办).
    escalated_clock: Mapped[str | None] = mapped_column(String(16))
    supervised: Mapped[bool] = mapped_column(default=False)
    satisfaction: Mapped[str | None] = mapped_column(String(32))

    department: Mapped[Unit] = relationship(foreign_keys=[department_id])

    __table_args__ = (
        Index("ix_dispatches_case", "case_id"),
        Index("ix_dispatches_department", "department_id", "case_id"),
        Index("ix_dispatches_first_department", "first_department_id", "case_id"),
        Index("ix_dispatches_open_due", "state", "accept_due_at", "resolve_due_at"),
    )
