"""The summaries the writers count (migration 0016) equal a full recount after random action
sequences, sweeps (set-based and row by row) and the rarer moves of a case's keys."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import insert, select, update

from caseflow.models import Case, CaseEvent, Unit
from caseflow.services.cases import get_case, submit_case
from caseflow.services.reporting.rollup import kept, recount
from caseflow.services.reporting.summaries import count_changes
from caseflow.services.sweep import sweep
from tests.factories import RESIDENT, build_tree, submission
from tests.reporting.helpers import act_as_anyone
from tests.reporting.test_summary import CATEGORIES, MOVES, PLACES


def _same(runtime) -> None:
    with runtime.uow() as uow:
        held, counted = kept(uow.session), recount(uow.session)
    for table in counted:
        assert held[table] == counted[table], table


@pytest.mark.parametrize("seed", [11, 23, 47])
def test_random_action_sequences_leave_the_summaries_equal_to_a_recount(runtime, clock, seed):
    users = build_tree(runtime)
    rules, chance = runtime.rules(), random.Random(seed)
    refs: list[str] = []
    for step in range(120):
        if step % 4 == 0:
            with runtime.uow() as uow:
                body = submission(category=chance.choice(CATEGORIES),
                                  unit=chance.choice(PLACES))
                refs.append(submit_case(uow, rules, body, RESIDENT, clock.now())[0].ref)
        for _ in range(chance.randrange(1, 4)):  # a few actions in a row
            # A minute apart: the recount finds a case's first acceptance by the instant of
            # its accept event, and two accepts at one frozen instant would be two.
            clock.advance(timedelta(minutes=1))
            action, data = chance.choice(MOVES)
            act_as_anyone(runtime, users, chance.choice(refs), action, data)
        if step % 15 == 14:  # past some deadlines: escalations clear on-time flags
            clock.advance(timedelta(hours=chance.randrange(12, 24 * 8)))
            sweep(runtime.uow, rules, clock.now())
    _same(runtime)


def _accepted_case(runtime, users) -> Case:
    case_ref = _submit(runtime).ref
    assert act_as_anyone(runtime, users, case_ref, "accept", {})
    assert act_as_anyone(runtime, users, case_ref, "start", {})
    assert act_as_anyone(runtime, users, case_ref, "resolve", {})
    with runtime.uow() as uow:
        return get_case(uow.session, case_ref)


def _submit(runtime) -> Case:
    with runtime.uow() as uow:
        return submit_case(uow, runtime.rules(), submission(), RESIDENT, runtime.now())[0]


def _write(runtime, case_id: int, values: dict) -> None:
    """A writer that counts before its own UPDATE, as the action path does."""
    with runtime.uow() as uow:
        conn = uow.connection()
        version = conn.scalar(select(Case.version).where(Case.id == case_id))
        count_changes(conn, case_id, version, {}, values)
        conn.execute(update(Case).where(Case.id == case_id).values(
            **values, version=version + 1))
        uow.commit()


def test_a_case_moved_to_another_place_month_and_category_is_counted_there(runtime, clock):
    users = build_tree(runtime)
    case = _accepted_case(runtime, users)
    with runtime.uow() as uow:
        other = uow.session.scalar(select(Unit.id).where(Unit.code == "lotus"))
    assert other != case.place_unit_id
    _write(runtime, case.id, {"place_unit_id": other, "category": "parking",
                              "submitted_at": case.submitted_at - timedelta(days=40)})
    _same(runtime)


def test_a_resolution_undone_and_a_first_acceptance_moved_are_counted(runtime, clock):
    users = build_tree(runtime)
    case = _accepted_case(runtime, users)
    _write(runtime, case.id, {"resolved_at": None, "resolved_layer": None, "state": "accepted"})
    _same(runtime)
    _write(runtime, case.id, {"first_accepted_at": case.first_accepted_at + timedelta(hours=1)})
    _same(runtime)  # no accept event at that instant: no accept time


def test_the_accept_time_is_written_whether_the_event_or_the_case_comes_first(runtime, clock):
    build_tree(runtime)
    case = _submit(runtime)
    now = clock.now()
    with runtime.uow() as uow:  # the event first, then the case row
        uow.connection().execute(insert(CaseEvent).values(
            case_id=case.id, at=now, actor_role="caseworker", actor_label="管家",
            action="accept", from_state="submitted", to_state="accepted",
            from_layer=case.layer, to_layer=case.layer, note="", data={}))
        uow.commit()
    _write(runtime, case.id, {"state": "accepted", "first_accepted_at": now,
                              "accepted_on_time": True})
    _same(runtime)
    with runtime.uow() as uow:
        assert uow.session.scalar(select(Case.first_accepted_at).where(Case.id == case.id))
        assert kept(uow.session)["case_clock_times"]
