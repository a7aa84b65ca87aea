"""One definition of "overdue" and "warning": running clocks at the moment of asking."""

from dataclasses import replace
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from caseflow.domain.clocks import ClockSpec, clock_status
from caseflow.domain.deadlines import clocks_to_json, compute_deadlines
from caseflow.domain.due import clock_due_status, due_status, running_instants
from caseflow.domain.durations import parse_duration
from caseflow.domain.lifecycle import FINAL_STATES
from tests.domain.test_deadline_advance import CAL, FRACTION, PAUSES, START

SPECS = (
    ClockSpec("accept", parse_duration("2h"), frozenset({"accept"}), PAUSES),
    ClockSpec("resolve", parse_duration("3 working days"), frozenset({"resolve"}), PAUSES),
    ClockSpec("respond", parse_duration("5m"), frozenset({"accept"}), PAUSES),
)
EVENTS = [
    ("comment", "accepted"), ("accept", "accepted"), ("start", "in_progress"),
    ("hold", "on_hold"), ("defer", "deferred"), ("resume", "in_progress"),
    ("resolve", "resolved"), ("close", "closed"), ("warn", "in_progress"),
]
H = timedelta(hours=1)


def test_overdue_wins_over_warning_and_none_means_no_clock_runs():
    assert due_status(START, START - H, START) == "overdue"
    assert due_status(START + H, START - H, START) == "warning"
    assert due_status(START + H, START + H / 2, START) == "on_time"
    assert due_status(None, None, START) == "none"
    # The deadline itself is the first overdue instant.
    assert due_status(START, None, START) == "overdue"


def test_a_paused_or_stopped_clock_is_never_overdue():
    past = (START - H).isoformat()
    paused = {"due_at": past, "warning_at": past, "paused": True, "stopped_at": None}
    stopped = {"due_at": past, "warning_at": past, "paused": False, "stopped_at": past}
    running = {"due_at": past, "warning_at": past, "paused": False, "stopped_at": None}
    assert running_instants({"a": paused, "b": stopped}) == (None, None)
    assert running_instants({"a": paused, "b": running}) == (START - H, START - H)
    assert clock_due_status(paused, START) == "paused"
    assert clock_due_status(stopped, START) == "met"
    assert clock_due_status({**stopped, "stopped_at": START.isoformat()}, START) == "late"
    assert clock_due_status(running, START) == "overdue"


def test_the_sweeps_marks_do_not_move_overdue_from():
    clocks = clocks_to_json(SPECS, START)
    fresh = compute_deadlines(clocks, [], START, CAL, FRACTION)
    noted = {name: {**entry, "warned": True, "overdue_noted": True}
             for name, entry in fresh.clocks.items()}
    again = compute_deadlines(clocks, [], START + H, CAL, FRACTION, previous=noted)
    assert again.next_due_at is None  # the sweep has nothing left to do ...
    assert again.overdue_from == fresh.overdue_from == START + timedelta(minutes=5)  # ... but
    assert due_status(again.overdue_from, again.warning_from, START + H) == "overdue"


def _replayed(history: list, now: datetime) -> str:
    """The case's status recounted clock by clock from its events with clock_status."""
    statuses = []
    for spec in SPECS:
        # A final state stops every clock; entering "resolved" resolves (as the engine reads).
        named = [(at, "__final__" if state in FINAL_STATES
                  else "resolve" if state == "resolved" else action, state)
                 for at, action, state in history]
        status = clock_status(replace(spec, ends_on=spec.ends_on | {"__final__"}), START, named,
                              now, CAL, warning_fraction=FRACTION)
        if status.running and status.due_at is not None:
            if status.due_at <= now:
                statuses.append("overdue")
            elif status.warning_at is not None and status.warning_at <= now:
                statuses.append("warning")
            else:
                statuses.append("on_time")
    order = ("overdue", "warning", "on_time")
    return min(statuses, key=order.index, default="none")


@settings(max_examples=300, deadline=None)
@given(
    moves=st.lists(st.tuples(st.sampled_from(EVENTS), st.integers(0, 60 * 60 * 30)),
                   max_size=8),
    later=st.integers(0, 60 * 60 * 24 * 6),
    marks=st.booleans(),
)
def test_the_stored_instants_say_what_replaying_the_clocks_says(moves, later, marks):
    at, history = START, []
    for (action, state), seconds in moves:
        at += timedelta(seconds=seconds)
        history.append((at, action, state))
    clocks = clocks_to_json(SPECS, START)
    previous = ({name: {"warned": True, "overdue_noted": True} for name in clocks}
                if marks else None)
    stored = compute_deadlines(clocks, history, at, CAL, FRACTION, previous)
    now = at + timedelta(seconds=later)  # no action since: the stored instants still hold
    assert due_status(stored.overdue_from, stored.warning_from, now) == _replayed(history, now)
    by_clock = {clock_due_status(entry, now) for entry in stored.clocks.values()}
    assert (due_status(stored.overdue_from, None, now) == "overdue") == ("overdue" in by_clock)
