"""Meetings on a case drive its state; rounds are counted; decisions go on public notice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from caseflow.domain.errors import Conflict, InvalidInput, PermissionDenied
from caseflow.models import CaseEvent
from caseflow.services import meetings
from caseflow.services.cases import get_case
from caseflow.services.meetings import public_notice
from tests.meetings.helpers import staff, working_case

STARTS = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)  # Wednesday 19:00 in Beijing
PEOPLE = [
    {"name": "陈书记", "role": "party_member", "organisation": "小区党支部"},
    {"name": "刘女士", "role": "resident_rep"},
    {"name": "李经理", "role": "property_company", "organisation": "花城物业"},
]


@pytest.fixture
def users(runtime):
    return staff(runtime)


def plan(runtime, user, **kwargs):
    with runtime.uow() as uow:
        return meetings.plan_meeting(
            uow,
            runtime.rules(),
            user,
            runtime.now(),
            kind=kwargs.pop("kind", "roundtable"),
            starts_at=STARTS,
            place="小区议事厅",
            participants=PEOPLE,
            agenda="快递柜夜间噪音",
            **kwargs,
        )


def decide(runtime, user, meeting_id, outcome, tasks=()):
    with runtime.uow() as uow:
        return meetings.record_decision(
            uow,
            runtime.rules(),
            user,
            runtime.now(),
            meeting_id,
            outcome,
            ["快递柜22:00后静音"],
            tasks,
        )


def state_of(runtime, ref):
    with runtime.uow() as uow:
        case = get_case(uow.session, ref)
        return case.state, case.layer


def last_event(runtime, ref) -> CaseEvent:
    with runtime.uow() as uow:
        case = get_case(uow.session, ref)
        return uow.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id.desc())
        ).first()


def test_a_roundtable_on_a_case_starts_deliberation_and_runs_the_meeting_clock(runtime, users):
    ref = working_case(runtime, users)
    meeting = plan(runtime, users["butler"], case=ref)
    assert state_of(runtime, ref) == ("deliberating", "property")
    assert meeting.round == 1 and meeting.complex.code == "rhine" and meeting.status == "planned"
    # roundtable clock: 15 calendar days from planning.
    assert meeting.due_at == runtime.now() + timedelta(days=15)
    event = last_event(runtime, ref)
    assert event.action == "deliberate" and event.data["round"] == 1
    assert event.data["meeting_kind"] == "roundtable" and event.note == "快递柜夜间噪音"


def test_a_resolved_decision_resolves_the_case_and_is_published(runtime, users):
    ref = working_case(runtime, users)
    meeting = plan(runtime, users["butler"], case=ref)
    with runtime.uow() as uow:
        meetings.record_minutes(
            uow, users["butler"], runtime.now(), meeting.id, "三方同意夜间静音。", PEOPLE[:2]
        )
    task = {"title": "调整快递柜设置", "owner": "李经理", "due_on": "2026-11-30"}
    decided = decide(runtime, users["butler"], meeting.id, "resolved", [task])
    assert state_of(runtime, ref) == ("resolved", "property")
    assert decided.status == "decided" and decided.tasks == [task]
    assert decided.notice_until == runtime.now() + timedelta(days=7)
    event = last_event(runtime, ref)
    assert (event.action, event.data["outcome"], event.data["round"]) == (
        "record_decision",
        "resolved",
        1,
    )
    with runtime.uow() as uow:
        notice = public_notice(uow, runtime.now(), "rhine")
        assert [m.id for m in notice["meetings"]] == [meeting.id]
    runtime.clock.advance(timedelta(days=7))
    with runtime.uow() as uow:
        assert public_notice(uow, runtime.now(), "rhine")["meetings"] == []


def test_an_escalate_decision_sends_the_case_to_the_next_layer(runtime, users):
    ref = working_case(runtime, users)
    meeting = plan(runtime, users["butler"], case=ref)
    decide(runtime, users["butler"], meeting.id, "escalate")
    assert state_of(runtime, ref) == ("submitted", "complex")


def test_continue_sends_the_case_back_to_work_and_rounds_are_counted(runtime, users):
    ref = working_case(runtime, users)
    first = plan(runtime, users["butler"], case=ref)
    decide(runtime, users["butler"], first.id, "continue")
    assert state_of(runtime, ref) == ("in_progress", "property")
    second = plan(runtime, users["butler"], case=ref, kind="three_party")
    assert second.round == 2 and last_event(runtime, ref).data["round"] == 2
    with runtime.uow() as uow:
        assert meetings.rounds_of(uow.session, get_case(uow.session, ref).id) == 2
        assert [m.round for m in meetings.list_meetings(uow, users["butler"], case=ref)] == [1, 2]


def test_a_decision_is_recorded_once(runtime, users):
    ref = working_case(runtime, users)
    meeting = plan(runtime, users["butler"], case=ref)
    decide(runtime, users["butler"], meeting.id, "continue")
    with pytest.raises(Conflict):
        decide(runtime, users["butler"], meeting.id, "resolved")
    with pytest.raises(Conflict), runtime.uow() as uow:
        meetings.record_minutes(uow, users["butler"], runtime.now(), meeting.id, "改写")


def test_a_meeting_on_a_complex_needs_its_staff(runtime, users):
    meeting = plan(
        runtime,
        users["committee"],
        complex="rhine",
        kind="owners_assembly",
        title="2026年度业主大会",
    )
    assert meeting.case is None and meeting.due_at == runtime.now() + timedelta(days=30)
    with pytest.raises(PermissionDenied):
        plan(runtime, users["lotus-butler"], complex="rhine")
    decided = decide(runtime, users["branch"], meeting.id, "resolved")
    assert decided.outcome == "resolved"


def test_an_outsider_cannot_call_a_meeting_on_someone_elses_case(runtime, users):
    ref = working_case(runtime, users)
    with pytest.raises(PermissionDenied):
        plan(runtime, users["lotus-butler"], case=ref)
    assert state_of(runtime, ref) == ("in_progress", "property")


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"kind": "banquet"}, "kind"), ({"case": None}, "case")],
)
def test_bad_meetings_are_refused(runtime, users, changes, field):
    ref = working_case(runtime, users)
    kwargs = {"case": ref, **changes}
    with pytest.raises(InvalidInput) as error:
        plan(runtime, users["butler"], **kwargs)
    assert error.value.field == field


def test_tasks_need_an_owner_and_a_due_date(runtime, users):
    ref = working_case(runtime, users)
    meeting = plan(runtime, users["butler"], case=ref)
    with pytest.raises(InvalidInput):
        decide(runtime, users["butler"], meeting.id, "resolved", [{"title": "修"}])
    assert state_of(runtime, ref) == ("deliberating", "property")
