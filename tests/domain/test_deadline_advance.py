"""Deadlines advanced one event at a time equal deadlines recomputed from the whole history."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from caseflow.domain import lifecycle
from caseflow.domain.calendar import BusinessCalendar
from caseflow.domain.clocks import ClockSpec
from caseflow.domain.deadlines import advance_deadlines, clocks_to_json, compute_deadlines
from caseflow.domain.durations import parse_duration

CAL = BusinessCalendar()
START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai
FRACTION = 0.8
PAUSES = frozenset({"on_hold", "deferred"})
SPECS = (
    ClockSpec("accept", parse_duration("2h"), frozenset({"accept"}), PAUSES),
    ClockSpec("resolve", parse_duration("3 working days"), frozenset({"resolve"}), PAUSES),
    ClockSpec("first_feedback", parse_duration("4 working hours"), frozenset({"start"}), PAUSES),
)
# (action, to_state): what a case's events look like to its clocks.
EVENTS = [
    ("comment", "accepted"), ("accept", "accepted"), ("start", "in_progress"),
    ("hold", "on_hold"), ("defer", "deferred"), ("resume", "in_progress"),
    ("resolve", "resolved"), ("record_decision", "resolved"), ("close", "closed"),
    ("warn", "in_progress"), ("withdraw", "withdrawn"),
]

steps = st.lists(
    st.tuples(st.sampled_from(EVENTS), st.integers(0, 60 * 60 * 30)), min_size=1, max_size=12
)


def _history(moves):
    at, history = START, []
    for (action, state), seconds in moves:
        at += timedelta(seconds=seconds)
        history.append((at, action, state))
    return history


@settings(max_examples=300, deadline=None)
@given(moves=steps, marks=st.booleans())
def test_advancing_equals_recomputing_after_every_event(moves, marks):
    clocks = clocks_to_json(SPECS, START)
    stored = compute_deadlines(clocks, [], START, CAL, FRACTION).clocks
    if marks:  # the sweep's marks survive either way
        stored["accept"] = {**stored["accept"], "warned": True}
    history = _history(moves)
    for n, event in enumerate(history):
        truth = compute_deadlines(clocks, history[: n + 1], event[0], CAL, FRACTION, stored)
        advanced = advance_deadlines(clocks, stored, event)
        if advanced is not None:
            assert advanced == truth
        stored = truth.clocks


def test_a_comment_keeps_every_running_deadline_without_the_history():
    clocks = clocks_to_json(SPECS, START)
    stored = compute_deadlines(clocks, [], START, CAL, FRACTION)
    later = START + timedelta(hours=1)
    advanced = advance_deadlines(clocks, stored.clocks, (later, "comment", "submitted"))
    assert advanced == stored


def test_accepting_stops_the_accept_clock_where_it_ran_to():
    clocks = clocks_to_json(SPECS, START)
    stored = compute_deadlines(clocks, [], START, CAL, FRACTION).clocks
    at = START + timedelta(minutes=30)
    advanced = advance_deadlines(clocks, stored, (at, "accept", "accepted"))
    assert advanced is not None
    assert advanced.clocks["accept"]["stopped_at"] == at.isoformat()
    assert advanced.clocks["accept"]["due_at"] == stored["accept"]["due_at"]
    assert advanced == compute_deadlines(clocks, [(at, "accept", "accepted")], at, CAL, FRACTION)


def test_pausing_resuming_and_unknown_entries_need_the_history():
    clocks = clocks_to_json(SPECS, START)
    stored = compute_deadlines(clocks, [], START, CAL, FRACTION).clocks
    at = START + timedelta(minutes=30)
    assert advance_deadlines(clocks, stored, (at, "hold", "on_hold")) is None
    assert advance_deadlines(clocks, {}, (at, "comment", "submitted")) is None
    before_start = START - timedelta(minutes=1)
    assert advance_deadlines(clocks, stored, (before_start, "comment", "submitted")) is None


def test_unconditional_moves_read_off_the_machine_match_its_triggers():
    for (state, action), target in lifecycle._PLAIN_MOVES.items():
        carrier = lifecycle.CaseState(state)
        assert lifecycle.MACHINE.events[action].trigger(carrier)
        assert carrier.state == target
    conditional = [("record_decision", lifecycle.DELIBERATING), ("evaluate", lifecycle.RESOLVED)]
    for action, state in conditional:
        assert (state, action) not in lifecycle._PLAIN_MOVES
