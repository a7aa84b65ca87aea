"""Late clocks are charged where they ran on every path: the set-based sweep, its row-by-row
fallback, and an action that stops a clock late (docs/metrics.md §2a)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from caseflow.models import Case, ClockCharge, Unit
from caseflow.services.cases import get_case, submit_case
from caseflow.services.sweep import sweep
from caseflow.services.sweeping import rowwise
from caseflow.services.sweeping.report import SweepReport
from tests.factories import RESIDENT, build_tree, submission
from tests.reporting.helpers import act_as_anyone


def _submit(runtime) -> Case:
    with runtime.uow() as uow:
        return submit_case(uow, runtime.rules(), submission(), RESIDENT, runtime.now())[0]


def _charges(runtime) -> list[tuple]:
    with runtime.uow() as uow:
        return sorted(uow.session.execute(
            select(Unit.code, ClockCharge.layer, ClockCharge.clock, ClockCharge.ended_by)
            .join(Unit, Unit.id == ClockCharge.unit_id)).all())


def _flags(runtime, ref: str) -> tuple:
    with runtime.uow() as uow:
        case = get_case(uow.session, ref)
        return case.layer, case.accepted_on_time, case.resolved_on_time


def _past(case: Case, clock: str) -> datetime:
    return datetime.fromisoformat(case.deadlines[clock]["due_at"]) + timedelta(minutes=1)


LATE_AT_THE_OFFICE = [
    ("rhine-office", "property", name, "escalate")
    for name in ("accept", "first_result", "follow_up", "respond")
]


def test_the_row_by_row_escalation_charges_as_the_set_based_one(runtime, clock):
    build_tree(runtime)
    first, second = _submit(runtime), _submit(runtime)
    clock.set(_past(first, "accept"))
    assert sweep(runtime.uow, runtime.rules(), clock.now()).escalated == 2
    set_based = _charges(runtime)
    assert set_based == sorted(LATE_AT_THE_OFFICE * 2)
    third = _submit(runtime)
    clock.set(_past(third, "accept"))
    with runtime.uow() as uow:
        case = uow.session.scalars(select(Case).where(Case.ref == third.ref)).one()
        rowwise.run_rowwise(uow.session, [case.id], rowwise.overdue, runtime.rules(),
                            clock.now(), SweepReport())
        uow.commit()
    assert _charges(runtime) == sorted(LATE_AT_THE_OFFICE * 3)
    assert {_flags(runtime, c.ref) for c in (first, second, third)} == {
        ("complex", False, None)}


def test_a_late_accept_is_charged_to_the_unit_that_accepted_and_stays_late(runtime, clock):
    users = build_tree(runtime)
    case = _submit(runtime)
    clock.set(_past(case, "accept"))  # before any sweep: the office accepts late
    assert act_as_anyone(runtime, users, case.ref, "accept", {})
    assert _charges(runtime) == [
        ("rhine-office", "property", "accept", "accept"),
        ("rhine-office", "property", "respond", "accept"),
    ]
    assert _flags(runtime, case.ref) == ("property", False, None)


def test_migration_0013_corrects_the_flags_of_cases_escalated_before_it(runtime, clock):
    """Before 0013 an escalation for a missed accept left `accepted_on_time` unset, and a later
    on-time accept at the next layer set it true; the migration reads the events instead."""
    import importlib

    from sqlalchemy import text, update

    late = importlib.import_module("caseflow.migrations.versions.0013_clock_charges")._LATE
    users = build_tree(runtime)
    case = _submit(runtime)
    clock.set(_past(case, "accept"))
    sweep(runtime.uow, runtime.rules(), clock.now())
    assert act_as_anyone(runtime, users, case.ref, "accept", {})
    with runtime.uow() as uow:  # as the old code left it
        uow.session.execute(update(Case).values(accepted_on_time=True))
        uow.commit()
    with runtime.engine.begin() as conn:
        statement = late[conn.dialect.name].format(flag="accepted_on_time")
        conn.execute(text(statement), {"clock": "accept"})
    assert _flags(runtime, case.ref) == ("complex", False, None)
