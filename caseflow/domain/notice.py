"""Read a year's holidays from the State Council's notice (国务院办公厅关于…节假日安排的通知) as
published, or from an iCalendar (.ics) file of holidays and make-up working days.

The notice lists one festival per numbered item, in the wording used every year:
    一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
    六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。
The first date range before 放假 is the holiday; every date in a sentence that ends in 上班 is
an adjusted working day. The weekday in brackets is checked against the date, so a mistyped
notice is refused rather than imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from caseflow.domain.errors import InvalidInput

_YEAR = re.compile(r"(\d{4})\s*年(?:元旦|部分节假日|春节)")
_ITEM = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]\s*(?P<name>[^：:]+)[：:](?P<body>.+)$")
_DATE = (r"(?:(?P<{p}y>\d{{4}})\s*年\s*)?(?:(?P<{p}m>\d{{1,2}})\s*月\s*)?"
         r"(?P<{p}d>\d{{1,2}})\s*日\s*(?:[（(](?P<{p}w>[^）)]*)[）)])?")
_RANGE = re.compile(
    _DATE.format(p="a") + r"(?:\s*[至到—–-]\s*" + _DATE.format(p="b") + r")?\s*放假"
)
_ONE_DATE = re.compile(_DATE.format(p="x"))
_WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class Festival:
    """One item of a notice: its name, the days off and the make-up working days."""

    name: str
    holidays: tuple[date, ...]
    workdays: tuple[date, ...]


@dataclass(frozen=True)
class HolidayNotice:
    """What a notice or calendar file says about one year."""

    year: int
    festivals: tuple[Festival, ...]

    @property
    def holidays(self) -> list[date]:
        """Every day off, sorted."""
        return sorted({d for f in self.festivals for d in f.holidays})

    @property
    def workdays(self) -> list[date]:
        """Every adjusted working day, sorted."""
        return sorted({d for f in self.festivals for d in f.workdays})


def _weekday_ok(day: date, bracket: str | None) -> bool:
    """The bracket's 周X (if any) names `day`'s weekday (周日 and 周天 both mean Sunday)."""
    found = re.search(r"[周星期]+([一二三四五六日天])", bracket or "")
    if found is None:
        return True
    return _WEEKDAYS.index(found.group(1).replace("天", "日")) == day.weekday()


def _date(year: int, month: str | None, day: str, bracket: str | None, fallback_month: int | None,
          where: str, written_year: str | None = None) -> date:
    """A date of the notice, with its weekday checked; `fallback_month` for "至3日", and the
    year when the notice writes one ("2022年12月31日至2023年1月2日")."""
    year = int(written_year) if written_year else year
    if month is None and fallback_month is None:
        raise InvalidInput("file", f"{where}: a date without its month")
    try:
        value = date(year, int(month) if month else fallback_month or 0, int(day))
    except ValueError:
        raise InvalidInput("file", f"{where}: no such date {month}月{day}日") from None
    if not _weekday_ok(value, bracket):
        raise InvalidInput("file", f"{where}: {value.month}月{value.day}日 is not ({bracket})")
    return value


def _festival(year: int, name: str, body: str, where: str) -> Festival:
    """One numbered item: the range before 放假, the dates of the 上班 sentences."""
    found = _RANGE.search(body)
    if found is None:
        raise InvalidInput("file", f"{where}: no '…放假' date range for {name}")
    first = _date(year, found["am"], found["ad"], found["aw"], None, where, found["ay"])
    last = first
    if found["bd"]:
        last = _date(first.year, found["bm"], found["bd"], found["bw"], first.month, where,
                     found["by"])
    if last < first:
        raise InvalidInput("file", f"{where}: the holiday of {name} ends before it starts")
    days = tuple(first + timedelta(days=n) for n in range((last - first).days + 1))
    workdays: list[date] = []
    for sentence in re.split(r"[。；;]", body[found.end():]):
        if "上班" not in sentence:
            continue
        for hit in _ONE_DATE.finditer(sentence):
            workdays.append(_date(year, hit["xm"], hit["xd"], hit["xw"], None, where, hit["xy"]))
    return Festival(name.strip(), days, tuple(workdays))


def parse_notice(text: str, year: int | None = None) -> HolidayNotice:
    """The festivals of a State Council notice (the year is read from its title or text)."""
    if year is None:
        found = _YEAR.search(text)
        if found is None:
            raise InvalidInput("year", "the notice does not say which year it is for; "
                                       "give --year")
        year = int(found.group(1))
    festivals = []
    for number, line in enumerate(text.splitlines(), start=1):
        item = _ITEM.match(line)
        if item and "放假" in item["body"]:
            festivals.append(_festival(year, item["name"], item["body"], f"line {number}"))
    if not festivals:
        raise InvalidInput("file", "no '一、元旦：…放假…' items found in the notice")
    return HolidayNotice(year, tuple(festivals))


def _unfolded(text: str) -> list[str]:
    """iCalendar lines with continuation lines (starting with a space or tab) joined."""
    lines: list[str] = []
    for raw in text.splitlines():
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        elif raw.strip():
            lines.append(raw.strip())
    return lines


def _ics_date(value: str, where: str) -> date:
    """20270101 or 20270101T000000(Z) as a date."""
    try:
        return date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
    except (ValueError, IndexError):
        raise InvalidInput("file", f"{where}: cannot read the date {value!r}") from None


def _is_workday(summary: str) -> bool:
    """Make-up working days are named 班, 上班, 补班 or 调休上班 (or 'workday') in such files."""
    return bool(re.search(r"上班|补班|（班）|\(班\)|^班$|workday", summary, re.IGNORECASE))


def parse_ics(text: str, year: int | None = None) -> HolidayNotice:
    """Whole-day VEVENTs of an .ics file: make-up working days by their summary, else days
    off (DTEND is exclusive, as RFC 5545 says). Only `year`'s days are kept when given; else
    the year most events fall in."""
    festivals: list[Festival] = []
    event: dict[str, str] | None = None
    for number, line in enumerate(_unfolded(text), start=1):
        key, _, value = line.partition(":")
        name = key.split(";")[0].upper()
        if line.upper() == "BEGIN:VEVENT":
            event = {}
        elif line.upper() == "END:VEVENT" and event is not None:
            festivals.append(_ics_event(event, f"event ending at line {number}"))
            event = None
        elif event is not None and name in ("DTSTART", "DTEND", "SUMMARY"):
            event[name] = value.strip()
    if not festivals:
        raise InvalidInput("file", "no VEVENT with a DTSTART found in the calendar file")
    if year is None:
        years = [d.year for f in festivals for d in (*f.holidays, *f.workdays)]
        year = max(set(years), key=years.count)
    kept = tuple(Festival(f.name, tuple(d for d in f.holidays if d.year == year),
                          tuple(d for d in f.workdays if d.year == year)) for f in festivals)
    return HolidayNotice(year, tuple(f for f in kept if f.holidays or f.workdays))


def _ics_event(event: dict[str, str], where: str) -> Festival:
    """One VEVENT as a festival of days off, or of make-up working days."""
    if "DTSTART" not in event:
        raise InvalidInput("file", f"{where}: VEVENT without DTSTART")
    start = _ics_date(event["DTSTART"], where)
    end = _ics_date(event["DTEND"], where) if "DTEND" in event else start + timedelta(days=1)
    days = tuple(start + timedelta(days=n) for n in range(max(1, (end - start).days)))
    summary = event.get("SUMMARY", "")
    if _is_workday(summary):
        return Festival(summary, (), days)
    return Festival(summary, days, ())


def parse_holiday_file(text: str, filename: str = "", year: int | None = None) -> HolidayNotice:
    """A notice or an .ics file, told apart by its content."""
    if "BEGIN:VCALENDAR" in text.upper() or filename.lower().endswith(".ics"):
        return parse_ics(text, year)
    return parse_notice(text, year)
