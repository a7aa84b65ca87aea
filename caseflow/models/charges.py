"""Late clocks charged to the unit where they ran (docs/metrics.md §On time)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from caseflow.models.base import Base


class ClockCharge(Base):
    """One clock that ended past its deadline at one unit and layer.

    Written in the transaction that ended the clock: the sweep's escalation of an overdue
    case (set-based, INSERT…SELECT before the case moves), or the action that stopped it
    late or took the case elsewhere (accept, resolve, return, a manual escalation …). The
    unit keeps the charge whatever happens to the case afterwards.
    """

    __tablename__ = "clock_charges"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    layer: Mapped[str] = mapped_column(String(32))
    clock: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime]
    ended_at: Mapped[datetime]
    ended_by: Mapped[str] = mapped_column(String(32))  # the action: escalate, accept, …

    __table_args__ = (
        # Per-unit figures read a period's charges of a subtree's units.
        Index("ix_clock_charges_unit_ended", "unit_id", "ended_at", "clock"),
        Index("ix_clock_charges_case", "case_id"),
    )
