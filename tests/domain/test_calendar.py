"""Business calendar: workdays, working-time arithmetic, holidays, 调休 and fallbacks."""

import logging
import time as stopwatch
from dataclasses import FrozenInstanceError
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseflow.domain import calendar as calendar_module
from caseflow.domain import holidays as holidays_module
from caseflow.domain.calendar import BusinessCalendar
from caseflow.domain.durations import Duration, parse_duration

SHANGHAI = ZoneInfo("Asia/Shanghai")
CAL = BusinessCalendar()


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Shanghai wall-clock moment as a UTC-aware datetime (what the services store)."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def add(start: datetime, text: str) -> datetime:
    return CAL.add(start, parse_duration(text))


# --- what chinese_calendar says about 2026 (asserted so a package update cannot surprise us)


def test_chinese_calendar_national_day_2026() -> None:
    for day in range(1, 8):
        assert chinese_calendar.is_holiday(date(2026, 10, day))
        assert not CAL.is_workday(date(2026, 10, day))
    assert CAL.is_workday(date(2026, 10, 8))
    assert CAL.is_workday(date(2026, 10, 9))


def test_adjusted_working_weekends_2026() -> None:
    # 调休: these weekend days are working days.
    assert date(2026, 10, 10).weekday() == 5 and CAL.is_workday(date(2026, 10, 10))
    assert date(2026, 9, 20).weekday() == 6 and CAL.is_workday(date(2026, 9, 20))
    assert not CAL.is_workday(date(2026, 10, 11))


def test_ordinary_weekend_is_not_a_workday() -> None:
    assert CAL.is_workday(date(2026, 3, 13))  # Friday
    assert not CAL.is_workday(date(2026, 3, 14))
    assert not CAL.is_workday(date(2026, 3, 15))


def test_is_workday_refuses_datetimes() -> None:
    with pytest.raises(ValueError, match="local_date"):
        CAL.is_workday(sh(2026, 3, 13, 10))


# --- plain durations


def test_plain_durations_are_wall_clock() -> None:
    saturday_night = sh(2026, 3, 14, 22)
    assert add(saturday_night, "5m") == saturday_night + timedelta(minutes=5)
    assert add(saturday_night, "3d") == saturday_night + timedelta(hours=72)
    assert add(saturday_night, "30s") == saturday_night + timedelta(seconds=30)


# --- working minutes and hours


def test_working_hours_inside_a_morning() -> None:
    assert add(sh(2026, 3, 12, 9), "2 working hours") == sh(2026, 3, 12, 11)


def test_lunch_break_does_not_count() -> None:
    assert add(sh(2026, 3, 12, 11), "2 working hours") == sh(2026, 3, 12, 14, 30)
    # Exactly filling the morning ends at noon, not after lunch.
    assert add(sh(2026, 3, 12, 11), "1 working hour") == sh(2026, 3, 12, 12)
    # A start during lunch begins counting at 13:30.
    assert add(sh(2026, 3, 12, 12, 30), "30 working minutes") == sh(2026, 3, 12, 14)


def test_start_after_close_of_business() -> None:
    assert add(sh(2026, 3, 12, 19), "1 working hour") == sh(2026, 3, 13, 10)
    assert add(sh(2026, 3, 12, 18), "1 working hour") == sh(2026, 3, 13, 10)
    assert add(sh(2026, 3, 12, 7), "1 working hour") == sh(2026, 3, 12, 10)


def test_working_hours_across_a_weekend() -> None:
    assert add(sh(2026, 3, 13, 17), "2 working hours") == sh(2026, 3, 16, 10)
    assert add(sh(2026, 3, 14, 10), "4 working hours") == sh(2026, 3, 16, 14, 30)


def test_working_hours_across_national_day() -> None:
    assert add(sh(2026, 9, 30, 17), "2 working hours") == sh(2026, 10, 8, 10)
    assert add(sh(2026, 10, 3, 10), "4 working hours") == sh(2026, 10, 8, 14, 30)


def test_many_working_hours_cross_several_days() -> None:
    # 20 h = Thu 6.5 h (10:00 start) + Fri 7.5 h + Mon 6 h (3 h morning, 3 h after 13:30)
    assert add(sh(2026, 3, 12, 10), "20 working hours") == sh(2026, 3, 16, 16, 30)


# --- working days: close of business of the N-th workday after the start's date


@pytest.mark.parametrize("hour", [7, 10, 17, 19])
def test_start_day_never_counts_for_working_days(hour: int) -> None:
    assert add(sh(2026, 3, 11, hour), "1 working day") == sh(2026, 3, 12, 18)


def test_working_days_across_a_weekend() -> None:
    assert add(sh(2026, 3, 12, 10), "2 working days") == sh(2026, 3, 16, 18)
    assert add(sh(2026, 3, 14, 10), "1 working day") == sh(2026, 3, 16, 18)


def test_working_days_across_national_day_and_adjusted_saturday() -> None:
    start = sh(2026, 9, 30, 10)
    assert add(start, "1 working day") == sh(2026, 10, 8, 18)
    assert add(start, "2 working days") == sh(2026, 10, 9, 18)
    assert add(start, "3 working days") == sh(2026, 10, 10, 18)  # 调休 Saturday
    assert add(start, "4 working days") == sh(2026, 10, 12, 18)


def test_add_accepts_text() -> None:
    assert CAL.add(sh(2026, 3, 12, 10), "2 working days") == sh(2026, 3, 16, 18)


# --- unknown years, YAML overrides


def test_year_unknown_to_chinese_calendar_keeps_the_fixed_date_holidays() -> None:
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 1, 1))
    assert not CAL.is_workday(date(2027, 1, 1))  # a Friday, but 元旦 never moves
    assert not CAL.is_workday(date(2027, 1, 2))
    assert CAL.is_workday(date(2027, 1, 4))
    assert add(sh(2026, 12, 31, 17), "2 working hours") == sh(2027, 1, 4, 10)
    assert add(sh(2026, 12, 31, 10), "1 working day") == sh(2027, 1, 4, 18)


def test_unknown_year_logs_one_warning_per_year(caplog: pytest.LogCaptureFixture) -> None:
    holidays_module._warned_years.discard(2031)
    holidays_module.official_day.cache_clear()
    calendar_module._intervals.cache_clear()
    with caplog.at_level(logging.WARNING, logger="caseflow.calendar"):
        for day in range(1, 20):
            CAL.is_workday(date(2031, 1, day))
        CAL.add(sh(2031, 3, 1), "10 working days")
    records = [r for r in caplog.records if r.name == "caseflow.calendar"]
    assert len(records) == 1
    assert "2031" in records[0].getMessage()


def test_extra_holidays_and_workdays_win() -> None:
    cal = BusinessCalendar(
        extra_holidays=frozenset({date(2026, 3, 16), date(2027, 1, 1)}),
        extra_workdays=frozenset({date(2026, 10, 3), date(2027, 1, 2)}),
    )
    assert not cal.is_workday(date(2026, 3, 16))
    assert cal.is_workday(date(2026, 10, 3))
    assert not cal.is_workday(date(2027, 1, 1))
    assert cal.is_workday(date(2027, 1, 2))
    assert cal.add(sh(2026, 3, 13, 17), "2 working hours") == sh(2026, 3, 17, 10)
    assert cal.add(sh(2026, 9, 30, 10), "1 working day") == sh(2026, 10, 3, 18)
    # The shared default calendar is unaffected (per-calendar caching).
    assert CAL.is_workday(date(2026, 3, 16))


def test_yaml_style_inputs_are_normalised() -> None:
    cal = BusinessCalendar(
        work_periods=(("08:30", "12:00"), ("14:00", "17:30")),  # type: ignore[arg-type]
        extra_holidays=["2026-03-16"],  # type: ignore[arg-type]
    )
    assert cal.work_periods == ((time(8, 30), time(12)), (time(14), time(17, 30)))
    assert cal.extra_holidays == frozenset({date(2026, 3, 16)})
    assert cal.working_day_length() == timedelta(hours=7)
    # Fri 17:00-17:30, Monday is an extra holiday, then Tue from 08:30.
    assert cal.add(sh(2026, 3, 13, 17), "1 working hour") == sh(2026, 3, 17, 9)


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"zone": "Mars/Olympus"}, "unknown time zone"),
        ({"work_periods": ()}, "at least one"),
        ({"work_periods": (("12:00", "09:00"),)}, "ends before"),
        ({"work_periods": (("09:00", "12:00"), ("11:00", "13:00"))}, "overlaps"),
        ({"work_periods": (("9am", "12:00"),)}, "HH:MM"),
        ({"extra_holidays": ["2026-13-01"]}, "YYYY-MM-DD"),
        (
            {"extra_holidays": [date(2026, 3, 16)], "extra_workdays": [date(2026, 3, 16)]},
            "both holiday and workday",
        ),
    ],
)
def test_bad_calendars_are_refused(kwargs: dict, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        BusinessCalendar(**kwargs)


def test_calendar_is_immutable_and_hashable() -> None:
    assert BusinessCalendar() == CAL
    assert hash(BusinessCalendar()) == hash(CAL)
    assert {CAL: "ok"}[BusinessCalendar()] == "ok"
    with pytest.raises(FrozenInstanceError):
        CAL.zone = "UTC"  # type: ignore[misc]
    assert BusinessCalendar(extra_holidays=frozenset({date(2026, 3, 16)})) != CAL


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2026, 3, 12, 10)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.add(naive, Duration(1, "hours"))
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.elapsed(naive, sh(2026, 3, 12, 11), working=True)


def test_results_are_utc() -> None:
    start = datetime(2026, 3, 12, 10, tzinfo=SHANGHAI)  # any aware zone is accepted
    result = CAL.add(start, Duration(1, "hours", True))
    assert result.tzinfo is UTC
    assert result == sh(2026, 3, 12, 11)


def test_other_zone() -> None:
    cal = BusinessCalendar(zone="UTC")
    start = datetime(2026, 3, 12, 17, tzinfo=UTC)
    assert cal.add(start, Duration(2, "hours", True)) == datetime(2026, 3, 13, 10, tzinfo=UTC)


# --- elapsed, helpers


def test_elapsed_wall_clock_and_working() -> None:
    start, end = sh(2026, 3, 13, 11), sh(2026, 3, 16, 10)
    assert CAL.elapsed(start, end, working=False) == end - start
    # Fri 11-12 (1 h) + 13:30-18 (4.5 h) + Mon 9-10 (1 h)
    assert CAL.elapsed(start, end, working=True) == timedelta(hours=6, minutes=30)
    assert CAL.elapsed(end, start, working=True) == -timedelta(hours=6, minutes=30)
    assert CAL.elapsed(sh(2026, 10, 1, 9), sh(2026, 10, 7, 18), working=True) == timedelta(0)


def test_working_day_length_and_helpers() -> None:
    assert CAL.working_day_length() == timedelta(hours=7, minutes=30)
    assert CAL.close_of_business(date(2026, 3, 12)) == sh(2026, 3, 12, 18)
    assert CAL.is_working_time(sh(2026, 3, 12, 9))
    assert not CAL.is_working_time(sh(2026, 3, 12, 12, 30))
    assert not CAL.is_working_time(sh(2026, 3, 12, 18))
    assert CAL.local_date(datetime(2026, 3, 12, 17, tzinfo=UTC)) == date(2026, 3, 13)
    assert CAL.work_intervals(date(2026, 3, 14)) == ()


def test_long_working_durations_are_fast() -> None:
    # Iterates by day and period, not by minute: a year of working time is instant.
    began = stopwatch.perf_counter()
    due = add(sh(2026, 1, 5, 10), "240 working days")
    hours = add(sh(2026, 1, 5, 10), "1800 working hours")
    assert stopwatch.perf_counter() - began < 2
    assert due.year == 2026 and hours > due - timedelta(days=60)


# --- properties

starts = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2026, 11, 30), timezones=st.just(UTC)
)
working_small = st.builds(
    Duration,
    st.integers(min_value=1, max_value=3000),
    st.sampled_from(["minutes", "hours"]),
    st.just(True),
)
any_duration = st.one_of(
    working_small,
    st.builds(Duration, st.integers(1, 20), st.just("days"), st.just(True)),
    st.builds(Duration, st.integers(1, 10_000), st.sampled_from(["seconds", "minutes"])),
)


@given(starts, any_duration)
def test_add_never_goes_backwards(start: datetime, duration: Duration) -> None:
    assert CAL.add(start, duration) > start


@given(starts, working_small)
def test_elapsed_inverts_add_for_working_time(start: datetime, duration: Duration) -> None:
    due = CAL.add(start, duration)
    assert CAL.elapsed(start, due, working=True) == duration.as_timedelta()
    assert CAL.is_working_time(due - timedelta(microseconds=1))


@given(starts, st.integers(min_value=1, max_value=30))
def test_working_days_end_at_close_of_business_on_a_later_workday(start: datetime, n: int) -> None:
    due = CAL.add(start, Duration(n, "days", working=True))
    due_day = CAL.local_date(due)
    assert CAL.is_workday(due_day)
    assert due == CAL.close_of_business(due_day)
    assert due_day > CAL.local_date(start)
