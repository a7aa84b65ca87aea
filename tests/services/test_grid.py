"""The people of the grid, follow-up calls and reminders, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from caseflow.domain.errors import InvalidInput, PermissionDenied
from caseflow.models import CaseEvent, Evaluation, FollowUpCall, Meeting, OutboxMessage, User
from caseflow.services.accounts import viewer_named
from caseflow.services.case_views import list_for
from caseflow.services.cases import get_case, submit_case
from caseflow.services.grid.follow_up import FollowUpAnswer, follow_ups_for, record_follow_up
from caseflow.services.grid.households import NewHousehold, add_household, households_of
from caseflow.services.grid.memberships import add_membership
from caseflow.services.grid.proxy import OnBehalf, proxy_of, submit_on_behalf
from caseflow.services.grid.tasks import complete_task, tasks_of
from caseflow.services.queries import CaseFilters, can_see
from caseflow.services.sweep import sweep
from tests.factories import RESIDENT, act_on, build_tree, submission


@pytest.fixture
def users(runtime):
    return build_tree(runtime)


def submit(runtime, **overrides):
    with runtime.uow() as uow:
        return submit_case(uow, runtime.rules(), submission(**overrides), RESIDENT,
                           runtime.now())[0]


def viewer(runtime, name):
    with runtime.uow() as uow:
        return viewer_named(uow, name)


def visible_refs(runtime, name):
    with runtime.uow() as uow:
        cases, _ = list_for(uow, viewer_named(uow, name), CaseFilters(), runtime.now(),
                            per_page=100)
        return {case.ref for case in cases}


def act(runtime, ref, action, who, note="", data=None):
    with runtime.uow() as uow:
        return act_on(uow, runtime.rules(), ref, action, who, runtime.now(), note, data)


def events(runtime, case_id):
    with runtime.uow() as uow:
        return list(uow.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id)
                                        .order_by(CaseEvent.id)))


def test_a_membership_in_two_units_sees_exactly_the_union_of_both_views(runtime, users):
    at_rhine, at_lotus = submit(runtime), submit(runtime, unit="lotus")
    with runtime.uow() as uow:  # a third person, for now a butler at the Rhine office only
        uow.session.add(User(username="cross", display_name="交叉任职", role="caseworker",
                             unit_id=users["butler"].unit_id))
        uow.commit()
    assert visible_refs(runtime, "cross") == visible_refs(runtime, "butler") == {at_rhine.ref}
    with runtime.uow() as uow:
        add_membership(uow, "cross", "lotus-office", "caseworker")
    union = visible_refs(runtime, "butler") | visible_refs(runtime, "lotus-butler")
    assert visible_refs(runtime, "cross") == union == {at_rhine.ref, at_lotus.ref}
    cross = viewer(runtime, "cross")
    with runtime.uow() as uow:
        assert can_see(uow.session, cross, get_case(uow.session, at_lotus.ref))
    # and acts on the second unit's case as its holder
    assert act(runtime, at_lotus.ref, "accept", cross).state == "accepted"


def test_a_grid_role_is_held_at_a_building(runtime, users):
    with runtime.uow() as uow, pytest.raises(InvalidInput) as error:
        add_membership(uow, "community", "rhine", "liaison")
    assert error.value.field == "unit"
    from caseflow.services.users import create_user

    with runtime.uow() as uow, pytest.raises(InvalidInput) as error:
        create_user(uow, "liaison.x", "联络员", "liaison", "rhine", "long enough pw")
    assert error.value.field == "unit"


def _liaison(runtime, users):
    with runtime.uow() as uow:
        uow.session.add(User(username="liaison", display_name="王联络", role="liaison",
                             unit_id=_unit_id(uow, "rhine-b3"), phone="13900000009"))
        uow.commit()
    return viewer(runtime, "liaison")


def _unit_id(uow, code):
    from caseflow.services.units import get_unit

    return get_unit(uow.session, code).id


def test_a_liaison_submits_on_a_residents_behalf_with_consent(runtime, users):
    liaison = _liaison(runtime, users)
    grievance = submission(unit="rhine-b3", reporter={"name": "张大爷", "phone": "13800000077"})
    with runtime.uow() as uow, pytest.raises(InvalidInput) as error:
        submit_on_behalf(uow, runtime.rules(), OnBehalf(liaison, grievance, ""), runtime.now())
    assert error.value.field == "consent"
    with runtime.uow() as uow:
        case = submit_on_behalf(
            uow, runtime.rules(),
            OnBehalf(liaison, grievance, "verbal", "电话中同意代为反映"), runtime.now())
    assert case.token and case.record["reporter"]["name"] == "张大爷"
    with runtime.uow() as uow:
        shown = proxy_of(uow, case.case_id)
        stored = get_case(uow.session, case.ref)
        assert stored.reporter_name == "张大爷"  # the resident stays the reporter
    assert (shown.by, shown.consent) == ("liaison", "verbal")
    assert shown.consent_note == "电话中同意代为反映"
    submitted = events(runtime, case.case_id)[0]
    assert submitted.data["on_behalf"] == {"by": "liaison", "consent": "verbal"}
    assert submitted.actor_label == "liaison"
    # outside their building a liaison submits nothing
    with runtime.uow() as uow, pytest.raises(PermissionDenied):
        submit_on_behalf(uow, runtime.rules(),
                         OnBehalf(liaison, submission(unit="lotus"), "verbal"), runtime.now())


def test_household_contacts_are_masked_for_the_grid_and_full_for_handlers(runtime, users):
    liaison = _liaison(runtime, users)
    with runtime.uow() as uow:
        add_household(uow, NewHousehold(liaison, "rhine-b3", "2单元501", "李阿姨",
                                        "13800001234", "独居老人，电话 13800001234"),
                      runtime.now())
    with runtime.uow() as uow:
        [masked] = households_of(uow, liaison, "rhine-b3")
        [full] = households_of(uow, viewer_named(uow, "branch"), "rhine-b3")
    assert masked.contact == {"name": "李**", "phone": "138****1234", "masked": True}
    assert "13800001234" not in masked.notes
    assert full.contact["phone"] == "13800001234"
    with runtime.uow() as uow, pytest.raises(PermissionDenied):
        households_of(uow, viewer_named(uow, "lotus-butler"), "rhine-b3")


def _resolved(runtime, users):
    case = submit(runtime)
    for action in ("accept", "start", "resolve"):
        act(runtime, case.ref, action, users["butler"])
    return case


def test_a_follow_up_call_closes_a_case_and_counts_as_its_evaluation(runtime, users, clock):
    case = _resolved(runtime, users)
    sweep(runtime.uow, runtime.rules(), runtime.now())
    dispatcher = viewer(runtime, "dispatcher")
    with runtime.uow() as uow:
        assert follow_ups_for(uow, dispatcher) == []  # not yet: the resident may still rate
    clock.advance(timedelta(days=3, minutes=1))
    report = sweep(runtime.uow, runtime.rules(), runtime.now())
    assert report.grid.follow_ups == 1
    assert sweep(runtime.uow, runtime.rules(), runtime.now()).grid.follow_ups == 0
    with runtime.uow() as uow:
        [call] = follow_ups_for(uow, dispatcher)
        assert follow_ups_for(uow, viewer_named(uow, "lotus-butler")) == []
    assert call.ref == case.ref and call.reporter["phone"] == "13800000001"
    with runtime.uow() as uow, pytest.raises(PermissionDenied):
        record_follow_up(uow, runtime.rules(),
                         FollowUpAnswer(viewer_named(uow, "butler"), case.ref, "satisfied"),
                         runtime.now())
    with runtime.uow() as uow:
        done = record_follow_up(uow, runtime.rules(),
                                FollowUpAnswer(dispatcher, case.ref, "satisfied", "电话回访"),
                                runtime.now())
    assert done.outcome == "satisfied" and done.answered_at is not None
    with runtime.uow() as uow:
        closed = get_case(uow.session, case.ref)
        assert (closed.state, closed.satisfaction) == ("closed", "satisfied")
        [evaluation] = uow.session.scalars(select(Evaluation)).all()
        assert (evaluation.channel, evaluation.recorded_by_id) == ("follow_up_call",
                                                                   dispatcher.id)
        assert uow.session.scalar(select(FollowUpCall.outcome)) == "satisfied"
    last = events(runtime, case.id)[-1]
    assert (last.action, last.data["channel"]) == ("evaluate", "follow_up_call")


def test_a_residents_own_evaluation_is_counted_on_their_channel(runtime, users):
    case = _resolved(runtime, users)
    act(runtime, case.ref, "evaluate", RESIDENT, data={"satisfaction": "satisfied",
                                                       "channel": "follow_up_call"})
    with runtime.uow() as uow:
        assert uow.session.scalar(select(Evaluation.channel)) == "resident"


def test_a_review_date_wakes_a_deferred_case(runtime, users, clock):
    case = submit(runtime)
    act(runtime, case.ref, "accept", users["butler"])
    review = (runtime.now() + timedelta(days=20)).isoformat()
    deferred = act(runtime, case.ref, "defer", users["lead"], "待维修基金审批",
                   {"review_on": review})
    assert deferred.state == "deferred"
    assert deferred.overdue_from == deferred.deferred_until  # the one truth: due at review
    assert sweep(runtime.uow, runtime.rules(), runtime.now()).grid.reviews_due == 0
    clock.advance(timedelta(days=20, minutes=1))
    assert sweep(runtime.uow, runtime.rules(), runtime.now()).grid.reviews_due == 1
    assert sweep(runtime.uow, runtime.rules(), runtime.now()).grid.reviews_due == 0
    reminder = events(runtime, case.id)[-1]
    assert (reminder.action, reminder.data["kind"]) == ("remind", "review_due")
    with runtime.uow() as uow:
        kinds = list(uow.session.scalars(select(OutboxMessage.kind)
                                         .where(OutboxMessage.case_id == case.id)))
        cases, _ = list_for(uow, viewer_named(uow, "lead"), CaseFilters(overdue=True),
                            runtime.now())
    assert "review_due" in kinds
    assert [c.ref for c in cases] == [case.ref]  # back at the top of its holder's inbox


def test_a_meeting_task_warns_then_goes_overdue_in_its_owners_inbox(runtime, users, clock):
    with runtime.uow() as uow:
        uow.session.add(Meeting(
            complex_id=_unit_id(uow, "rhine"), kind="roundtable", title="议事会",
            starts_at=runtime.now(), due_at=runtime.now() + timedelta(days=15),
            created_at=runtime.now(),
            tasks=[{"title": "更换快递柜提示音", "owner": "butler", "due_on": "2026-11-26"},
                   {"title": "联合验收", "owner": "荷花苑物业", "due_on": "2026-11-26"}]))
        uow.commit()
    butler = viewer(runtime, "butler")
    with runtime.uow() as uow:
        [task] = tasks_of(uow, runtime.rules(), butler, runtime.now())
    assert task.status == "on_time" and task.title == "更换快递柜提示音"
    # Due at the end of the 26th (16:00 UTC); two days ahead of it, a warning.
    clock.advance(timedelta(days=1, hours=16))
    report = sweep(runtime.uow, runtime.rules(), runtime.now()).grid
    assert (report.task_warnings, report.tasks_overdue) == (2, 0)
    with runtime.uow() as uow:
        assert tasks_of(uow, runtime.rules(), butler, runtime.now())[0].status == "warning"
        lotus = tasks_of(uow, runtime.rules(), viewer_named(uow, "lotus-butler"), runtime.now())
        assert [t.title for t in lotus] == ["联合验收"]  # owned by the unit the person is in
    clock.advance(timedelta(days=2))
    report = sweep(runtime.uow, runtime.rules(), runtime.now()).grid
    assert (report.task_warnings, report.tasks_overdue) == (0, 2)
    assert sweep(runtime.uow, runtime.rules(), runtime.now()).grid.tasks_overdue == 0
    with runtime.uow() as uow:
        [task] = tasks_of(uow, runtime.rules(), butler, runtime.now())
        assert task.status == "overdue"
        owners = list(uow.session.scalars(select(OutboxMessage.payload)
                                          .where(OutboxMessage.kind == "task_overdue")))
        assert {p["data"]["owner_id"] for p in owners} == {butler.id, None}
    with runtime.uow() as uow, pytest.raises(PermissionDenied):
        complete_task(uow, viewer_named(uow, "lotus-butler"), task.meeting_id, 0, runtime.now())
    with runtime.uow() as uow:
        complete_task(uow, butler, task.meeting_id, 0, runtime.now())
    with runtime.uow() as uow:
        assert tasks_of(uow, runtime.rules(), butler, runtime.now()) == []


def test_a_new_case_of_a_building_goes_to_its_butler(runtime, users):
    with runtime.uow() as uow:
        add_membership(uow, "butler2", "rhine-b3", "butler")
    at_building, at_complex = submit(runtime, unit="rhine-b3"), submit(runtime)
    assert at_building.assignee_id == users["butler2"].id
    assert at_complex.assignee_id is None  # no building: the office claims it


def test_round_robin_takes_the_offices_caseworkers_in_turn(database_url, clock, tmp_path):
    import shutil

    from caseflow.services.runtime import Runtime
    from tests.conftest import RULES_DIR

    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    (rules / "grid.yaml").write_text("auto_assign: {mode: round_robin}\n", encoding="utf-8")
    rt = Runtime.from_url(database_url, rules, clock)
    try:
        users = build_tree(rt)
        picked = [submit(rt).assignee_id for _ in range(3)]
    finally:
        rt.engine.dispose()
    office = sorted(users[name].id for name in ("butler", "butler2", "lead"))
    assert picked == office
