"""Named calendars: a street office's lunch break, the butler's duty night, holidays, the
fixed-date defaults of a year nobody announced, and which calendar a unit's clock follows."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from caseflow.domain.calendar import BusinessCalendar
from caseflow.domain.calendar_book import CalendarBook
from caseflow.domain.clocks import ClockSpec, clock_status
from caseflow.domain.deadlines import clocks_to_json, compute_deadlines
from caseflow.domain.holidays import PublicHolidays, days_of, official_day, year_known

SH = ZoneInfo("Asia/Shanghai")
STREET = BusinessCalendar(name="street_office", label="街道办公时间",
                          work_periods=(("08:30", "12:00"), ("13:30", "17:30")))
DUTY = BusinessCalendar(name="property_duty", observes_holidays=False,
                        weekly=((("07:00", "22:00"),),) * 7, work_periods=(("07:00", "22:00"),))
DEFAULT = BusinessCalendar()


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


def test_a_deadline_across_the_street_offices_lunch_break() -> None:
    # 11:50 + 30 working minutes: 10 before lunch, 20 after 13:30.
    assert STREET.add(sh(2026, 11, 23, 11, 50), "30 working minutes") == sh(2026, 11, 23, 13, 50)
    # A report during lunch starts counting at 13:30.
    assert STREET.add(sh(2026, 11, 23, 12, 40), "1 working hour") == sh(2026, 11, 23, 14, 30)
    # "1 working day" closes at the street office's 17:30, not the default 18:00.
    assert STREET.add(sh(2026, 11, 23, 10), "1 working day") == sh(2026, 11, 24, 17, 30)


def test_the_butlers_five_minutes_across_a_night_on_the_duty_calendar() -> None:
    # The report at 00:12 is due at 07:05, not 00:17.
    assert DUTY.add(sh(2026, 11, 24, 0, 12), "5 working minutes") == sh(2026, 11, 24, 7, 5)
    # 21:58 + 5 working minutes: 2 tonight, 3 tomorrow morning.
    assert DUTY.add(sh(2026, 11, 23, 21, 58), "5 working minutes") == sh(2026, 11, 24, 7, 3)


def test_the_duty_calendar_keeps_its_hours_on_holidays_and_weekends() -> None:
    national_day = sh(2026, 10, 1, 9)
    assert DUTY.add(national_day, "15 working minutes") == sh(2026, 10, 1, 9, 15)
    assert DUTY.is_workday(date(2026, 11, 29))  # a Sunday


def test_a_deadline_across_a_holiday() -> None:
    # Wednesday 30 September 2026 17:00 + 2 working hours: 1 h that day, then the National
    # Day holiday (1-7 October), then 8 October (a Thursday).
    assert DEFAULT.add(sh(2026, 9, 30, 17), "2 working hours") == sh(2026, 10, 8, 10)
    assert STREET.add(sh(2026, 9, 30, 17), "1 working hour") == sh(2026, 10, 8, 9)
    # 10 October 2026 is a Saturday worked in lieu (调休): it counts, with Monday's hours.
    assert STREET.add(sh(2026, 10, 9, 17), "1 working hour") == sh(2026, 10, 10, 9)


def test_fixed_date_holidays_for_a_year_without_data() -> None:
    assert not year_known(2030)
    holidays, workdays = days_of(2030)
    assert holidays == [date(2030, 1, 1), date(2030, 5, 1), date(2030, 10, 1),
                        date(2030, 10, 2), date(2030, 10, 3)]
    assert workdays == []
    assert not DEFAULT.is_workday(date(2030, 10, 2))  # a Wednesday, but 国庆
    assert DEFAULT.is_workday(date(2030, 10, 4))  # a Friday: unknown, so worked
    # A clock that starts on 30 April 2030 (Tuesday) skips 1 May (Wednesday).
    assert DEFAULT.add(sh(2030, 4, 30, 17), "2 working hours") == sh(2030, 5, 2, 10)


def test_a_year_in_calendar_yaml_wins_over_the_defaults() -> None:
    table = PublicHolidays(frozenset({2027}), frozenset({date(2027, 1, 1), date(2027, 2, 8)}),
                           frozenset({date(2027, 2, 20)}))
    assert year_known(2027, table)
    assert official_day(date(2027, 2, 8), table) == "holiday"
    assert official_day(date(2027, 2, 20), table) == "workday"
    assert official_day(date(2027, 10, 1), table) is None  # the table speaks for 2027
    calendar = BusinessCalendar(public=table)
    assert not calendar.is_workday(date(2027, 2, 8))
    assert calendar.is_workday(date(2027, 2, 20))  # a Saturday worked in lieu


BOOK = CalendarBook(DEFAULT, {"street_office": STREET, "property_duty": DUTY},
                    {"street": "street_office", "lotus-office": "property_duty",
                     "wutongqiao": "street_office"})


def test_a_units_calendar_is_inherited_down_the_tree_and_a_clock_may_name_its_own() -> None:
    community = [("jiazhou-community", "community"), ("jiazhou-street", "street"),
                 ("shizhong", "district")]
    assert BOOK.for_unit(community[1:]) == "street_office"  # by kind: the street itself
    assert BOOK.for_unit(community) == "default"  # a community is no street office
    # By code: a district's calendar is inherited by every unit under it.
    assert BOOK.for_unit([("a-community", "community"), ("wutongqiao", "district")]) \
        == "street_office"
    assert BOOK.for_unit([("shizhong", "district"), ("leshan", "city")]) == "default"
    assert BOOK.for_unit([("lotus-office", "property_office")]) == "property_duty"  # by code
    assert BOOK.for_clock("property_duty", community) == "property_duty"
    assert BOOK.get("removed_since") is DEFAULT
    assert BOOK.label("street_office") == "街道办公时间"
    assert BOOK.label(None) == ""


def test_each_clock_of_a_case_runs_on_its_own_calendar() -> None:
    start = sh(2026, 11, 23, 21, 58).astimezone(UTC)
    specs = [ClockSpec("respond", "5 working minutes", frozenset({"accept"}),
                       calendar="property_duty"),
             ClockSpec("accept", "1 working hour", frozenset({"accept"}))]
    clocks = clocks_to_json(specs, start)
    assert clocks["respond"]["calendar"] == "property_duty"
    assert "calendar" not in clocks["accept"]
    result = compute_deadlines(clocks, [], start, BOOK, 0.8)
    assert result.clocks["respond"]["due_at"] == sh(2026, 11, 24, 7, 3).astimezone(UTC).isoformat()
    assert result.clocks["accept"]["due_at"] == sh(2026, 11, 24, 10).astimezone(UTC).isoformat()


def test_a_clock_status_across_a_night_on_the_duty_calendar_is_not_overdue_at_night() -> None:
    spec = ClockSpec("respond", "5 working minutes", frozenset({"accept"}))
    status = clock_status(spec, sh(2026, 11, 24, 0, 12), [], sh(2026, 11, 24, 0, 30), DUTY)
    assert not status.overdue
    assert status.due_at == sh(2026, 11, 24, 7, 5)


def test_around_the_clock_hours_end_at_midnight() -> None:
    always = BusinessCalendar(observes_holidays=False, weekly=((("00:00", "24:00"),),) * 7,
                              work_periods=(("00:00", "24:00"),))
    assert always.add(sh(2026, 11, 23, 23, 58), "5 working minutes") == sh(2026, 11, 24, 0, 3)
