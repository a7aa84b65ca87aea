"""Calendars on real cases (SQLite and PostgreSQL): the butler's duty night, the street
office's hours, and a notice imported on a fresh database making next year's holidays count."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from caseflow.domain.notice import parse_holiday_file
from caseflow.services import calendars
from caseflow.services.cases import submit_case
from caseflow.services.rulesets import active_rules
from tests.factories import RESIDENT, build_tree, submission

DATA = Path(__file__).resolve().parent.parent / "data" / "holidays"
SH = ZoneInfo("Asia/Shanghai")


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


def iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()


@pytest.fixture
def users(runtime):
    return build_tree(runtime)


def submit(runtime, **overrides):
    with runtime.uow() as uow:
        case, _ = submit_case(uow, runtime.rules(), submission(**overrides), RESIDENT,
                              runtime.now())
    return case


def test_the_butlers_promise_waits_for_the_duty_hours(runtime, clock, users) -> None:
    clock.set(sh(2026, 11, 24, 0, 12))
    case = submit(runtime)
    assert case.layer == "property"
    assert case.clocks["respond"]["calendar"] == "property_duty"
    assert case.deadlines["respond"]["due_at"] == iso(sh(2026, 11, 24, 7, 5))
    assert case.deadlines["first_result"]["due_at"] == iso(sh(2026, 11, 24, 7, 15))
    # The resolve clock follows the office's default calendar: 3 working days.
    assert "calendar" not in case.clocks["resolve"]
    assert case.deadlines["resolve"]["due_at"] == iso(sh(2026, 11, 27, 18))


def test_a_street_holds_its_cases_on_the_street_offices_calendar(runtime, clock, users) -> None:
    with runtime.uow() as uow:
        street = calendars.unit_calendar(uow.session, runtime.rules(),
                                         _unit_id(uow, "jiazhou-street"))
        community = calendars.unit_calendar(uow.session, runtime.rules(),
                                            _unit_id(uow, "jiazhou-community"))
    assert (street, community) == ("street_office", "default")


def _unit_id(uow, code: str) -> int:
    from caseflow.services.units import get_unit

    return get_unit(uow.session, code).id


def test_a_notice_imported_on_a_fresh_database_makes_next_years_holidays_count(
        runtime, clock, users) -> None:
    clock.set(sh(2026, 12, 7, 9))
    rules = runtime.rules()
    assert calendars.year_holidays(rules, 2027).source == "fixed-date defaults"
    assert calendars.holiday_outlook(rules, runtime.now()).warn
    notice = parse_holiday_file((DATA / "notice-2027.txt").read_text(encoding="utf-8"))
    with runtime.uow() as uow:
        imported = calendars.import_holidays(uow, dict(rules.files), notice, "admin",
                                             runtime.now(), "notice-2027.txt")
    with runtime.uow() as uow:
        active = active_rules(uow)
    assert active is not None and active[1].version == imported.version != rules.version
    runtime.forget_rules()
    rules = runtime.rules()
    shown = calendars.year_holidays(rules, 2027)
    assert shown.source == "calendar.yaml"
    assert shown.holidays == notice.holidays and shown.workdays == notice.workdays
    assert not calendars.holiday_outlook(rules, runtime.now()).warn
    # The comments of calendar.yaml are kept; the year is a section of its own.
    assert "# 工作日历" in rules.files["calendar.yaml"]
    # A case reported on Thursday 4 February 2027 at 17:00: 3 working days skip the Spring
    # Festival (5-13 February) and end on Wednesday 17 February, not Tuesday 9 February.
    clock.set(sh(2027, 2, 4, 17))
    case = submit(runtime)
    assert case.deadlines["resolve"]["due_at"] == iso(sh(2027, 2, 17, 18))
    assert rules.calendar.is_workday(date(2027, 2, 20))  # a Saturday worked in lieu


def test_importing_the_same_year_again_replaces_it(runtime, users) -> None:
    rules = runtime.rules()
    first = parse_holiday_file((DATA / "holidays-2027.ics").read_text(encoding="utf-8"),
                               "holidays-2027.ics")
    second = parse_holiday_file((DATA / "notice-2027.txt").read_text(encoding="utf-8"))
    files = calendars.calendar_with(dict(rules.files), first)
    files = calendars.calendar_with(files, second)
    assert files["calendar.yaml"].count("\npublic_holidays:") == 1
    with runtime.uow() as uow:
        imported = calendars.import_holidays(uow, files, second, "admin", runtime.now(), "x")
    assert calendars.year_holidays(imported, 2027).workdays == second.workdays


def test_the_warning_starts_on_1_november_not_31_october(runtime) -> None:
    rules = runtime.rules()
    assert not calendars.holiday_outlook(rules, sh(2026, 10, 31, 23, 59)).warn
    outlook = calendars.holiday_outlook(rules, sh(2026, 11, 1, 0, 0))
    assert outlook.warn and outlook.next_year == 2027
    # 2026 itself is known (chinese_calendar): no warning about it in 2025.
    assert not calendars.holiday_outlook(rules, sh(2025, 11, 1)).warn


def _climb_to(runtime, clock, ref: str, layer: str):
    from datetime import timedelta

    from caseflow.services.cases import get_case
    from caseflow.services.sweep import sweep

    for _ in range(12):
        clock.advance(timedelta(days=3))
        sweep(runtime.uow, runtime.rules(), runtime.now())
        with runtime.uow() as uow:
            case = get_case(uow.session, ref)
        if case.layer == layer:
            return case
    raise AssertionError(f"{ref} never reached {layer}: at {case.layer}")


def test_a_case_the_sweep_escalates_to_a_street_runs_on_the_street_offices_calendar(
        runtime, clock, users) -> None:
    case = submit(runtime)
    climbed = _climb_to(runtime, clock, case.ref, "street")
    assert climbed.clocks["accept"]["calendar"] == "street_office"
    assert climbed.clocks["resolve"]["calendar"] == "street_office"


def test_with_a_calendar_by_unit_code_the_sweep_resolves_each_unit(runtime, clock, users
                                                                   ) -> None:
    from caseflow.services.rulesets import activate_rules

    files = dict(runtime.rules().files)
    files["calendar.yaml"] = files["calendar.yaml"].replace(
        "units:\n  street: street_office\n", "units:\n  jiazhou-street: street_office\n")
    with runtime.uow() as uow:
        activate_rules(uow, files, "admin", runtime.now())
    runtime.forget_rules()
    case = submit(runtime)
    # The Rhine property office is under 嘉州街道: it inherits the street's calendar by code.
    assert case.clocks["resolve"]["calendar"] == "street_office"
    climbed = _climb_to(runtime, clock, case.ref, "community")
    assert climbed.clocks["accept"]["calendar"] == "street_office"
    climbed = _climb_to(runtime, clock, case.ref, "district")
    assert "calendar" not in climbed.clocks["accept"]  # 市中区 is above the street
