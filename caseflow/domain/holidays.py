"""Public holidays and adjusted working days (调休): where they come from, year by year.

A day's official status is decided by the first source that knows its year:
1. the years listed in calendar.yaml's `public_holidays` (imported from the State Council's
   notice or an iCalendar file: `caseflow calendar import`);
2. the `chinese_calendar` package (1.11 knows up to 2026);
3. otherwise the fixed-date statutory holidays (元旦 1 January, 劳动节 1 May, 国庆 1-3
   October) are holidays, so a year nobody announced yet never counts New Year's Day or the
   National Day as working days. The movable feasts (春节, 清明, 端午, 中秋) cannot be guessed
   and wait for the notice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

from chinese_calendar import constants as _official

logger = logging.getLogger("caseflow.calendar")

DayKind = Literal["holiday", "workday"]
# (month, day) of the statutory holidays whose date never moves.
FIXED_HOLIDAYS: tuple[tuple[int, int], ...] = ((1, 1), (5, 1), (10, 1), (10, 2), (10, 3))
_PACKAGE_YEARS = frozenset(d.year for d in _official.holidays)

_warned_years: set[int] = set()
_warned_lock = threading.Lock()


@dataclass(frozen=True)
class PublicHolidays:
    """Holidays and adjusted working days for the years calendar.yaml lists (imported ones).

    `years` is the set of years this table speaks for: within them, a date in neither set
    is an ordinary day (weekday or weekend), and chinese_calendar is not consulted.
    """

    years: frozenset[int] = frozenset()
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Refuse a date that is both, or one outside the years listed."""
        both = sorted(self.holidays & self.workdays)
        if both:
            raise ValueError(f"{both[0].isoformat()} is listed both as holiday and as workday")
        stray = sorted(d for d in self.holidays | self.workdays if d.year not in self.years)
        if stray:
            raise ValueError(f"{stray[0].isoformat()} is listed outside its year's section")
        # Hashed on every cached lookup of the hot path: compute it once.
        object.__setattr__(self, "_hash", hash((self.years, self.holidays, self.workdays)))

    def __hash__(self) -> int:
        return self._hash


NO_TABLE = PublicHolidays()


def source_of(year: int, table: PublicHolidays = NO_TABLE) -> str:
    """Who knows `year`: "calendar.yaml", "chinese_calendar" or "fixed-date defaults"."""
    if year in table.years:
        return "calendar.yaml"
    if year in _PACKAGE_YEARS:
        return "chinese_calendar"
    return "fixed-date defaults"


def year_known(year: int, table: PublicHolidays = NO_TABLE) -> bool:
    """Whether someone announced `year`'s holidays (the table or chinese_calendar)."""
    return source_of(year, table) != "fixed-date defaults"


def _warn_unknown_year(year: int) -> None:
    """Log once per year that nobody knows its holidays."""
    with _warned_lock:
        if year in _warned_years:
            return
        _warned_years.add(year)
    logger.warning(
        "no holiday data for %d: only 元旦, 劳动节 and 国庆 (1-3 October) are holidays; "
        "import the State Council's notice with `caseflow calendar import`", year,
    )


@lru_cache(maxsize=16384)
def official_day(day: date, table: PublicHolidays = NO_TABLE) -> DayKind | None:
    """"holiday", "workday" (an adjusted working weekend day) or None (an ordinary day)."""
    if day.year in table.years:
        if day in table.holidays:
            return "holiday"
        return "workday" if day in table.workdays else None
    if day.year in _PACKAGE_YEARS:
        if day in _official.holidays:
            return "holiday"
        return "workday" if day in _official.workdays else None
    _warn_unknown_year(day.year)
    return "holiday" if (day.month, day.day) in FIXED_HOLIDAYS else None


def days_of(year: int, table: PublicHolidays = NO_TABLE) -> tuple[list[date], list[date]]:
    """(holidays, adjusted working days) of `year`, sorted, from whichever source knows it."""
    holidays: list[date] = []
    workdays: list[date] = []
    day = date(year, 1, 1)
    while day.year == year:
        kind = official_day(day, table)
        if kind == "holiday":
            holidays.append(day)
        elif kind == "workday":
            workdays.append(day)
        day += timedelta(days=1)
    return holidays, workdays


def table_from_yaml(sections: Mapping[int, Mapping[str, Iterable[date]]]) -> PublicHolidays:
    """Build the table from calendar.yaml's `public_holidays: {year: {holidays, workdays}}`."""
    holidays: set[date] = set()
    workdays: set[date] = set()
    for body in sections.values():
        holidays.update(body.get("holidays", ()))
        workdays.update(body.get("workdays", ()))
    return PublicHolidays(frozenset(sections), frozenset(holidays), frozenset(workdays))
