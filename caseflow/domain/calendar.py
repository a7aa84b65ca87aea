"""Business calendar: workdays (Chinese holidays and 调休), work periods, working-time arithmetic.

Semantics (all inputs and outputs are UTC-aware datetimes; reckoning is in `zone`):
- Plain durations add wall-clock time ("3d" is 72 hours).
- Working minutes/hours count only time inside the work periods of workdays. A start outside
  work periods (evening, lunch, weekend) begins counting at the next opening.
- "N working days" ends at close of business (end of the last work period) of the N-th
  workday *after* the start's local date. The start's own date never counts, whether the
  start falls before opening, during the day or after close: day 1 is the next workday.
- The hours of a day: `extra_workdays` / `extra_holidays` (from calendar.yaml) win; then, for
  a calendar that observes public holidays, a public holiday has none and an adjusted working
  day (调休上班) has its weekday's hours or else `work_periods` (see caseflow.domain.holidays
  for where holidays come from, year by year); otherwise the weekday's hours (`weekly`, by
  default `work_periods` Monday-Friday). A duty calendar (`observes_holidays=False`) keeps
  its weekly hours on holidays.
- "24:00" closes a period at midnight, so a duty calendar may run around the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from caseflow.domain.durations import Duration, parse_duration
from caseflow.domain.holidays import NO_TABLE, PublicHolidays, official_day

Period = tuple[time, time]
DEFAULT_WORK_PERIODS: tuple[Period, ...] = ((time(9, 0), time(12, 0)), (time(13, 30), time(18, 0)))
# Guard against calendars with no workdays at all (e.g. a year of extra_holidays).
_MAX_SCAN_DAYS = 3660
_ONE_DAY = timedelta(days=1)

def _as_time(value: time | str) -> time:
    """A work-period bound from a `time` or "HH:MM" text (as written in calendar.yaml)."""
    if isinstance(value, time):
        if value.tzinfo is not None:
            raise ValueError(f"work period times are local to the zone, got aware {value}")
        return value
    if str(value).strip() == "24:00":
        return time.max  # midnight at the end of the day (see _to_utc)
    try:
        return time.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"work period time {value!r} is not HH:MM") from None


def _as_date(value: date | str) -> date:
    """A holiday/workday from a `date` or ISO "YYYY-MM-DD" text."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"calendar date {value!r} is not YYYY-MM-DD") from None


def _utc(at: datetime, what: str = "datetime") -> datetime:
    """`at` in UTC; naive datetimes are refused because their zone would be a guess."""
    if not isinstance(at, datetime) or at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime, got {at!r}")
    return at.astimezone(UTC)


def _check_periods(periods: tuple[Period, ...]) -> None:
    """Work periods must be non-empty, ordered and non-overlapping within one day."""
    if not periods:
        raise ValueError("a business calendar needs at least one work period")
    previous_end: time | None = None
    for start, end in periods:
        if start >= end:
            raise ValueError(f"work period {start:%H:%M}-{end:%H:%M} ends before it starts")
        if previous_end is not None and start < previous_end:
            raise ValueError(f"work period starting {start:%H:%M} overlaps the one before")
        previous_end = end


def _check_weekly(weekly: tuple[tuple[Period, ...], ...]) -> None:
    """Seven days of ordered, non-overlapping periods (a day may have none)."""
    if len(weekly) != 7:
        raise ValueError(f"weekly hours need 7 days (Monday first), got {len(weekly)}")
    if not any(weekly):
        raise ValueError("a business calendar needs working hours on at least one weekday")
    for periods in weekly:
        if periods:
            _check_periods(periods)


@dataclass(frozen=True)
class BusinessCalendar:
    """Immutable, hashable calendar shared by all requests of one rules version."""

    zone: str = "Asia/Shanghai"
    work_periods: tuple[Period, ...] = DEFAULT_WORK_PERIODS
    extra_holidays: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()
    # Hours per weekday, Monday first; None means work_periods Monday-Friday.
    weekly: tuple[tuple[Period, ...], ...] | None = None
    observes_holidays: bool = True
    public: PublicHolidays = NO_TABLE
    name: str = "default"
    label: str = ""
    _tz: ZoneInfo = field(init=False, repr=False, compare=False, hash=False)
    _hash: int = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        """Normalise YAML-ish inputs (strings, lists) and validate them."""
        try:
            tz = ZoneInfo(self.zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {self.zone!r}") from None
        periods = tuple((_as_time(a), _as_time(b)) for a, b in self.work_periods)
        _check_periods(periods)
        weekly: tuple[tuple[tuple[time, time], ...], ...]
        if self.weekly is None:
            weekly = (periods,) * 5 + ((), ())
        else:
            weekly = tuple(tuple((_as_time(a), _as_time(b)) for a, b in day)
                           for day in self.weekly)
            _check_weekly(weekly)
        holidays = frozenset(_as_date(d) for d in _iterable(self.extra_holidays))
        workdays = frozenset(_as_date(d) for d in _iterable(self.extra_workdays))
        both = sorted(holidays & workdays)
        if both:
            raise ValueError(f"dates listed as both holiday and workday: {both[0].isoformat()}")
        object.__setattr__(self, "_tz", tz)
        object.__setattr__(self, "work_periods", periods)
        object.__setattr__(self, "weekly", weekly)
        object.__setattr__(self, "extra_holidays", holidays)
        object.__setattr__(self, "extra_workdays", workdays)
        # Every cached lookup of the hot path hashes the calendar: compute the hash once.
        object.__setattr__(self, "_hash", hash((
            self.zone, periods, weekly, holidays, workdays, self.observes_holidays,
            self.public, self.name, self.label)))

    def __hash__(self) -> int:
        return self._hash

    def periods_of(self, day: date) -> tuple[Period, ...]:
        """The local work periods of `day`: none on a day off."""
        assert self.weekly is not None  # noqa: S101 - set by __post_init__, a type narrowing
        if day in self.extra_workdays:
            return self.weekly[day.weekday()] or self.work_periods
        if day in self.extra_holidays:
            return ()
        if self.observes_holidays:
            kind = official_day(day, self.public)
            if kind == "holiday":
                return ()
            if kind == "workday":
                return self.weekly[day.weekday()] or self.work_periods
        return self.weekly[day.weekday()]

    def is_workday(self, day: date) -> bool:
        """Whether `day` (a local date) is a working day."""
        if isinstance(day, datetime):
            # A datetime's date depends on the zone; make callers say which date they mean.
            raise ValueError("is_workday() takes a date; use local_date(dt) for a datetime")
        return bool(self.periods_of(day))

    def local_date(self, at: datetime) -> date:
        """The date of `at` in the calendar zone."""
        return _utc(at).astimezone(self._tz).date()

    def working_day_length(self) -> timedelta:
        """Total length of the work periods of one workday."""
        total = timedelta()
        for start, end in self.work_periods:
            total += datetime.combine(date.min, end) - datetime.combine(date.min, start)
        return total

    def work_intervals(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The work periods of local date `day` as UTC intervals; empty on non-workdays."""
        return _intervals(self, day)

    def close_of_business(self, day: date) -> datetime:
        """End of the last work period of `day` in UTC (whether or not it is a workday)."""
        periods = self.periods_of(day) or self.work_periods
        return _to_utc(day, periods[-1][1], self._tz)

    def is_working_time(self, at: datetime) -> bool:
        """Whether `at` falls inside a work period of a workday."""
        at = _utc(at)
        return any(s <= at < e for s, e in _intervals(self, self.local_date(at)))

    def add(self, start: datetime, duration: Duration | str) -> datetime:
        """`start` plus `duration` (see module docstring for the working-time rules)."""
        start = _utc(start, "start")
        if isinstance(duration, str):
            duration = parse_duration(duration)
        if not duration.working:
            return start + duration.as_timedelta()
        if duration.unit == "days":
            return self._nth_workday_close(start, duration.amount)
        return self.add_working(start, duration.as_timedelta())

    def add_working(self, start: datetime, amount: timedelta) -> datetime:
        """The moment `amount` of working time after `start` has been worked."""
        start = _utc(start, "start")
        if amount < timedelta(0):
            raise ValueError(f"working time to add must not be negative, got {amount}")
        remaining = amount
        day = self.local_date(start)
        for _ in range(_MAX_SCAN_DAYS):
            for period_start, period_end in _intervals(self, day):
                if period_end <= start:
                    continue
                begin = max(start, period_start)
                available = period_end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            day += _ONE_DAY
        raise ValueError(f"no working time found within {_MAX_SCAN_DAYS} days of {start}")

    def _nth_workday_close(self, start: datetime, count: int) -> datetime:
        """Close of business of the `count`-th workday after the local date of `start`."""
        day = self.local_date(start)
        for _ in range(_MAX_SCAN_DAYS):
            day += _ONE_DAY
            if self.is_workday(day):
                count -= 1
                if count == 0:
                    return self.close_of_business(day)
        raise ValueError(f"no workday found within {_MAX_SCAN_DAYS} days of {start}")

    def elapsed(self, start: datetime, end: datetime, working: bool) -> timedelta:
        """Wall-clock time from `start` to `end`, or working time inside work periods."""
        start, end = _utc(start, "start"), _utc(end, "end")
        if not working:
            return end - start
        if end < start:
            return -self.elapsed(end, start, True)
        total = timedelta()
        day, last = self.local_date(start), self.local_date(end)
        while day <= last:
            for period_start, period_end in _intervals(self, day):
                overlap = min(end, period_end) - max(start, period_start)
                if overlap > timedelta(0):
                    total += overlap
            day += _ONE_DAY
        return total


def _iterable(value: Iterable[date | str] | None) -> Iterable[date | str]:
    """Accept None or a single string as well as collections from YAML."""
    if value is None:
        return ()
    if isinstance(value, str | date):
        return (value,)
    return value


def _to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """Local wall time `at` on `day` in `tz`, as UTC ("24:00" is the next midnight)."""
    if at == time.max:
        return datetime.combine(day + _ONE_DAY, time(0), tzinfo=tz).astimezone(UTC)
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


@lru_cache(maxsize=65536)
def _intervals(cal: BusinessCalendar, day: date) -> tuple[tuple[datetime, datetime], ...]:
    """UTC work intervals of `day` (cached per calendar and date: this is the hot path)."""
    return tuple((_to_utc(day, s, cal._tz), _to_utc(day, e, cal._tz))
                 for s, e in cal.periods_of(day))
