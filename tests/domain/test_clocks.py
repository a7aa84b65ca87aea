"""Pausable SLA clocks recomputed from history."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseflow.domain.calendar import BusinessCalendar
from caseflow.domain.clock import Clock, FrozenClock, SystemClock
from caseflow.domain.clocks import ClockSpec, ClockStatus, clock_status, extend, warning_at
from caseflow.domain.durations import Duration, parse_duration

SHANGHAI = ZoneInfo("Asia/Shanghai")
CAL = BusinessCalendar()
PAUSES = frozenset({"on_hold", "deferred"})


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Shanghai wall-clock moment as a UTC-aware datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def spec(within: str, name: str = "resolve") -> ClockSpec:
    return ClockSpec(name, parse_duration(within), frozenset({"resolve", "close"}), PAUSES)


def hold(at: datetime) -> tuple[datetime, str, str]:
    return (at, "hold", "on_hold")


def resume(at: datetime) -> tuple[datetime, str, str]:
    return (at, "resume", "in_progress")


def status(clock: ClockSpec, start: datetime, history: list, now: datetime) -> ClockStatus:
    return clock_status(clock, start, history, now, CAL)


# --- the injected clock


def test_frozen_clock_moves_only_when_told() -> None:
    clock = FrozenClock(datetime(2026, 3, 12, 10, tzinfo=SHANGHAI))
    assert isinstance(clock, Clock)
    assert clock.now() == sh(2026, 3, 12, 10) and clock.now().tzinfo is UTC
    assert clock.advance(timedelta(minutes=5)) == sh(2026, 3, 12, 10, 5)
    assert clock.set(sh(2026, 4, 1)) == clock.now() == sh(2026, 4, 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        FrozenClock(datetime(2026, 3, 12))
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set(datetime(2026, 3, 12))


def test_system_clock_is_utc_aware() -> None:
    now = SystemClock().now()
    assert isinstance(SystemClock(), Clock)
    assert now.tzinfo is UTC


# --- running clocks


def test_property_butler_promises_run_on_plain_minutes() -> None:
    start = sh(2026, 3, 14, 22)  # Saturday night: plain minutes ignore the calendar
    for name, within in (("respond", "5m"), ("follow_up", "10m"), ("first_result", "15m")):
        result = status(spec(within, name), start, [], start)
        minutes = int(within[:-1])
        assert result.name == name
        assert result.due_at == start + timedelta(minutes=minutes)
        assert result.warning_at == start + timedelta(minutes=minutes) * 0.8
        assert result.running and not result.overdue


def test_working_hours_clock_with_warning_at_80_percent() -> None:
    start = sh(2026, 3, 16, 10)
    result = status(spec("4 working hours"), start, [], start + timedelta(hours=1))
    assert result.due_at == sh(2026, 3, 16, 15, 30)  # 10-12, lunch, 13:30-15:30
    # 80% of 4 h = 192 min: 120 before lunch, 72 after 13:30
    assert result.warning_at == sh(2026, 3, 16, 14, 42)
    assert result.remaining == timedelta(hours=3)
    assert not result.overdue


def test_overdue_after_due() -> None:
    start = sh(2026, 3, 16, 10)
    clock = spec("4 working hours")
    assert not status(clock, start, [], sh(2026, 3, 16, 15, 30)).overdue
    late = status(clock, start, [], sh(2026, 3, 16, 15, 31))
    assert late.overdue and late.remaining == timedelta(0)
    assert late.due_at == sh(2026, 3, 16, 15, 30)


def test_working_days_clock_across_national_day() -> None:
    start = sh(2026, 9, 30, 10)
    result = status(spec("2 working days"), start, [], sh(2026, 10, 5, 12))
    assert result.due_at == sh(2026, 10, 9, 18)
    assert not result.overdue
    assert status(spec("3 working days"), start, [], start).due_at == sh(2026, 10, 10, 18)


# --- pauses


def test_pause_extends_a_plain_deadline() -> None:
    start = sh(2026, 3, 16, 10)
    clock = spec("2h")
    history = [hold(sh(2026, 3, 16, 10, 30)), resume(sh(2026, 3, 16, 11, 30))]
    paused = status(clock, start, history[:1], sh(2026, 3, 16, 11))
    assert paused.paused and paused.due_at is None and paused.warning_at is None
    assert paused.remaining == timedelta(hours=1, minutes=30)
    assert not paused.overdue and not paused.running
    resumed = status(clock, start, history, sh(2026, 3, 16, 12))
    assert resumed.due_at == sh(2026, 3, 16, 13)
    assert resumed.remaining == timedelta(hours=1)


def test_paused_clock_is_never_overdue_even_long_after_its_due() -> None:
    start = sh(2026, 3, 16, 10)
    result = status(spec("2h"), start, [hold(sh(2026, 3, 16, 11))], sh(2026, 4, 30))
    assert result.paused and not result.overdue and result.remaining == timedelta(hours=1)


def test_pause_over_a_weekend_for_working_days_clock() -> None:
    start = sh(2026, 3, 12, 10)  # Thursday; unpaused due: Monday 18:00
    clock = spec("2 working days")
    assert status(clock, start, [], start).due_at == sh(2026, 3, 16, 18)
    # On hold Fri 17:00 -> Mon 10:00: 2 working hours were paused (Fri 17-18, Mon 9-10).
    history = [hold(sh(2026, 3, 13, 17)), resume(sh(2026, 3, 16, 10))]
    weekend = status(clock, start, history[:1], sh(2026, 3, 15, 12))
    assert weekend.paused and weekend.due_at is None
    # 21.5 h budget - Thu 6.5 h - Fri 6.5 h
    assert weekend.remaining == timedelta(hours=8, minutes=30)
    result = status(clock, start, history, sh(2026, 3, 16, 11))
    assert result.due_at == sh(2026, 3, 17, 11)


def test_pause_only_outside_working_hours_moves_nothing() -> None:
    start = sh(2026, 3, 12, 10)
    history = [hold(sh(2026, 3, 13, 18, 30)), resume(sh(2026, 3, 16, 8))]
    result = status(spec("2 working days"), start, history, sh(2026, 3, 16, 9))
    assert result.due_at == sh(2026, 3, 16, 18)


def test_pause_over_a_weekend_for_plain_clock_moves_by_wall_clock() -> None:
    start = sh(2026, 3, 13, 10)
    history = [hold(sh(2026, 3, 13, 12)), resume(sh(2026, 3, 16, 12))]
    result = status(spec("3d"), start, history, sh(2026, 3, 16, 13))
    assert result.due_at == start + timedelta(days=6)


def test_moving_between_pausing_states_stays_paused() -> None:
    start = sh(2026, 3, 16, 10)
    history = [hold(sh(2026, 3, 16, 10, 30)), (sh(2026, 3, 16, 11), "defer", "deferred")]
    result = status(spec("2h"), start, history, sh(2026, 3, 16, 15))
    assert result.paused and result.remaining == timedelta(hours=1, minutes=30)


def test_state_changes_that_do_not_pause_do_not_matter() -> None:
    start = sh(2026, 3, 16, 10)
    history = [(sh(2026, 3, 16, 10, 5), "accept", "accepted"), resume(sh(2026, 3, 16, 10, 10))]
    assert status(spec("2h"), start, history, start).due_at == start + timedelta(hours=2)


def test_pause_after_the_deadline_passed_then_resume_is_overdue() -> None:
    start = sh(2026, 3, 16, 10)
    history = [hold(sh(2026, 3, 16, 13)), resume(sh(2026, 3, 17, 9))]
    paused = status(spec("2h"), start, history[:1], sh(2026, 3, 16, 14))
    assert paused.paused and paused.due_at is None and paused.remaining == timedelta(0)
    resumed = status(spec("2h"), start, history, sh(2026, 3, 17, 9))
    assert resumed.overdue and resumed.due_at == sh(2026, 3, 16, 12)


def test_clock_started_in_a_pausing_state() -> None:
    start = sh(2026, 3, 16, 10)
    result = clock_status(
        spec("2h"),
        start,
        [resume(sh(2026, 3, 16, 11))],
        sh(2026, 3, 16, 11),
        CAL,
        initial_state="on_hold",
    )
    assert result.due_at == sh(2026, 3, 16, 13)


# --- stopping


def test_ends_on_stops_the_clock_in_time() -> None:
    start = sh(2026, 3, 16, 10)
    history = [(sh(2026, 3, 16, 11), "resolve", "resolved"), hold(sh(2026, 3, 16, 12))]
    result = status(spec("2h"), start, history, sh(2026, 5, 1))
    assert result.stopped_at == sh(2026, 3, 16, 11)
    assert result.due_at == sh(2026, 3, 16, 12)
    assert not result.overdue and not result.paused and not result.running
    assert result.remaining == timedelta(hours=1)


def test_ends_on_after_due_is_recorded_as_overdue() -> None:
    start = sh(2026, 3, 16, 10)
    history = [(sh(2026, 3, 16, 12, 1), "close", "closed")]
    result = status(spec("2h"), start, history, sh(2026, 5, 1))
    assert result.overdue and result.stopped_at == sh(2026, 3, 16, 12, 1)


def test_stop_while_paused_is_not_overdue() -> None:
    start = sh(2026, 3, 16, 10)
    history = [hold(sh(2026, 3, 16, 11)), (sh(2026, 3, 17, 11), "close", "closed")]
    result = status(spec("2h"), start, history, sh(2026, 5, 1))
    assert result.stopped_at == sh(2026, 3, 17, 11)
    assert result.due_at == sh(2026, 3, 17, 12)
    assert not result.overdue and not result.paused


def test_other_actions_do_not_stop() -> None:
    start = sh(2026, 3, 16, 10)
    history = [(sh(2026, 3, 16, 11), "comment", "in_progress")]
    result = status(spec("2h"), start, history, sh(2026, 3, 16, 13))
    assert result.stopped_at is None and result.overdue


# --- history inputs and edge cases


def test_future_events_are_ignored() -> None:
    start = sh(2026, 3, 16, 10)
    history = [hold(sh(2026, 3, 16, 11))]
    result = status(spec("2h"), start, history, sh(2026, 3, 16, 10, 30))
    assert not result.paused and result.due_at == sh(2026, 3, 16, 12)


def test_history_may_hold_event_objects() -> None:
    start = sh(2026, 3, 16, 10)
    history = [
        SimpleNamespace(at=sh(2026, 3, 16, 10, 30), action="hold", to_state="on_hold"),
        SimpleNamespace(at=sh(2026, 3, 16, 11, 30), action="resume", to_state="in_progress"),
    ]
    assert status(spec("2h"), start, history, sh(2026, 3, 16, 12)).due_at == sh(2026, 3, 16, 13)


def test_warning_moves_with_pauses() -> None:
    start = sh(2026, 3, 16, 10)
    clock = spec("10m", "follow_up")
    history = [hold(start + timedelta(minutes=2)), resume(start + timedelta(minutes=7))]
    result = status(clock, start, history, start + timedelta(minutes=8))
    assert result.warning_at == start + timedelta(minutes=13)
    assert result.due_at == start + timedelta(minutes=15)
    at = warning_at(clock, start, history, start + timedelta(minutes=8), CAL, fraction=0.5)
    assert at == start + timedelta(minutes=10)


def test_refusals() -> None:
    start = sh(2026, 3, 16, 10)
    with pytest.raises(ValueError, match="timezone-aware"):
        status(spec("2h"), datetime(2026, 3, 16, 10), [], start)
    with pytest.raises(ValueError, match="timezone-aware"):
        status(spec("2h"), start, [(datetime(2026, 3, 16, 11), "hold", "on_hold")], start)
    with pytest.raises(ValueError, match="warning fraction"):
        clock_status(spec("2h"), start, [], start, CAL, warning_fraction=0)
    with pytest.raises(ValueError, match="name"):
        ClockSpec("", Duration(1, "hours"))


def test_spec_accepts_yaml_style_values() -> None:
    clock = ClockSpec("accept", "30m", ["accept"], "on_hold")  # type: ignore[arg-type]
    assert clock.within == Duration(30, "minutes")
    assert clock.ends_on == frozenset({"accept"}) and clock.pauses_in == frozenset({"on_hold"})
    assert hash(clock) == hash(ClockSpec("accept", Duration(30, "minutes"), ["accept"], "on_hold"))


# --- extensions


@pytest.mark.parametrize(
    ("within", "extra", "expected"),
    [
        ("2 working days", "1 working day", "3 working days"),
        ("4 working hours", "30 working minutes", "270 working minutes"),
        ("2 working days", "4 working hours", "19 working hours"),
        ("24h", "1d", "2d"),
    ],
)
def test_extend(within: str, extra: str, expected: str) -> None:
    original = spec(within)
    longer = extend(original, parse_duration(extra))
    assert longer.within == parse_duration(expected)
    assert longer.ends_on == original.ends_on and longer.pauses_in == original.pauses_in
    assert original.within == parse_duration(within)  # the original is untouched


def test_extend_uses_the_calendar_day_length() -> None:
    cal = BusinessCalendar(work_periods=(("09:00", "12:00"), ("13:00", "18:00")))  # type: ignore[arg-type]
    longer = extend(spec("1 working hour"), "1 working day", cal)
    assert longer.within == Duration(9, "hours", True)


def test_extended_clock_is_due_later() -> None:
    start = sh(2026, 3, 12, 10)
    clock = spec("2 working days")
    longer = extend(clock, "1 working day")
    assert status(longer, start, [], start).due_at == sh(2026, 3, 17, 18)


# --- properties

minutes = st.integers(min_value=0, max_value=60 * 24 * 10)
clock_texts = st.sampled_from(["15m", "2h", "3d", "4 working hours", "2 working days"])


@given(clock_texts, minutes, minutes, minutes)
def test_pausing_never_brings_a_deadline_forward(
    text: str, pause_after: int, pause_for: int, look_after: int
) -> None:
    start = sh(2026, 3, 2, 10)
    clock = spec(text)
    paused_at = start + timedelta(minutes=pause_after)
    resumed_at = paused_at + timedelta(minutes=pause_for)
    now = resumed_at + timedelta(minutes=look_after)
    plain = status(clock, start, [], now)
    held = status(clock, start, [hold(paused_at), resume(resumed_at)], now)
    assert held.due_at is not None and plain.due_at is not None
    assert held.due_at >= plain.due_at
    assert held.warning_at is not None and held.warning_at <= held.due_at
    assert held.overdue == (now > held.due_at)


@given(minutes, minutes)
def test_plain_pause_before_due_moves_due_by_its_length(pause_after: int, pause_for: int) -> None:
    start = sh(2026, 3, 2, 10)
    within = timedelta(days=3)
    paused_at = start + timedelta(minutes=pause_after)
    resumed_at = paused_at + timedelta(minutes=pause_for)
    held = status(spec("3d"), start, [hold(paused_at), resume(resumed_at)], resumed_at)
    if paused_at < start + within:
        assert held.due_at == start + within + (resumed_at - paused_at)
    else:
        assert held.due_at == start + within and held.overdue
