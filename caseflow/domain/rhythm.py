"""Joint meetings on a rhythm (常态化联席会议): when the next one sits, and which cases are hard.

Seed 000: "常态化联席会议机制, 适时收集各小区业主中的难点和重点问题". A series meets monthly
(on a day of the month) or weekly (on a weekday) at a local time; each sitting's agenda is
pre-filled with the hard cases of its area. Pure: no database, no clock of its own.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

FREQUENCIES = ("monthly", "weekly")

# Why a case is on a joint meeting's agenda, in the order the agenda lists them.
OPEN_LONG, PROBLEM, ESCALATED, REPEAT = "open_long", "problem", "escalated", "repeat"
REASONS = (PROBLEM, ESCALATED, OPEN_LONG, REPEAT)


@dataclass(frozen=True)
class Rhythm:
    """When a series sits: monthly on `day` (1–31; short months use their last day) or
    weekly on `day` (1 = Monday … 7 = Sunday), at `at` local time in `zone`."""

    frequency: str
    day: int
    at: time
    zone: str

    def __post_init__(self) -> None:
        if self.frequency not in FREQUENCIES:
            raise ValueError(f"frequency must be one of {', '.join(FREQUENCIES)}")
        top = 31 if self.frequency == "monthly" else 7
        if not 1 <= self.day <= top:
            raise ValueError(f"day must be between 1 and {top}")

    def next_after(self, instant: datetime) -> datetime:
        """The first sitting strictly after `instant` (an aware datetime)."""
        local = instant.astimezone(ZoneInfo(self.zone))
        day = local.date()
        for _ in range(400):  # at most a year and a month of candidate days
            if self._sits_on(day):
                sitting = datetime.combine(day, self.at, ZoneInfo(self.zone))
                if sitting > instant:
                    return sitting
            day += timedelta(days=1)
        raise ValueError("no sitting within a year")  # unreachable for a valid rhythm

    def _sits_on(self, day: date) -> bool:
        if self.frequency == "weekly":
            return day.isoweekday() == self.day
        last = calendar.monthrange(day.year, day.month)[1]
        return day.day == min(self.day, last)


@dataclass(frozen=True)
class HardCaseRules:
    """What makes an open case hard enough for the area's joint meeting (meetings.yaml
    `joint.hard_cases`)."""

    open_longer_than: timedelta
    problem_cases: bool
    escalated_above: str | None  # a layer: cases held above it are on the agenda
    repeat_min_cases: int  # same place and category, within `repeat_within`
    repeat_within: timedelta
    limit: int


def hard_reasons(
    rules: HardCaseRules,
    now: datetime,
    *,
    submitted_at: datetime,
    problem_case: bool,
    overdue: bool,
    layer_rank: int,
    threshold_rank: int | None,
    repeats: int,
) -> list[str]:
    """The reasons (in REASONS order) a case belongs on the agenda; empty when it does not.

    `layer_rank` is the case's layer's place on the ladder and `threshold_rank` that of
    `escalated_above`; `repeats` counts the cases of the same place and category within
    the window, this one included. A problem case (问题件) or one overdue now is a problem.
    """
    reasons = []
    if rules.problem_cases and (problem_case or overdue):
        reasons.append(PROBLEM)
    if threshold_rank is not None and layer_rank > threshold_rank:
        reasons.append(ESCALATED)
    if now - submitted_at > rules.open_longer_than:
        reasons.append(OPEN_LONG)
    if rules.repeat_min_cases and repeats >= rules.repeat_min_cases:
        reasons.append(REPEAT)
    return reasons
