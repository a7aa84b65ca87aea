"""The action path (Core load, versioned UPDATE, event, outbox) keeps what the ORM path did."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import event, func, select

from caseflow.domain.errors import StaleVersion
from caseflow.models import Case, CaseEvent, OutboxMessage
from caseflow.services import actions, casework
from caseflow.services.actions import ActionCommand, act, perform
from caseflow.services.cases import get_case, submit_case
from tests.factories import RESIDENT, act_on, build_tree, submission
from tests.services.test_stateful import CaseLife


@pytest.fixture
def users(runtime):
    return build_tree(runtime)


@pytest.fixture
def checked(monkeypatch):
    """Every action's deadlines are also recomputed from the history; both must agree."""
    used = {"advanced": 0, "recomputed": 0}
    refresh, advance = casework.refresh_deadlines, casework.advance_deadlines

    def counting_advance(*args):
        result = advance(*args)
        used["advanced" if result is not None else "recomputed"] += 1
        return result

    def refresh_and_compare(session, case, rules, now, pending=None, current=False):
        truth = casework._recomputed(session, case, rules, now, pending)
        met = refresh(session, case, rules, now, pending, current)
        assert case.deadlines == truth.clocks
        assert (case.next_due_at, case.next_warning_at) == (
            truth.next_due_at,
            truth.next_warning_at,
        )
        assert (case.overdue_from, case.warning_from) == (truth.overdue_from, truth.warning_from)
        return met

    monkeypatch.setattr(casework, "advance_deadlines", counting_advance)
    monkeypatch.setattr(actions, "refresh_deadlines", refresh_and_compare)
    return used


def _shape(statement: str) -> str:
    """The verb and the table: SELECT … FROM t, UPDATE t …, INSERT INTO t …"""
    words = statement.split()
    if words[0] == "SELECT":
        return f"SELECT {words[words.index('FROM') + 1]}"
    return f"{words[0]} {words[1] if words[0] == 'UPDATE' else words[2]}"


def submit(runtime):
    with runtime.uow() as uow:
        return submit_case(uow, runtime.rules(), submission(), RESIDENT, runtime.now())[0]


def act_as(runtime, ref, action, user, **kwargs):
    with runtime.uow() as uow:
        return act_on(uow, runtime.rules(), ref, action, user, runtime.now(), **kwargs)


def test_advanced_deadlines_equal_recomputed_ones_through_a_case_life(
    runtime, users, clock, checked
):
    butler = users["butler"]
    case = submit(runtime)
    steps = [
        ("comment", butler, {"note": "收到"}), ("accept", butler, {}), ("start", butler, {}),
        ("comment", butler, {"note": "已联系"}), ("hold", butler, {"note": "等待回复"}),
        ("resume", butler, {}),
        ("request_extension", butler, {"note": "材料", "data": {"extra": "1 working day"}}),
        ("approve_extension", users["branch-lead"], {}), ("resolve", butler, {}),
        ("evaluate", RESIDENT, {"data": {"satisfaction": "unsatisfied"}}),
        ("resolve", butler, {}), ("evaluate", RESIDENT, {"data": {"satisfaction": "satisfied"}}),
    ]
    for action, user, kwargs in steps:
        clock.advance(timedelta(minutes=37))
        case = act_as(runtime, case.ref, action, user, **kwargs)
    assert case.state == "closed"
    assert checked["advanced"] >= 6 and checked["recomputed"] >= 2


def test_random_action_sequences_advance_deadlines_as_a_recompute_would(
    sqlite_template, checked
):
    CaseLife.template = sqlite_template
    runner = CaseLife.TestCase
    runner.settings = settings(
        max_examples=15, stateful_step_count=15, deadline=None, derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    runner().runTest()
    assert checked["advanced"] > 0


def test_a_case_held_by_the_session_is_acted_on_as_held_and_refreshed(runtime, users):
    case = submit(runtime)
    with runtime.uow() as uow:
        held = get_case(uow.session, case.ref)
        returned = perform(
            uow, runtime.rules(), ActionCommand(held.id, "return", users["butler"],
                                                "不属于物业管辖"), runtime.now(),
        )
        assert returned.case_id == held.id and returned.version == held.version
        assert (held.version, held.layer, held.returned) == (2, "complex", True)
        assert held.unit.id == held.unit_id and held.unit.kind == "complex"
        uow.commit()  # nothing left to flush: the version moves once
    with runtime.uow() as uow:
        assert get_case(uow.session, case.ref).version == 2


def test_a_held_copy_older_than_the_row_loses_with_stale_version(runtime, users):
    case = submit(runtime)
    with runtime.uow() as first:
        held = get_case(first.session, case.ref)  # version 1, kept by this unit of work
        act_as(runtime, case.ref, "accept", users["butler2"])  # another request wins
        with pytest.raises(StaleVersion) as raised:
            perform(first, runtime.rules(), ActionCommand(held.id, "accept", users["butler"]),
                    runtime.now())
    assert raised.value.current_version == 2
    with runtime.uow() as uow:
        actions_seen = uow.session.scalars(
            select(CaseEvent.action).where(CaseEvent.case_id == case.id)
        ).all()
    assert list(actions_seen) == ["submit", "accept"]


def test_an_action_is_one_select_one_update_and_its_inserts(runtime, users):
    case = submit(runtime)
    seen: list[str] = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        seen.append(_shape(statement))

    event.listen(runtime.engine, "before_cursor_execute", listen)
    try:
        with runtime.uow() as uow:
            done = act(uow, runtime.rules(), ActionCommand(case.id, "accept", users["butler"]),
                       runtime.now())
        with runtime.uow() as uow:
            act(uow, runtime.rules(), ActionCommand(case.ref, "claim", users["butler2"]),
                runtime.now())
    finally:
        event.remove(runtime.engine, "before_cursor_execute", listen)
    # An accept changes counted flags: the report summaries' row is counted before the
    # UPDATE (caseflow/services/reporting/summaries.py); a claim changes none.
    assert seen == [
        "SELECT cases", "INSERT case_month_counts", "UPDATE cases", "INSERT case_events",
        "SELECT cases", "UPDATE cases", "INSERT case_events", "INSERT outbox",
    ]
    assert (done.version, done.state) == (2, "accepted")
    with runtime.uow() as uow:
        stored = uow.session.get_one(Case, case.id)
        assert (stored.version, stored.assignee_id) == (3, users["butler2"].id)
        message = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind != "submitted")
        ).one()
        assert (message.kind, message.case_id) == ("assigned", case.id)
        assert message.payload["case"]["state"] == "accepted"
        count = uow.session.scalar(select(func.count()).select_from(CaseEvent))
    assert count == 3
