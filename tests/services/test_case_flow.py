"""Submitting and working a case through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from caseflow.domain.errors import ActionNotAllowed, InvalidInput, PermissionDenied, StaleVersion
from caseflow.models import Case, CaseEvent
from caseflow.services.cases import get_case, submit_case
from tests.factories import RESIDENT, act_on, build_tree, submission


@pytest.fixture
def users(runtime):
    return build_tree(runtime)


def submit(runtime, **overrides):
    with runtime.uow() as uow:
        case, token = submit_case(
            uow, runtime.rules(), submission(**overrides), RESIDENT, runtime.now()
        )
        return case, token


def act(runtime, case_ref, action, user, note="", data=None, version=None):
    with runtime.uow() as uow:
        return act_on(
            uow, runtime.rules(), case_ref, action, user, runtime.now(), note, data, version
        )


def events(runtime, case_id):
    with runtime.uow() as uow:
        return list(
            uow.session.scalars(
                select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
            )
        )


def test_a_noise_complaint_starts_with_the_property_butler(runtime, users):
    case, token = submit(runtime)
    assert case.state == "submitted"
    assert case.layer == "property"
    assert case.unit.code == "rhine-office"
    assert case.ref.startswith("CF-20261123-")
    assert case.rules_version == runtime.rules().version and case.routing_rule
    assert token and case.tracking_token_hash != token
    assert case.next_due_at is not None and case.next_due_at > runtime.now()
    assert [e.action for e in events(runtime, case.id)] == ["submit"]


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("title", {"title": ""}),
        ("category", {"category": "nonsense"}),
        ("unit", {"unit": "nowhere"}),
        ("unit", {"unit": "jiazhou-community"}),
        ("reporter.phone", {"reporter": {"name": "x", "phone": "call me"}}),
        ("channel", {"channel": "pigeon"}),
        ("tags", {"tags": "not-a-list"}),
    ],
)
def test_a_bad_submission_names_the_field_and_stores_nothing(runtime, users, field, overrides):
    with pytest.raises(InvalidInput) as raised:
        submit(runtime, **overrides)
    assert raised.value.field == field
    with runtime.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Case)) == 0


def test_a_likely_duplicate_is_linked_and_flagged_not_merged(runtime, users):
    first, _ = submit(runtime)
    second, _ = submit(runtime, title="快递柜又响了")
    assert second.duplicate_of_id == first.id
    assert "possible_duplicate" in second.tags
    assert second.state == "submitted"


def test_a_case_goes_from_submitted_to_closed_with_one_event_per_change(runtime, users):
    case, _ = submit(runtime)
    butler = users["butler"]
    for action in ("accept", "start", "resolve"):
        case = act(runtime, case.ref, action, butler, note="处理中")
    assert case.state == "resolved" and case.resolved_layer == "property"
    case = act(runtime, case.ref, "evaluate", RESIDENT, data={"satisfaction": "satisfied"})
    assert case.state == "closed" and case.closed_at == runtime.now()
    history = events(runtime, case.id)
    assert [e.action for e in history] == ["submit", "accept", "start", "resolve", "evaluate"]
    assert case.version == 5
    assert history[1].from_state == "submitted" and history[1].to_state == "accepted"
    assert history[1].actor_id == butler.id


def test_a_stale_version_is_refused_and_nothing_is_overwritten(runtime, users):
    case, _ = submit(runtime)
    act(runtime, case.ref, "accept", users["butler"], version=case.version)
    with pytest.raises(StaleVersion) as raised:
        act(runtime, case.ref, "comment", users["butler2"], note="我也看看", version=case.version)
    assert raised.value.current_version == case.version + 1
    assert [e.action for e in events(runtime, case.id)] == ["submit", "accept"]


def test_another_units_caseworker_may_not_act(runtime, users):
    case, _ = submit(runtime)
    with pytest.raises(PermissionDenied):
        act(runtime, case.ref, "accept", users["lotus-butler"])


def test_an_action_not_allowed_in_this_state_lists_the_allowed_ones(runtime, users):
    case, _ = submit(runtime)
    with pytest.raises(ActionNotAllowed) as raised:
        act(runtime, case.ref, "resolve", users["butler"])
    assert "accept" in raised.value.allowed and "resolve" not in raised.value.allowed


def test_return_goes_to_the_layer_above_and_the_dispatcher_reroutes(runtime, users):
    case, _ = submit(runtime)
    with pytest.raises(InvalidInput):
        act(runtime, case.ref, "return", users["butler"])  # a reason is required
    case = act(runtime, case.ref, "return", users["butler"], note="不属于物业管辖")
    assert case.returned and case.layer == "complex" and case.state == "submitted"
    case = act(
        runtime, case.ref, "reroute", users["dispatcher"], data={"unit": "jiazhou-community"}
    )
    assert not case.returned and case.layer == "community"
    assert case.unit.code == "jiazhou-community"


def test_extension_is_requested_below_and_approved_above(runtime, users):
    case, _ = submit(runtime)
    act(runtime, case.ref, "accept", users["butler"])
    case = act(runtime, case.ref, "start", users["butler"])
    due_before = case.deadlines["resolve"]["due_at"]
    act(
        runtime,
        case.ref,
        "request_extension",
        users["butler"],
        note="等待材料",
        data={"extra": "2 working days"},
    )
    case = act(runtime, case.ref, "approve_extension", users["branch-lead"])
    assert case.extension_count == 1 and not case.extension_pending
    assert case.deadlines["resolve"]["due_at"] > due_before


def test_unsatisfied_results_are_reworked_then_escalated(runtime, users):
    case, _ = submit(runtime)
    butler = users["butler"]
    act(runtime, case.ref, "accept", butler)
    act(runtime, case.ref, "start", butler)
    act(runtime, case.ref, "resolve", butler)
    case = act(runtime, case.ref, "evaluate", RESIDENT, data={"satisfaction": "unsatisfied"})
    assert case.state == "in_progress" and case.rework_count == 1 and case.layer == "property"
    limit = runtime.rules().escalation.unsatisfied_before_escalation
    for _ in range(limit - 1):
        act(runtime, case.ref, "resolve", butler)
        case = act(runtime, case.ref, "evaluate", RESIDENT, data={"satisfaction": "unsatisfied"})
    assert case.state == "submitted" and case.layer == "complex" and case.rework_count == limit


def test_deliberation_decision_moves_the_case_on(runtime, users):
    case, _ = submit(runtime)
    butler = users["butler"]
    act(runtime, case.ref, "accept", butler)
    act(runtime, case.ref, "deliberate", butler, note="召开圆桌议事会")
    case = act(runtime, case.ref, "record_decision", butler, data={"outcome": "resolved"})
    assert case.state == "resolved"
    assert (
        case.auto_close_at
        == runtime.now() + runtime.rules().settings.auto_close_after.as_timedelta()
    )


def test_hold_pauses_the_clocks(runtime, users, clock):
    case, _ = submit(runtime)
    butler = users["butler"]
    act(runtime, case.ref, "accept", butler)
    case = act(runtime, case.ref, "start", butler)
    due = case.deadlines["resolve"]["due_at"]
    case = act(runtime, case.ref, "hold", butler, note="等待业主回复")
    assert case.deadlines["resolve"]["paused"] and case.next_due_at is None
    clock.advance(timedelta(days=3))
    case = act(runtime, case.ref, "resume", butler)
    assert case.deadlines["resolve"]["due_at"] > due


def test_get_case_by_id_or_reference(runtime, users):
    case, _ = submit(runtime)
    with runtime.uow() as uow:
        assert get_case(uow.session, case.id).ref == case.ref
        assert get_case(uow.session, case.ref).id == case.id
