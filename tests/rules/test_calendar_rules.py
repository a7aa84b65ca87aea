"""calendar.yaml's named calendars, units map and public holidays, and a clock's calendar in
deadlines.yaml: compiled from the shipped set, refused with file:line when broken."""

from __future__ import annotations

from datetime import date

from caseflow.rules import check_rules, load_rules_from_texts
from tests.rules.test_check import edit, found, line, shipped


def test_the_shipped_calendars() -> None:
    rules = load_rules_from_texts(shipped())
    book = rules.calendars
    assert set(book.names()) == {"default", "street_office", "property_duty"}
    assert book.units["street"] == "street_office"
    assert not book.get("property_duty").observes_holidays
    butler = {s.name: s for s in rules.clocks_for("property")}
    assert butler["respond"].calendar == "property_duty"
    assert butler["resolve"].calendar is None


def test_an_unknown_calendar_is_refused_where_it_is_named() -> None:
    files = shipped()
    edit(files, "calendar.yaml", "  street: street_office", "  street: street_ofice")
    edit(files, "deadlines.yaml", "calendar: property_duty}", "calendar: duty}")
    issues = check_rules(files)
    assert found(issues, "calendar.yaml", line(files["calendar.yaml"], "street: street_ofice"),
                 "unknown calendar 'street_ofice'")
    assert found(issues, "deadlines.yaml", line(files["deadlines.yaml"], "calendar: duty}"),
                 "unknown calendar 'duty'")


def test_bad_hours_and_overlapping_breaks_are_refused_with_their_line() -> None:
    files = shipped()
    edit(files, "calendar.yaml", 'mon-fri: [["08:30", "12:00"], ["13:30", "17:30"]]',
         'mon-fri: [["08:30", "12:00"], ["11:30", "17:30"]]')
    edit(files, "calendar.yaml", 'daily: [["07:00", "22:00"]]', 'daily: [["07:00", "25:00"]]')
    issues = check_rules(files)
    text = files["calendar.yaml"]
    assert found(issues, "calendar.yaml", line(text, '["11:30", "17:30"]'), "overlaps")
    assert found(issues, "calendar.yaml", line(text, '"25:00"'), "not HH:MM")


def test_unreadable_days_and_a_day_given_twice() -> None:
    files = shipped()
    edit(files, "calendar.yaml", "      daily: [", "      mon-fri: [[\"07:00\", \"08:00\"]]\n"
         "      sat-sun: []\n      mon: [")
    edit(files, "calendar.yaml", "      mon-fri: [[\"08:30\"", "      mo-fr: [[\"08:30\"")
    issues = check_rules(files)
    text = files["calendar.yaml"]
    assert found(issues, "calendar.yaml", line(text, "mo-fr:"), "cannot read the days 'mo-fr'")
    assert found(issues, "calendar.yaml", line(text, "      mon: ["), "mon is given twice")


def test_public_holidays_are_read_and_checked() -> None:
    files = shipped()
    edit(files, "calendar.yaml", "public_holidays: {}",
         'public_holidays:\n  2027:\n    holidays: ["2027-01-01", "2027-02-08"]\n'
         '    workdays: ["2027-02-20"]\n')
    calendar = load_rules_from_texts(files).calendar
    assert not calendar.is_workday(date(2027, 2, 8))
    assert calendar.is_workday(date(2027, 2, 20))
    assert calendar.is_workday(date(2027, 10, 4))  # the year is listed: no defaults
    edit(files, "calendar.yaml", '"2027-02-20"', '"2028-02-20"')
    issues = check_rules(files)
    assert found(issues, "calendar.yaml", line(files["calendar.yaml"], '"2028-02-20"'),
                 "not in 2027")


def test_the_old_single_calendar_form_still_loads() -> None:
    files = shipped()
    files["calendar.yaml"] = ('zone: Asia/Shanghai\nwork_periods:\n  - ["09:00", "12:00"]\n'
                              'extra_holidays: ["2026-12-24"]\n')
    files["deadlines.yaml"] = files["deadlines.yaml"].replace(", calendar: property_duty", "")
    rules = load_rules_from_texts(files)
    assert rules.calendars.names() == ("default",)
    assert not rules.calendar.is_workday(date(2026, 12, 24))
