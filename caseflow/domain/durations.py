"""Durations as written in rules files: "5m", "2h", "3d", "2 working days", ...

A `Duration` is plain (wall-clock) or working (counted only inside the work periods of a
`BusinessCalendar`). "N working days" is special: it means close of business on the N-th
working day, not N times the length of a working day (see `calendar.BusinessCalendar.add`).

Where a working day must be turned into minutes (scaling, extensions) the length of the
default calendar's working day is used unless a caller passes another: 09:00-12:00 plus
13:30-18:00 is 7.5 hours, i.e. 450 working minutes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

Unit = Literal["seconds", "minutes", "hours", "days"]
UNITS: tuple[Unit, ...] = ("seconds", "minutes", "hours", "days")

# 09:00-12:00 (3 h) + 13:30-18:00 (4.5 h) of the default calendar.
DEFAULT_WORKING_DAY_MINUTES = 450

_SECONDS_PER: dict[str, int] = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
_SHORT: dict[str, str] = {"seconds": "s", "minutes": "m", "hours": "h", "days": "d"}
_ALIASES: dict[str, Unit] = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), "seconds"),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), "minutes"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "hours"),
    **dict.fromkeys(("d", "day", "days"), "days"),
}
_PATTERN = re.compile(
    r"^(?P<sign>[-+]?)\s*(?P<amount>\d+(?:\.\d*)?)\s*(?P<working>working\s+)?(?P<unit>[a-z]+)$",
    re.IGNORECASE,
)
_EXAMPLES = '"30s", "5m", "2h", "3d", "90 minutes", "2 working days" or "4 working hours"'


@dataclass(frozen=True)
class Duration:
    """An amount of time in one unit, wall-clock or working time."""

    amount: int
    unit: Unit
    working: bool = False

    def __post_init__(self) -> None:
        """Refuse values that no rules file could have meant."""
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise ValueError(f"duration amount must be a whole number, not {self.amount!r}")
        if self.amount <= 0:
            raise ValueError(f"duration must be positive, got {self.amount} {self.unit}")
        if self.unit not in UNITS:
            raise ValueError(f"unknown duration unit {self.unit!r}; use one of {UNITS}")
        if self.working and self.unit == "seconds":
            # Working time is reckoned to the minute; seconds would suggest false precision.
            raise ValueError("working seconds are not supported; use working minutes")

    def __str__(self) -> str:
        """Canonical text that `parse_duration` turns back into an equal Duration."""
        if not self.working:
            return f"{self.amount}{_SHORT[self.unit]}"
        word = self.unit[:-1] if self.amount == 1 else self.unit
        return f"{self.amount} working {word}"

    def as_timedelta(self, working_day_minutes: int = DEFAULT_WORKING_DAY_MINUTES) -> timedelta:
        """Wall-clock length, or amount of working time for working durations."""
        return timedelta(
            seconds=_seconds(self.amount, self.unit, self.working, working_day_minutes)
        )

    def scaled(
        self, factor: float, working_day_minutes: int = DEFAULT_WORKING_DAY_MINUTES
    ) -> Duration:
        """This duration times `factor` (green channel), in whole units, at least one.

        The unit is kept when the result is whole; otherwise the result is re-expressed in
        seconds (plain) or working minutes (working), rounded half up, and lifted back to the
        largest unit that holds it exactly. Working results never become working days again,
        because "N working days" means close of business, not N day-lengths.
        Example: 1h * 0.5 -> 30m; 1 working day * 0.5 -> 225 working minutes (7.5 h day).
        """
        if not math.isfinite(factor) or factor <= 0:
            raise ValueError(f"scale factor must be a positive number, got {factor!r}")
        exact = self.amount * factor
        if math.isclose(exact, round(exact), abs_tol=1e-9) and round(exact) >= 1:
            return Duration(round(exact), self.unit, self.working)
        base: Unit = "minutes" if self.working else "seconds"
        total = _seconds(self.amount, self.unit, self.working, working_day_minutes) * factor
        count = max(1, math.floor(total / _SECONDS_PER[base] + 0.5))
        return _normalise(count, base, self.working)

    def plus(
        self, extra: Duration, working_day_minutes: int = DEFAULT_WORKING_DAY_MINUTES
    ) -> Duration:
        """This duration lengthened by `extra`, keeping this one's working flag.

        `extra` is read in this duration's mode: "1d" added to a working clock means one
        working day. Same units add amounts; otherwise both become minutes (seconds for
        plain ones that need them) and are lifted to the largest exact unit.
        """
        if extra.unit == self.unit:
            return Duration(self.amount + extra.amount, self.unit, self.working)
        total = _seconds(self.amount, self.unit, self.working, working_day_minutes)
        total += _seconds(extra.amount, extra.unit, self.working, working_day_minutes)
        if self.working:
            return _normalise(math.ceil(total / 60), "minutes", True)
        return _normalise(int(total), "seconds", False)


def _seconds(amount: int, unit: str, working: bool, working_day_minutes: int) -> int:
    """Seconds (of wall-clock or working time) in `amount` `unit`s."""
    if working and unit == "days":
        return amount * working_day_minutes * 60
    return amount * _SECONDS_PER[unit]


def _normalise(count: int, unit: Unit, working: bool) -> Duration:
    """Express `count` `unit`s in the largest unit that holds it exactly."""
    top = UNITS.index("hours" if working else "days")
    index = UNITS.index(unit)
    while index < top:
        bigger = UNITS[index + 1]
        ratio = _SECONDS_PER[bigger] // _SECONDS_PER[UNITS[index]]
        if count % ratio:
            break
        count //= ratio
        index += 1
    return Duration(count, UNITS[index], working)


def parse_duration(text: str) -> Duration:
    """Parse "30s", "5m", "2h", "3d", "90 minutes", "2 working days", ... into a Duration."""
    if not isinstance(text, str):
        raise ValueError(f"duration must be text such as {_EXAMPLES}, not {text!r}")
    cleaned = " ".join(text.split())
    match = _PATTERN.match(cleaned)
    if match is None:
        raise ValueError(f"cannot read duration {text!r}; write it like {_EXAMPLES}")
    unit = _ALIASES.get(match["unit"].lower())
    if unit is None:
        raise ValueError(
            f"unknown unit {match['unit']!r} in duration {text!r}; "
            "use seconds (s), minutes (m), hours (h) or days (d)"
        )
    if match["sign"] == "-":
        raise ValueError(f"duration {text!r} is negative; deadlines must be positive")
    if "." in match["amount"]:
        raise ValueError(f"duration {text!r} is not a whole number; use a smaller unit")
    amount = int(match["amount"])
    if amount == 0:
        raise ValueError(f"duration {text!r} is zero; deadlines must be positive")
    working = match["working"] is not None
    if working and unit == "seconds":
        raise ValueError(f"duration {text!r}: working seconds are not supported; use minutes")
    return Duration(amount, unit, working)
