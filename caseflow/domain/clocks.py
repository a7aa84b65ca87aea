"""Pausable SLA clocks, recomputed from a case's history (never from a running counter).

A clock runs from `started_at`. It is paused while the case sits in a state listed in
`pauses_in` (entered by an event whose `to_state` is in it, left by one whose `to_state` is
not) and stops for good at the first event whose `action` is in `ends_on`.

Time is measured in the clock's own mode: wall-clock for plain durations, working time for
working ones. "N working days" is turned into the working time between the start and close
of business of the N-th workday (its unpaused deadline); paused working time is then added
back, so a pause that covers working hours moves the deadline by those working hours and a
pause over a weekend moves nothing but the working hours it covered.

Status rules:
- running: `due_at` = when the remaining time runs out; `overdue` = now > due_at.
- paused: `due_at` and `warning_at` are None, `remaining` is the time left, never overdue.
- stopped: `due_at` as it stood at the stop (a stop while paused counts as resuming at that
  instant), `overdue` = stopped_at > due_at.
- `remaining` is never negative: an exhausted clock has `timedelta(0)` left.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from caseflow.domain.calendar import BusinessCalendar
from caseflow.domain.durations import DEFAULT_WORKING_DAY_MINUTES, Duration, parse_duration

# One history entry: (at, action, to_state). Objects with those attributes work too.
HistoryEvent = tuple[datetime, str, str]
DEFAULT_WARNING_FRACTION = 0.8


@dataclass(frozen=True)
class ClockSpec:
    """A named deadline: how long, which actions end it, which states pause it."""

    name: str
    within: Duration
    ends_on: frozenset[str] = frozenset()
    pauses_in: frozenset[str] = frozenset()
    # The named calendar (calendar.yaml) it runs on; None: the holding unit's calendar.
    calendar: str | None = None

    def __post_init__(self) -> None:
        """Accept text durations and lists from YAML; keep the spec immutable."""
        if not self.name:
            raise ValueError("a clock needs a name")
        if isinstance(self.within, str):
            object.__setattr__(self, "within", parse_duration(self.within))
        if not isinstance(self.within, Duration):
            raise ValueError(f"clock {self.name!r}: within must be a duration, got {self.within!r}")
        object.__setattr__(self, "ends_on", _names(self.ends_on))
        object.__setattr__(self, "pauses_in", _names(self.pauses_in))


@dataclass(frozen=True)
class ClockStatus:
    """Where a clock stands at a given moment."""

    name: str
    due_at: datetime | None
    stopped_at: datetime | None
    paused: bool
    remaining: timedelta | None
    overdue: bool
    warning_at: datetime | None = None

    @property
    def running(self) -> bool:
        """Neither paused nor stopped."""
        return not self.paused and self.stopped_at is None


@dataclass(frozen=True)
class _Timeline:
    """Running intervals of a clock up to `end` (now, or the stop)."""

    segments: tuple[tuple[datetime, datetime], ...]
    end: datetime
    stopped_at: datetime | None
    paused: bool


class _Meter:
    """Measures and adds time in a clock's mode (wall-clock or working)."""

    def __init__(self, within: Duration, started_at: datetime, calendar: BusinessCalendar):
        self.working = within.working
        self.calendar = calendar
        if within.working and within.unit == "days":
            # Working days end at close of business; express that as a working-time budget
            # so pauses can be subtracted like any other working duration.
            deadline = calendar.add(started_at, within)
            self.budget = calendar.elapsed(started_at, deadline, working=True)
        else:
            self.budget = within.as_timedelta()

    def consumed(self, start: datetime, end: datetime) -> timedelta:
        """Time the clock used between `start` and `end` while running."""
        return self.calendar.elapsed(start, end, working=self.working)

    def add(self, start: datetime, amount: timedelta) -> datetime:
        """Moment `amount` of clock time after `start`."""
        if self.working:
            return self.calendar.add_working(start, amount)
        return start + amount


def _names(value: Iterable[str] | str | None) -> frozenset[str]:
    """A frozenset of names from a list, a single name or None."""
    if value is None:
        return frozenset()
    if isinstance(value, str):
        return frozenset({value})
    return frozenset(value)


def _utc(at: datetime, what: str) -> datetime:
    """`at` in UTC; naive datetimes are refused because their zone would be a guess."""
    if not isinstance(at, datetime) or at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime, got {at!r}")
    return at.astimezone(UTC)


def _unpack(event: Any) -> tuple[datetime, str, str]:
    """(at, action, to_state) from a tuple or an object with those attributes."""
    if hasattr(event, "at") and hasattr(event, "action") and hasattr(event, "to_state"):
        return event.at, event.action, event.to_state
    at, action, to_state = event
    return at, action, to_state


def _timeline(
    spec: ClockSpec,
    started_at: datetime,
    history: Iterable[Any],
    now: datetime,
    initial_state: str | None,
) -> _Timeline:
    """Split [started_at, now) into running segments, honouring pauses and the stop."""
    paused = initial_state in spec.pauses_in
    cursor = last = started_at
    segments: list[tuple[datetime, datetime]] = []
    for event in history:
        raw_at, action, to_state = _unpack(event)
        # Clamp so a slightly out-of-order or pre-start event cannot create negative time.
        at = max(_utc(raw_at, "event time"), last)
        if at > now:
            break  # the future has not happened yet (status "as of" an earlier moment)
        last = at
        if action in spec.ends_on:
            if not paused:
                segments.append((cursor, at))
            return _Timeline(tuple(segments), at, at, False)
        pause_now = to_state in spec.pauses_in
        if pause_now and not paused:
            segments.append((cursor, at))
        elif paused and not pause_now:
            cursor = at
        paused = pause_now
    end = max(now, started_at)
    if not paused:
        segments.append((cursor, end))
    return _Timeline(tuple(segments), end, None, paused)


def _project(
    meter: _Meter, timeline: _Timeline, budget: timedelta
) -> tuple[datetime | None, timedelta]:
    """When `budget` of clock time runs out (None while paused with time left) and what is left."""
    remaining = budget
    for start, end in timeline.segments:
        used = meter.consumed(start, end)
        if used >= remaining:
            return meter.add(start, remaining), timedelta(0)
        remaining -= used
    if timeline.paused:
        return None, remaining
    # Running (or stopped, projected as it stood): the rest runs from the end of the timeline.
    return meter.add(timeline.end, remaining), remaining


def clock_status(
    spec: ClockSpec,
    started_at: datetime,
    history: Sequence[HistoryEvent] | Iterable[Any],
    now: datetime,
    calendar: BusinessCalendar,
    *,
    warning_fraction: float = DEFAULT_WARNING_FRACTION,
    initial_state: str | None = None,
) -> ClockStatus:
    """Status of `spec`'s clock at `now`, given the events since it started."""
    if not math.isfinite(warning_fraction) or not 0 < warning_fraction <= 1:
        raise ValueError(f"warning fraction must be in (0, 1], got {warning_fraction!r}")
    started_at, now = _utc(started_at, "started_at"), _utc(now, "now")
    timeline = _timeline(spec, started_at, history, now, initial_state)
    meter = _Meter(spec.within, started_at, calendar)
    due_at, remaining = _project(meter, timeline, meter.budget)
    warning_at, _ = _project(meter, timeline, meter.budget * warning_fraction)
    if timeline.paused:
        # Paused clocks have no deadline to chase; the sweep must not pick them up.
        return ClockStatus(spec.name, None, None, True, remaining, False, None)
    assert due_at is not None  # noqa: S101 (narrowing: not paused, so _project projects)
    if timeline.stopped_at is not None:
        overdue = timeline.stopped_at > due_at
    else:
        overdue = now > due_at
    return ClockStatus(
        spec.name, due_at, timeline.stopped_at, False, remaining, overdue, warning_at
    )


def warning_at(
    spec: ClockSpec,
    started_at: datetime,
    history: Sequence[HistoryEvent] | Iterable[Any],
    now: datetime,
    calendar: BusinessCalendar,
    fraction: float = DEFAULT_WARNING_FRACTION,
) -> datetime | None:
    """Moment `fraction` of the clock's time is consumed (None while paused)."""
    status = clock_status(spec, started_at, history, now, calendar, warning_fraction=fraction)
    return status.warning_at


def extend(
    spec: ClockSpec, extra: Duration | str, calendar: BusinessCalendar | None = None
) -> ClockSpec:
    """A copy of `spec` whose `within` is longer by `extra` (an approved extension).

    Same units add up; otherwise both are converted to minutes in the original's mode,
    using the calendar's working-day length for working days (7.5 h by default).
    """
    if isinstance(extra, str):
        extra = parse_duration(extra)
    day_minutes = DEFAULT_WORKING_DAY_MINUTES
    if calendar is not None:
        day_minutes = int(calendar.working_day_length().total_seconds() // 60)
    return replace(spec, within=spec.within.plus(extra, day_minutes))
