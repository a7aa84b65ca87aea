"""What a sweep did."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SweepReport:
    """How many cases each part of the sweep touched."""

    warned: int = 0
    overdue: int = 0
    escalated: int = 0
    supervised: int = 0
    auto_closed: int = 0
    details: list[str] = field(default_factory=list)
    grid: Any = None  # sweeping.grid.GridSweep: reminders and follow-up calls

    def total(self) -> int:
        """Every case change the sweep made."""
        return self.warned + self.overdue + self.escalated + self.supervised + self.auto_closed
