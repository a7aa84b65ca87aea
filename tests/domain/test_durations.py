"""Durations: parsing, canonical text, scaling (green channel) and extensions."""

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseflow.domain.durations import (
    DEFAULT_WORKING_DAY_MINUTES,
    UNITS,
    Duration,
    parse_duration,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30s", Duration(30, "seconds")),
        ("5m", Duration(5, "minutes")),
        ("2h", Duration(2, "hours")),
        ("3d", Duration(3, "days")),
        ("90 minutes", Duration(90, "minutes")),
        ("1 hour", Duration(1, "hours")),
        ("2 working days", Duration(2, "days", working=True)),
        ("1 working day", Duration(1, "days", working=True)),
        ("4 working hours", Duration(4, "hours", working=True)),
        ("30 working minutes", Duration(30, "minutes", working=True)),
        ("  2   Working\tDAYS ", Duration(2, "days", working=True)),
        ("5M", Duration(5, "minutes")),
        ("5 m", Duration(5, "minutes")),
        ("24 hrs", Duration(24, "hours")),
    ],
)
def test_parse_accepts_rules_file_spellings(text: str, expected: Duration) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "0m",
        "0 working days",
        "-5m",
        "5 working seconds",
        "1.5h",
        "5 fortnights",
        "working 5 days",
        "5",
        "m5",
        "2 working",
    ],
)
def test_parse_refuses_bad_text_with_a_reason_naming_it(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_duration(text)
    assert repr(text) in str(info.value)


def test_parse_refuses_non_text() -> None:
    with pytest.raises(ValueError, match="must be text"):
        parse_duration(5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"amount": 0, "unit": "minutes"}, "positive"),
        ({"amount": -1, "unit": "minutes"}, "positive"),
        ({"amount": 1.5, "unit": "minutes"}, "whole number"),
        ({"amount": 1, "unit": "weeks"}, "unknown duration unit"),
        ({"amount": 1, "unit": "seconds", "working": True}, "working seconds"),
    ],
)
def test_duration_refuses_impossible_values(kwargs: dict, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        Duration(**kwargs)


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (Duration(5, "minutes"), "5m"),
        (Duration(30, "seconds"), "30s"),
        (Duration(3, "days"), "3d"),
        (Duration(2, "days", True), "2 working days"),
        (Duration(1, "days", True), "1 working day"),
        (Duration(1, "hours", True), "1 working hour"),
        (Duration(45, "minutes", True), "45 working minutes"),
    ],
)
def test_str_is_canonical(duration: Duration, text: str) -> None:
    assert str(duration) == text
    assert parse_duration(text) == duration


def test_property_butler_promises_are_plain_minutes() -> None:
    promises = [parse_duration(t) for t in ("5m", "10m", "15m")]
    assert [p.as_timedelta() for p in promises] == [timedelta(minutes=m) for m in (5, 10, 15)]
    assert not any(p.working for p in promises)


def test_frozen() -> None:
    duration = Duration(5, "minutes")
    with pytest.raises(AttributeError):
        duration.amount = 6  # type: ignore[misc]
    assert hash(duration) == hash(Duration(5, "minutes"))


def test_as_timedelta_of_working_days_uses_day_length() -> None:
    assert DEFAULT_WORKING_DAY_MINUTES == 450  # 09:00-12:00 + 13:30-18:00
    assert Duration(2, "days", True).as_timedelta() == timedelta(minutes=900)
    assert Duration(1, "days", True).as_timedelta(510) == timedelta(minutes=510)


@pytest.mark.parametrize(
    ("text", "factor", "expected"),
    [
        ("1h", 0.5, "30m"),
        ("2h", 0.25, "30m"),
        ("3d", 0.5, "36h"),
        ("4h", 0.5, "2h"),
        ("5m", 0.5, "150s"),
        ("1s", 0.1, "1s"),
        ("2 working days", 0.5, "1 working day"),
        ("1 working day", 0.5, "225 working minutes"),
        ("4 working hours", 0.5, "2 working hours"),
        ("1 working hour", 0.5, "30 working minutes"),
        ("5 working minutes", 0.5, "3 working minutes"),
        ("1 working minute", 0.01, "1 working minute"),
        ("2h", 1.5, "3h"),
    ],
)
def test_scaled_keeps_unit_or_drops_to_a_smaller_one(
    text: str, factor: float, expected: str
) -> None:
    assert parse_duration(text).scaled(factor) == parse_duration(expected)


def test_scaled_with_other_working_day_length() -> None:
    assert Duration(1, "days", True).scaled(0.5, working_day_minutes=510) == Duration(
        255, "minutes", True
    )


@pytest.mark.parametrize("factor", [0, -0.5, float("nan"), float("inf")])
def test_scaled_refuses_nonsense_factors(factor: float) -> None:
    with pytest.raises(ValueError, match="scale factor"):
        Duration(1, "hours").scaled(factor)


@pytest.mark.parametrize(
    ("base", "extra", "expected"),
    [
        ("2 working days", "1 working day", "3 working days"),
        ("2 working days", "1d", "3 working days"),
        ("2 working days", "4 working hours", "19 working hours"),
        ("4 working hours", "1d", "690 working minutes"),
        ("4 working hours", "30s", "241 working minutes"),
        ("2h", "30m", "150m"),
        ("1d", "12h", "36h"),
        ("2h", "2 working hours", "4h"),
        ("5m", "30s", "330s"),
    ],
)
def test_plus_keeps_the_original_mode(base: str, extra: str, expected: str) -> None:
    assert parse_duration(base).plus(parse_duration(extra)) == parse_duration(expected)


def _valid(amount: int, unit: str, working: bool) -> Duration | None:
    return None if working and unit == "seconds" else Duration(amount, unit, working)


valid_durations = st.builds(
    _valid,
    st.integers(min_value=1, max_value=10_000),
    st.sampled_from(UNITS),
    st.booleans(),
).filter(lambda d: d is not None)


@given(valid_durations)
def test_str_round_trips(duration: Duration) -> None:
    assert parse_duration(str(duration)) == duration
    assert parse_duration(str(duration).upper()) == duration


@given(valid_durations, st.floats(min_value=0.01, max_value=4))
def test_scaled_is_positive_and_close(duration: Duration, factor: float) -> None:
    scaled = duration.scaled(factor)
    assert scaled.working == duration.working
    exact = duration.as_timedelta() * factor
    step = timedelta(minutes=1) if duration.working else timedelta(seconds=1)
    assert abs(scaled.as_timedelta() - exact) <= max(step, exact * 1e-9) or scaled.amount == 1
