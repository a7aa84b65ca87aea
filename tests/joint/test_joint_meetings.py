"""Joint meetings on a rhythm: sittings planned ahead with exactly the hard cases of their
area on the agenda, and decisions on items becoming tasks or case actions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from caseflow.domain.errors import Conflict, InvalidInput, PermissionDenied
from caseflow.models import CaseEvent, Meeting
from caseflow.services.cases import get_case, submit_case
from caseflow.services.deliberation import rhythm
from caseflow.services.deliberation.agenda import ItemDecision
from caseflow.services.units import import_units, parse_units
from caseflow.services.visibility import viewer_of
from tests.factories import RESIDENT, act_on, submission
from tests.meetings.helpers import OTHER_CITY, staff


@pytest.fixture
def users(runtime):
    built = staff(runtime)
    with runtime.uow() as uow:
        companies, rows = parse_units(OTHER_CITY, "other.yaml")
        import_units(uow, companies, rows)
        uow.commit()
    return built


def report(runtime, days_ago: float = 0, **overrides) -> str:
    at = runtime.now() - timedelta(days=days_ago)
    with runtime.uow() as uow:
        case, _ = submit_case(uow, runtime.rules(), submission(**overrides), RESIDENT, at)
        return case.ref


def act(runtime, user, ref, action, note=""):
    with runtime.uow() as uow:
        act_on(uow, runtime.rules(), ref, action, user, runtime.now(), note=note)


def start(runtime, user, area="jiazhou-community", **fields):
    command = rhythm.SeriesCommand(**({"area": area, "kind": "four_party",
                                       "title": "四方联席会议", "frequency": "weekly", "day": 3,
                                       "at": "19:00", "place": "社区议事厅"} | fields))
    with runtime.uow() as uow:
        return rhythm.start_series(uow, runtime.rules(), viewer_of(user), runtime.now(), command)


def plan(runtime):
    with runtime.uow() as uow:
        return rhythm.plan_due(uow, runtime.rules(), runtime.now())


def agenda(runtime, user, meeting_id):
    with runtime.uow() as uow:
        return rhythm.meeting_agenda(uow, viewer_of(user), meeting_id)


def hard_world(runtime, users) -> dict[str, str]:
    """Cases of every kind in the community, plus an old one in another city and a closed one."""
    refs = {
        "old": report(runtime, days_ago=40, category="parking", unit="lotus"),
        "overdue": report(runtime, days_ago=3, category="garbage_sorting", unit="lotus"),
        "climbed": report(runtime, category="facade"),
        "repeat1": report(runtime, days_ago=0.02),
        "repeat2": report(runtime, days_ago=0.01),
        "repeat3": report(runtime),
        "ordinary": report(runtime, category="ev_charging", unit="lotus"),
        "elsewhere": report(runtime, days_ago=40, unit="yibin-garden", category="parking"),
        "closed": report(runtime, days_ago=50, category="property_fee"),
    }
    act(runtime, users["butler"], refs["climbed"], "accept")
    act(runtime, users["butler"], refs["climbed"], "escalate")
    act(runtime, users["branch"], refs["climbed"], "accept")
    act(runtime, users["branch"], refs["climbed"], "escalate")
    act(runtime, users["admin"], refs["closed"], "withdraw", note="居民撤回")
    return refs


def test_a_sitting_is_planned_ahead_with_exactly_the_areas_hard_cases(runtime, users):
    series = start(runtime, users["community"], frequency="monthly", day=20)
    assert series.next_at.isoformat() == "2026-12-20T19:00:00+08:00"
    assert plan(runtime) == []  # more than a week ahead: not yet
    runtime.clock.advance(series.next_at - runtime.now() - timedelta(days=6))
    refs = hard_world(runtime, users)
    (meeting_id,) = plan(runtime)
    assert plan(runtime) == []  # planned once
    page = agenda(runtime, users["community"], meeting_id)
    by_ref = {item.case_ref: item.reasons for item in page.items if item.case_ref}
    assert set(by_ref) == {refs[k] for k in ("old", "overdue", "climbed", "repeat1", "repeat2",
                                             "repeat3")}
    assert "open_long" in by_ref[refs["old"]]
    assert by_ref[refs["overdue"]][0] == "problem"
    assert "escalated" in by_ref[refs["climbed"]]
    assert all("repeat" in by_ref[refs[k]] for k in ("repeat1", "repeat2", "repeat3"))
    hotspot = [item for item in page.items if item.case_ref is None]
    assert [(h.topic, h.detail, h.reasons) for h in hotspot] == [("noise", "3", ["hotspot"])]
    assert page.meeting.starts_at == series.next_at and page.series_id == series.id
    assert [i.position for i in page.items] == list(range(1, len(page.items) + 1))


def test_decisions_become_a_tracked_task_or_an_action_on_the_case(runtime, users):
    series = start(runtime, users["community"])
    runtime.clock.advance(series.next_at - runtime.now() - timedelta(hours=1))
    refs = hard_world(runtime, users)
    (meeting_id,) = plan(runtime)
    items = {i.case_ref: i for i in agenda(runtime, users["community"], meeting_id).items}
    viewer = viewer_of(users["community"])

    def decide(ref, **choice):
        with runtime.uow() as uow:
            return rhythm.decide_item(uow, runtime.rules(), viewer, runtime.now(), meeting_id,
                                      items[ref].id, ItemDecision(**choice))

    decide(refs["old"], decision="物业两周内划定临时车位", task_owner="李经理",
           task_due_on="2026-12-20")
    decide(refs["overdue"], decision="社区牵头约谈物业", action="comment")
    with pytest.raises(Conflict):
        decide(refs["old"], decision="again")
    with pytest.raises(InvalidInput) as bad:
        decide(refs["repeat1"], decision="x", task_owner="王", task_due_on="soon")
    assert bad.value.field == "task_due_on"
    with runtime.uow() as uow:
        meeting = uow.session.get_one(Meeting, meeting_id)
        assert meeting.tasks == [{"title": "物业两周内划定临时车位", "owner": "李经理",
                                  "due_on": "2026-12-20", "case": refs["old"]}]
        noted = get_case(uow.session, refs["overdue"])
        event = uow.session.scalars(select(CaseEvent).where(
            CaseEvent.case_id == noted.id, CaseEvent.action == "comment")).one()
        assert event.note == "社区牵头约谈物业"
        assert event.data.get("meeting_id") == meeting_id
    done = {i.case_ref: i for i in agenda(runtime, users["community"], meeting_id).items}
    assert done[refs["old"]].follow_up["task"]["owner"] == "李经理"
    assert done[refs["overdue"]].follow_up == {"action": "comment"}
    assert done[refs["repeat1"]].decided_at is None  # the refused decision changed nothing


def test_who_starts_reads_and_decides(runtime, users):
    with pytest.raises(PermissionDenied):
        start(runtime, users["butler"])  # a complex's butler does not run the community's
    with pytest.raises(InvalidInput) as bad:
        start(runtime, users["community"], area="rhine-office")
    assert bad.value.field == "area"
    with pytest.raises(InvalidInput) as bad:
        start(runtime, users["community"], day=9)
    assert bad.value.field == "day"
    series = start(runtime, users["community"])
    runtime.clock.advance(series.next_at - runtime.now() - timedelta(hours=1))
    (meeting_id,) = plan(runtime)
    assert agenda(runtime, users["street"], meeting_id).may_decide  # the street above runs too
    assert not agenda(runtime, users["leader"], meeting_id).may_decide
    with pytest.raises(PermissionDenied):
        agenda(runtime, users["lotus-butler"], meeting_id)  # below the community, not its staff
    with runtime.uow() as uow:
        listed = rhythm.series_for(uow, viewer_of(users["street"]))
    assert [s.id for s in listed] == [series.id] and listed[0].sittings[0].id == meeting_id
