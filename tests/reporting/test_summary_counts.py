"""case_month_counts stays equal to a recount through the moves the writers' counting lets pass
quietly (an escalation, a start) and counts those that change a flag (resolve, close)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from caseflow.models import Case, CaseMonthCount
from caseflow.services.cases import get_case, submit_case
from caseflow.services.reporting.rollup import kept, recount
from caseflow.services.sweep import sweep
from tests.factories import RESIDENT, build_tree, submission
from tests.reporting.helpers import act_as_anyone


def _counts(runtime) -> list[tuple]:
    """The month counts kept, after checking them against a recount."""
    with runtime.uow() as uow:
        held, counted = kept(uow.session), recount(uow.session)
    assert held["case_month_counts"] == counted["case_month_counts"]
    return held["case_month_counts"]


def _total(runtime, flag: str) -> int:
    with runtime.uow() as uow:
        return uow.session.scalar(select(func.sum(getattr(CaseMonthCount, flag)))) or 0


def _act(runtime, users, ref: str, action: str) -> None:
    assert act_as_anyone(runtime, users, ref, action, {}), f"nobody could {action} {ref}"


def _case(runtime, ref: str) -> Case:
    with runtime.uow() as uow:
        return get_case(uow.session, ref)


def _submit(runtime) -> Case:
    with runtime.uow() as uow:
        return submit_case(uow, runtime.rules(), submission(), RESIDENT, runtime.now())[0]


def test_an_escalation_for_a_missed_accept_counts_one_late_accept_and_nothing_else(
    runtime, clock
):
    build_tree(runtime)
    case = _submit(runtime)
    before = _counts(runtime)
    clock.set(datetime.fromisoformat(case.deadlines["accept"]["due_at"]) + timedelta(minutes=1))
    assert sweep(runtime.uow, runtime.rules(), clock.now()).escalated == 1
    moved = _case(runtime, case.ref)
    assert (moved.state, moved.layer) == ("submitted", "complex")
    assert moved.layer != case.layer and moved.unit_id != case.unit_id
    # The property office let the accept clock pass: one accept is due and none on time.
    assert moved.accepted_on_time is False
    after = _counts(runtime)
    accepted = 4  # (month, place, submitted, handled, accepted, accepted_on_time, …)
    assert after[0][accepted] == before[0][accepted] + 1
    assert after[0][:accepted] == before[0][:accepted]
    assert after[0][accepted + 1:] == before[0][accepted + 1:]


def test_accept_and_start_are_counted_and_resolve_and_close_change_the_counts(runtime):
    users = build_tree(runtime)
    ref = _submit(runtime).ref
    assert (_total(runtime, "submitted"), _total(runtime, "accepted")) == (1, 0)
    _act(runtime, users, ref, "accept")
    accepted = _counts(runtime)
    assert _total(runtime, "accepted") == 1
    _act(runtime, users, ref, "start")
    assert _case(runtime, ref).state == "in_progress"
    assert _counts(runtime) == accepted  # accepted → in_progress changes no flag
    _act(runtime, users, ref, "resolve")
    assert _counts(runtime) != accepted
    assert (_total(runtime, "resolved"), _total(runtime, "closed")) == (1, 0)
    _act(runtime, users, ref, "close")
    assert _case(runtime, ref).state == "closed"
    _counts(runtime)
    assert (_total(runtime, "resolved"), _total(runtime, "closed")) == (1, 1)


def test_a_quiet_state_change_with_a_counted_column_in_one_flush_counts_once(runtime):
    """Through the ORM (the sweep's row-by-row path, meetings …): its flush is counted."""
    build_tree(runtime)
    refs = [_submit(runtime).ref for _ in range(4)]
    with runtime.uow() as uow:
        cases = [get_case(uow.session, ref) for ref in refs]
        # submitted → accepted: no flag reads either state; the rework count is one.
        cases[0].state, cases[0].rework_count = "accepted", cases[0].rework_count + 1
        # … and into a counted state (deferred) with another counted column.
        cases[1].state, cases[1].extension_count = "deferred", cases[1].extension_count + 1
        # Only uncounted columns beside the state's unchanged value: nothing to count.
        cases[2].state, cases[2].layer, cases[2].title = cases[2].state, "street", "改"
        # Into a counted state and nothing else.
        cases[3].state = "deferred"
        uow.commit()
    _counts(runtime)
    assert (_total(runtime, "submitted"), _total(runtime, "handled")) == (4, 4)
    assert (_total(runtime, "reworked"), _total(runtime, "extended")) == (1, 1)
    assert _total(runtime, "deferred") == 2
