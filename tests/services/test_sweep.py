"""The sweep: warnings, escalation up the ladder, supervision at the top, auto-close."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from caseflow.models import CaseEvent, ClockCharge, OutboxMessage
from caseflow.services.cases import get_case, submit_case
from caseflow.services.outbox import payload_for
from caseflow.services.sweep import sweep
from caseflow.services.sweeping.notices import CASE_KEYS
from tests.factories import RESIDENT, act_on, build_tree, submission


@pytest.fixture
def users(runtime):
    return build_tree(runtime)


def submit(runtime, **overrides):
    with runtime.uow() as uow:
        return submit_case(uow, runtime.rules(), submission(**overrides), RESIDENT, runtime.now())[
            0
        ]


def reload(runtime, ref):
    with runtime.uow() as uow:
        return get_case(uow.session, ref)


def run(runtime):
    return sweep(runtime.uow, runtime.rules(), runtime.now())


def actions(runtime, case_id):
    with runtime.uow() as uow:
        return list(
            uow.session.scalars(
                select(CaseEvent.action).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
            )
        )


def test_sweeping_twice_escalates_once(runtime, users, clock):
    case = submit(runtime)
    accept_due = datetime.fromisoformat(case.deadlines["accept"]["due_at"])
    clock.set(accept_due + timedelta(minutes=1))
    first = run(runtime)
    assert first.escalated == 1
    escalated = reload(runtime, case.ref)
    assert escalated.layer == "complex" and escalated.state == "submitted"
    assert escalated.unit.code == "rhine"
    second = run(runtime)
    assert second.total() == 0
    assert actions(runtime, case.id).count("escalate") == 1


def test_a_case_nobody_accepts_climbs_to_the_top_and_is_then_supervised(runtime, users, clock):
    case = submit(runtime)
    layers = [layer.id for layer in runtime.rules().layers]
    seen = [case.layer]
    for _ in range(40):
        current = reload(runtime, case.ref)
        if current.next_due_at is None:
            break
        clock.set(max(clock.now(), current.next_due_at) + timedelta(minutes=1))
        run(runtime)
        seen.append(reload(runtime, case.ref).layer)
    final = reload(runtime, case.ref)
    assert final.layer == layers[-1]
    assert final.supervised
    assert list(dict.fromkeys(seen)) == layers
    assert "supervise" in actions(runtime, case.id)


def test_a_warning_fires_once_before_the_deadline(runtime, users, clock):
    case = submit(runtime)
    warning_at = reload(runtime, case.ref).next_warning_at
    assert warning_at is not None and warning_at < case.next_due_at
    clock.set(warning_at + timedelta(seconds=1))
    assert run(runtime).warned == 1
    assert run(runtime).warned == 0
    assert reload(runtime, case.ref).layer == "property"


def test_unevaluated_resolved_cases_close_automatically(runtime, users, clock):
    case = submit(runtime)
    for action in ("accept", "start", "resolve"):
        with runtime.uow() as uow:
            act_on(uow, runtime.rules(), case.ref, action, users["butler"], runtime.now())
    clock.advance(runtime.rules().settings.auto_close_after.as_timedelta() + timedelta(minutes=1))
    assert run(runtime).auto_closed == 1
    closed = reload(runtime, case.ref)
    assert closed.state == "closed" and closed.satisfaction is None
    assert run(runtime).total() == 0


def test_accepted_and_unaccepted_cases_climb_together_back_to_submitted(runtime, users, clock):
    waiting, taken = submit(runtime), submit(runtime)
    with runtime.uow() as uow:
        act_on(uow, runtime.rules(), taken.ref, "accept", users["butler"], runtime.now())
    taken = reload(runtime, taken.ref)
    assert taken.state == "accepted"
    resolve_due = datetime.fromisoformat(taken.deadlines["resolve"]["due_at"])
    clock.set(resolve_due + timedelta(minutes=1))
    assert run(runtime).escalated == 2
    for ref in (waiting.ref, taken.ref):
        case = reload(runtime, ref)
        assert (case.layer, case.state, case.escalation_count) == ("complex", "submitted", 1)
        assert case.assignee_id is None and case.unit.code == "rhine"
        assert actions(runtime, case.id).count("escalate") == 1
    assert run(runtime).escalated == 0


def test_held_cases_are_not_escalated(runtime, users, clock):
    case = submit(runtime)
    with runtime.uow() as uow:
        act_on(uow, runtime.rules(), case.ref, "accept", users["butler"], runtime.now())
    with runtime.uow() as uow:
        act_on(
            uow,
            runtime.rules(),
            case.ref,
            "hold",
            users["butler"],
            runtime.now(),
            note="等业主回家",
        )
    clock.advance(timedelta(days=60))
    run(runtime)
    held = reload(runtime, case.ref)
    assert held.state == "on_hold" and held.layer == "property"


def test_after_escalation_the_new_layer_has_a_running_accept_clock(runtime, users, clock):
    case = submit(runtime)
    clock.set(datetime.fromisoformat(case.deadlines["accept"]["due_at"]) + timedelta(minutes=1))
    run(runtime)
    escalated = reload(runtime, case.ref)
    accept = escalated.deadlines["accept"]
    assert accept["stopped_at"] is None
    assert datetime.fromisoformat(accept["due_at"]) > clock.now()


def test_a_case_resolved_by_a_meeting_and_closed_is_left_alone(runtime, users, clock):
    case = submit(runtime)
    steps = [("accept", {}), ("deliberate", {}), ("record_decision", {"outcome": "resolved"})]
    for action, data in steps:
        with runtime.uow() as uow:
            act_on(uow, runtime.rules(), case.ref, action, users["butler"], runtime.now(),
                        note="圆桌议事会", data=data)
    with runtime.uow() as uow:
        act_on(uow, runtime.rules(), case.ref, "evaluate", RESIDENT, runtime.now(),
                    data={"satisfaction": "satisfied"})
    closed = reload(runtime, case.ref)
    assert closed.next_due_at is None and closed.next_warning_at is None
    clock.advance(timedelta(days=30))
    assert run(runtime).total() == 0
    assert reload(runtime, case.ref).state == "closed"


def test_the_sweeps_notifications_are_the_ones_the_services_write(runtime, users, clock):
    """The sweep builds outbox payloads in SQL: they must equal `payload_for`'s."""
    case = submit(runtime)
    clock.set(datetime.fromisoformat(case.deadlines["accept"]["due_at"]) + timedelta(minutes=1))
    run(runtime)
    escalated = reload(runtime, case.ref)
    with runtime.uow() as uow:
        message = uow.session.scalars(select(OutboxMessage).where(
            OutboxMessage.case_id == case.id, OutboxMessage.kind == "escalated")).one()
        event = uow.session.get(CaseEvent, message.event_id)
    assert event is not None and event.action == "escalate" and event.to_layer == "complex"
    fields = {key: getattr(escalated, key) for key in CASE_KEYS}
    assert message.payload == payload_for("escalated", "escalate", runtime.now(), fields,
                                          event.data)
    assert message.idempotency_id.version == 4 and message.status == "pending"
    assert message.next_attempt_at == message.created_at == runtime.now()


def test_a_group_written_a_chunk_at_a_time_escalates_each_case_once(
    runtime, users, clock, monkeypatch
):
    # One case a statement (sql.CHUNK, SQLite): every case of the group still gets its one
    # event, its late clock's charge and its notification, and climbs.
    monkeypatch.setattr("caseflow.services.sweeping.sql.CHUNK", 1)
    cases = [submit(runtime) for _ in range(3)]
    accept_due = max(datetime.fromisoformat(c.deadlines["accept"]["due_at"]) for c in cases)
    clock.set(accept_due + timedelta(minutes=1))
    assert run(runtime).escalated == 3
    with runtime.uow() as uow:
        ids = [c.id for c in cases]
        charges = uow.session.scalars(
            select(ClockCharge.case_id).where(ClockCharge.case_id.in_(ids))).all()
        notified = uow.session.scalars(
            select(OutboxMessage.case_id).where(OutboxMessage.case_id.in_(ids),
                                                OutboxMessage.kind == "escalated")).all()
    # Every late running clock of each case, charged once (the same clocks for all three).
    assert set(charges) == set(ids) and len(charges) == 3 * charges.count(ids[0])
    assert sorted(notified) == sorted(ids)
    for case in cases:
        climbed = reload(runtime, case.ref)
        assert (climbed.layer, climbed.escalation_count) == ("complex", 1)
        assert actions(runtime, case.id).count("escalate") == 1
    assert run(runtime).total() == 0
