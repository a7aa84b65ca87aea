"""Calendars in use: which one a unit's clocks follow, the holidays of a year, the import of
the State Council's notice as a new rule-set version, and the yearly "next year unknown"
warning (from 1 November)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from caseflow.domain.calendar_book import CalendarBook
from caseflow.domain.clocks import ClockSpec
from caseflow.domain.errors import InvalidInput
from caseflow.domain.holidays import days_of, source_of, year_known
from caseflow.domain.notice import HolidayNotice, parse_holiday_file
from caseflow.models import Unit, UnitClosure
from caseflow.rules import RuleSet
from caseflow.services.rulesets import activate_rules
from caseflow.services.uow import UnitOfWork

# From this month on, next year's holidays should be known (the notice usually comes out in
# late October or November).
WARN_FROM_MONTH = 11


def unit_path(db: Session | Connection, unit_id: int | None) -> list[tuple[str, str]]:
    """(code, kind) of a unit and its ancestors, nearest first."""
    if unit_id is None:
        return []
    rows = db.execute(
        select(Unit.code, Unit.kind)
        .join(UnitClosure, UnitClosure.ancestor_id == Unit.id)
        .where(UnitClosure.descendant_id == unit_id)
        .order_by(UnitClosure.depth)
    )
    return [(code, kind) for code, kind in rows]


def unit_calendar(db: Session | Connection, rules: RuleSet, unit_id: int | None) -> str:
    """The calendar name a unit's clocks follow (its own or inherited; see calendar_book)."""
    book = rules.calendars
    if not book.units:
        return book.default.name  # nothing to resolve: spare the query
    return book.for_unit(unit_path(db, unit_id))


def with_calendars(db: Session | Connection, rules: RuleSet, unit_id: int | None,
                   specs: Iterable[ClockSpec], kind: str | None = None
                   ) -> tuple[ClockSpec, ...]:
    """The clocks a unit (of `kind`, when the caller knows it) starts, each with the calendar
    it runs on named (None: default)."""
    specs = tuple(specs)
    book = rules.calendars
    if not book.units and all(spec.calendar is None for spec in specs):
        return specs
    by_kind = kind_calendar(rules, kind) if kind is not None else False
    # A units map of kinds only needs no query: the holder's kind says it all.
    # by_kind is a name, None (the default) or False (resolve the unit); never True.
    own = unit_calendar(db, rules, unit_id) if by_kind is False \
        else str(by_kind or book.default.name)
    out = []
    for spec in specs:
        name = spec.calendar or own
        out.append(replace(spec, calendar=None if name == book.default.name else name))
    return tuple(out)


def kind_calendar(rules: RuleSet, kind: str) -> str | None | Literal[False]:
    """The calendar every unit of `kind` follows when the units map names kinds only (None:
    the default); False when it names unit codes, so each unit must be resolved on its own
    (the sweep's set-based escalation then hands its cases to the per-case path)."""
    book = rules.calendars
    kinds = {layer.unit_kind for layer in rules.layers}
    if any(key not in kinds for key in book.units):
        return False
    name = book.units.get(kind, book.default.name)
    return None if name == book.default.name else name


def clock_labels(rules: RuleSet, clocks: dict[str, Any]) -> dict[str, str | None]:
    """For the case page: each clock's calendar label (物业值班时间 …; "" for the default
    calendar), None for a wall-clock clock ("30m" runs day and night on any calendar)."""
    book: CalendarBook = rules.calendars
    return {name: book.label(raw.get("calendar")) if "working" in raw["within"] else None
            for name, raw in clocks.items()}


@dataclass(frozen=True)
class YearHolidays:
    """A year's holidays and adjusted working days, and who knows them."""

    year: int
    source: str
    holidays: list[date]
    workdays: list[date]

    def as_json(self) -> dict[str, Any]:
        """`caseflow calendar show --format json`."""
        return {"year": self.year, "source": self.source,
                "holidays": [d.isoformat() for d in self.holidays],
                "workdays": [d.isoformat() for d in self.workdays]}


def year_holidays(rules: RuleSet, year: int) -> YearHolidays:
    """What the active rules count as `year`'s holidays and adjusted working days."""
    if not 1900 <= year <= 2200:
        raise InvalidInput("year", f"{year} is not a plausible year")
    public = rules.calendar.public
    holidays, workdays = days_of(year, public)
    return YearHolidays(year, source_of(year, public), holidays, workdays)


def read_holiday_file(text: str, filename: str, year: int | None = None) -> HolidayNotice:
    """Parse a notice or .ics file (InvalidInput naming what is wrong)."""
    return parse_holiday_file(text, filename, year)


def calendar_with(files: dict[str, str], notice: HolidayNotice) -> dict[str, str]:
    """The rules files with `notice`'s year written into calendar.yaml's public_holidays.

    The section is appended as text (replacing an earlier import of the same year) so the
    administrator's comments and layout in calendar.yaml are kept.
    """
    text = files.get("calendar.yaml", "")
    data = yaml.safe_load(text) or {}
    sections = dict(data.get("public_holidays") or {})
    # A day of the year before (元旦 from 31 December, as in the 2023 notice) is left out: a
    # year's section speaks for that year only.
    sections[notice.year] = {
        "holidays": [d.isoformat() for d in notice.holidays if d.year == notice.year],
        "workdays": [d.isoformat() for d in notice.workdays if d.year == notice.year],
    }
    lines = [line for line in _without_public(text).rstrip().splitlines()]
    block = yaml.safe_dump({"public_holidays": {int(k): sections[k] for k in sorted(sections)}},
                           allow_unicode=True, sort_keys=False, default_flow_style=None)
    return {**files, "calendar.yaml": "\n".join(lines) + "\n\n" + block}


def _without_public(text: str) -> str:
    """calendar.yaml without its top-level `public_holidays:` block (rewritten whole)."""
    out: list[str] = []
    skipping = False
    for line in text.splitlines():
        if line.startswith("public_holidays:"):
            skipping = True
            continue
        if skipping and line and not line[0].isspace() and not line.startswith("#"):
            skipping = False
        if not skipping:
            out.append(line)
    return "\n".join(out)


def import_holidays(uow: UnitOfWork, files: dict[str, str], notice: HolidayNotice, by: str,
                    now: datetime, source: str) -> RuleSet:
    """Activate the rules with `notice`'s year in calendar.yaml as a new version, and commit."""
    return activate_rules(uow, calendar_with(files, notice), by, now,
                          source=f"calendar import {source}")


@dataclass(frozen=True)
class HolidayOutlook:
    """Whether next year's holidays are known yet, and whether that is worth a warning."""

    next_year: int
    known: bool
    warn: bool


def holiday_outlook(rules: RuleSet, now: datetime) -> HolidayOutlook:
    """From 1 November (local time), warn while next year's holidays are unknown (neither
    calendar.yaml nor chinese_calendar has them)."""
    local = now.astimezone(ZoneInfo(rules.calendar.zone))
    known = year_known(local.year + 1, rules.calendar.public)
    return HolidayOutlook(local.year + 1, known, local.month >= WARN_FROM_MONTH and not known)
