"""calendar.yaml: the default calendar, named calendars, the `units:` map and the imported
`public_holidays`, validated with file:line issues and compiled into a CalendarBook.

    zone: Asia/Shanghai
    work_periods: [["09:00", "12:00"], ["13:30", "18:00"]]   # the default calendar
    calendars:
      street_office:
        label: 街道办公时间
        hours: {mon-fri: [["08:30", "12:00"], ["13:30", "17:30"]]}
      property_duty:
        label: 物业值班时间
        public_holidays: false
        hours: {daily: [["07:00", "22:00"]]}
    units: {street: street_office, property_office: property_duty}   # unit kind or code
    public_holidays:
      2027: {holidays: ["2027-01-01", ...], workdays: ["2027-02-20", ...]}
"""

from __future__ import annotations

from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from caseflow.domain.calendar import BusinessCalendar, Period
from caseflow.domain.calendar_book import DEFAULT_NAME, CalendarBook
from caseflow.domain.holidays import NO_TABLE, PublicHolidays, table_from_yaml
from caseflow.rules.loader import FileCheck, LDict, empty_mapping

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ALIASES = {"daily": "mon-sun", "weekdays": "mon-fri", "weekend": "sat-sun"}
_CALENDAR_KEYS = ["label", "zone", "hours", "work_periods", "public_holidays",
                  "extra_holidays", "extra_workdays"]
_TOP_KEYS = ["zone", "label", "work_periods", "hours", "extra_holidays", "extra_workdays",
             "calendars", "units", "public_holidays"]


def _days(spec: str) -> list[int] | None:
    """Weekday indexes of "mon", "mon-fri", "sat,sun", "daily" (None when unreadable)."""
    out: list[int] = []
    for part in _ALIASES.get(spec.strip().lower(), spec.lower()).split(","):
        first, _, last = part.strip().partition("-")
        if first not in WEEKDAYS or (last and last not in WEEKDAYS):
            return None
        a, b = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
        if b < a:
            return None
        out.extend(range(a, b + 1))
    return out


def _periods(fc: FileCheck, value: Any, line: int, what: str) -> tuple[Period, ...] | None:
    """A list of ["HH:MM", "HH:MM"] pairs, checked for order and overlap (breaks between)."""
    periods = []
    for item_line, pair in fc.items(value, line, what):
        if not isinstance(pair, list) or len(pair) != 2 \
                or not all(isinstance(t, str) for t in pair):
            # YAML 1.1 reads unquoted 13:30 as the number 810, hence the hint.
            fc.issue(item_line, f'{what}: a work period must be a pair of quoted times like '
                                f'["09:00", "12:00"], not {pair!r}')
            return None
        periods.append((pair[0], pair[1]))
    if not periods:
        return ()  # a day without hours: closed
    try:
        BusinessCalendar(work_periods=tuple(periods))  # the domain's own checks, one place
    except ValueError as exc:
        fc.issue(line, f"{what}: {exc}")
        return None
    return tuple(periods)


def _weekly(fc: FileCheck, value: Any, line: int, what: str) -> tuple[Any, ...] | None:
    """`hours: {mon-fri: [...], sat: [...]}` as seven days of periods, Monday first."""
    m = fc.mapping(value, line, what)
    if m is None:
        return None
    week: list[Any] = [None] * 7
    ok = True
    for spec, periods in m.items():
        days = _days(str(spec))
        if days is None:
            fc.issue(m.line_of(spec), f"{what}: cannot read the days {spec!r} (write mon, "
                                      "mon-fri, sat,sun or daily)")
            ok = False
            continue
        parsed = _periods(fc, periods, m.line_of(spec), f"{what} {spec}")
        for day in days:
            if week[day] is not None:
                fc.issue(m.line_of(spec), f"{what}: {WEEKDAYS[day]} is given twice")
                ok = False
            week[day] = parsed or ()
        ok = ok and parsed is not None
    return tuple(day or () for day in week) if ok else None


def _dates(fc: FileCheck, m: LDict, key: str, what: str, year: int | None = None
           ) -> frozenset[date]:
    """ISO dates (quoted or YAML dates) under m[key]; with `year`, each must fall in it."""
    out = set()
    for line, item in fc.items(m[key], m.line_of(key), f"{what}.{key}") if key in m else []:
        try:
            day = item if isinstance(item, date) and not isinstance(item, datetime) \
                else date.fromisoformat(str(item).strip())
        except ValueError:
            fc.issue(line, f"{what}.{key}: {item!r} is not a date like \"2027-01-01\"")
            continue
        if year is not None and day.year != year:
            fc.issue(line, f"{what}.{key}: {day.isoformat()} is not in {year}")
            continue
        out.add(day)
    return frozenset(out)


def _public(fc: FileCheck, value: Any, line: int) -> PublicHolidays | None:
    """`public_holidays: {2027: {holidays: [...], workdays: [...], source: ...}}`."""
    m = fc.mapping(value, line, "public_holidays")
    if m is None:
        return None
    sections: dict[int, dict[str, frozenset[date]]] = {}
    for key, body in m.items():
        year = int(key) if str(key).isdigit() and len(str(key)) == 4 else None
        if year is None:
            fc.issue(m.line_of(key), f"public_holidays: {key!r} is not a year like 2027")
            continue
        section = fc.mapping(body, m.line_of(key), f"public_holidays {year}")
        if section is None:
            continue
        fc.keys(section, ["holidays", "workdays", "source"], ["holidays"],
                f"public_holidays {year}")
        sections[year] = {k: _dates(fc, section, k, f"public_holidays {year}", year)
                          for k in ("holidays", "workdays")}
    try:
        return table_from_yaml(sections)
    except ValueError as exc:
        fc.issue(line, f"public_holidays: {exc}")
        return None


def _calendar(fc: FileCheck, m: LDict, name: str, zone: str, public: PublicHolidays,
              label: str = "") -> BusinessCalendar | None:
    """One calendar (the top level is the default one)."""
    what = f"calendar {name!r}"
    kwargs: dict[str, Any] = {"name": name, "zone": zone, "public": public, "label": label}
    if "zone" in m and fc.typed(m["zone"], str, m.line_of("zone"), f"{what} zone"):
        kwargs["zone"] = m["zone"]
    if "label" in m and fc.typed(m["label"], str, m.line_of("label"), f"{what} label"):
        kwargs["label"] = m["label"]
    if "public_holidays" in m and name != DEFAULT_NAME and fc.typed(
            m["public_holidays"], bool, m.line_of("public_holidays"), f"{what} public_holidays"):
        kwargs["observes_holidays"] = m["public_holidays"]
    if "work_periods" in m:
        kwargs["work_periods"] = _periods(fc, m["work_periods"], m.line_of("work_periods"),
                                          f"{what} work_periods")
    if "hours" in m:
        kwargs["weekly"] = _weekly(fc, m["hours"], m.line_of("hours"), f"{what} hours")
        if kwargs["weekly"] is not None and "work_periods" not in m:
            # Adjusted working days (调休) and day lengths follow the first open weekday.
            kwargs["work_periods"] = next(day for day in kwargs["weekly"] if day)
    kwargs["extra_holidays"] = _dates(fc, m, "extra_holidays", what)
    kwargs["extra_workdays"] = _dates(fc, m, "extra_workdays", what)
    if kwargs.get("work_periods", ()) is None or ("hours" in m and kwargs["weekly"] is None):
        return None
    try:
        return BusinessCalendar(**kwargs)
    except (ValueError, TypeError) as exc:
        fc.issue(m.line, f"invalid {what}: {exc}")
        return None


def build_calendars(fc: FileCheck, data: LDict) -> CalendarBook | None:
    """calendar.yaml as a CalendarBook; None (with issues) when anything is wrong."""
    fc.keys(data, _TOP_KEYS, [], "calendar.yaml")
    before = len(fc.issues)
    public = _public(fc, data["public_holidays"], data.line_of("public_holidays")) \
        if "public_holidays" in data else NO_TABLE
    zone = str(data["zone"]) if isinstance(data.get("zone"), str) else "Asia/Shanghai"
    default = _calendar(fc, data, DEFAULT_NAME, zone, public or NO_TABLE)
    named: dict[str, BusinessCalendar] = {}
    table = (fc.mapping(data["calendars"], data.line_of("calendars"), "calendars")
             if "calendars" in data else None) or empty_mapping()
    for name, body in table.items():
        line = table.line_of(name)
        if not fc.ident(name, line, "calendar name"):
            continue
        if name == DEFAULT_NAME:
            fc.issue(line, f"{name!r} is the top-level calendar; give this one another name")
            continue
        m = fc.mapping(body, line, f"calendar {name!r}")
        if m is not None:
            fc.keys(m, _CALENDAR_KEYS, [], f"calendar {name!r}")
            built = _calendar(fc, m, name, zone, public or NO_TABLE)
            if built is not None:
                named[name] = built
    units = _units(fc, data, {DEFAULT_NAME, *table})
    if len(fc.issues) > before or default is None:
        return None
    return CalendarBook(default, MappingProxyType(named), MappingProxyType(units))


def _units(fc: FileCheck, data: LDict, known: set[str]) -> dict[str, str]:
    """`units: {unit kind or code: calendar name}`, each name checked."""
    m = (fc.mapping(data["units"], data.line_of("units"), "units") if "units" in data else None) \
        or empty_mapping()
    out: dict[str, str] = {}
    for key, name in m.items():
        line = m.line_of(key)
        if fc.typed(name, str, line, f"units.{key}") and fc.ref(name, known, line, "calendar"):
            out[str(key)] = name
    return out


def calendar_names(data: LDict | None) -> frozenset[str] | None:
    """The calendar names calendar.yaml defines (None when it could not be read)."""
    if data is None:
        return None
    table = data.get("calendars")
    return frozenset({DEFAULT_NAME, *(table if isinstance(table, dict) else {})})


def check_clock_calendars(fc: FileCheck, data: Any, known: frozenset[str] | None) -> None:
    """Every `calendar:` a clock of deadlines.yaml names must be defined in calendar.yaml."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "calendar" and isinstance(data, LDict):
                line = data.line_of(key)
                if fc.typed(value, str, line, "clock calendar"):
                    fc.ref(value, known, line, "calendar")
            else:
                check_clock_calendars(fc, value, known)
    elif isinstance(data, list):
        for item in data:
            check_clock_calendars(fc, item, known)
