"""The submission hot path: what it stores matches the general case machinery it replaces."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select

from caseflow.models import Case, CaseEvent, OutboxMessage
from caseflow.services import submission as statements
from caseflow.services.cases import get_case, hash_token, submit_case
from caseflow.services.casework import case_facts
from caseflow.services.units import get_unit, holder_for
from tests.factories import RESIDENT, build_tree, submission


@pytest.fixture
def users(runtime):
    return build_tree(runtime)


def submit(runtime, **overrides):
    with runtime.uow() as uow:
        return submit_case(uow, runtime.rules(), submission(**overrides), RESIDENT,
                           runtime.now())


def test_the_returned_case_is_fully_loaded_and_usable_after_the_session(runtime, users) -> None:
    case, token = submit(runtime)
    state = inspect(case)
    assert state.detached and not state.expired_attributes and not state.unloaded
    assert (case.place_unit.code, case.unit.code) == ("rhine", "rhine-office")
    with runtime.uow() as uow:
        stored = get_case(uow.session, case.ref)
        columns = [c.key for c in inspect(Case).column_attrs]
        assert {k: getattr(stored, k) for k in columns} == {k: getattr(case, k) for k in columns}
    assert case.tracking_token_hash == hash_token(token)


def test_the_event_and_notification_name_the_holder(runtime, users) -> None:
    case, _ = submit(runtime)
    with runtime.uow() as uow:
        event = uow.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)).one()
        message = uow.session.scalars(select(OutboxMessage)).one()
    assert (event.action, event.to_state, event.to_layer) == ("submit", "submitted", "property")
    assert event.to_unit_id == case.unit_id
    assert event.data == {"rule": case.routing_rule, "rules_version": case.rules_version,
                          "duplicate_of": None}
    assert (message.event_id, message.case_id, message.kind) == (event.id, case.id, "submitted")
    assert message.payload["case"]["unit_id"] == case.unit_id


def test_routing_read_the_facts_of_the_stored_case(runtime, users) -> None:
    case, _ = submit(runtime, reporter={"name": "王大爷", "phone": "13800000002",
                                        "elderly": True})
    rules = runtime.rules()
    with runtime.uow() as uow:
        stored = get_case(uow.session, case.id)
        facts = case_facts(stored) | {"priority": stored.priority, "green_channel": False}
    # The routing decision made the case green; the facts it read had the category's priority.
    facts["priority"] = rules.categories[stored.category].priority
    facts["tags"] = []
    assert rules.route(facts).rule_id == case.routing_rule == "vulnerable_reporter"
    assert case.green_channel and "green_channel" in case.tags


def test_repeat_complaints_and_duplicates_are_counted_before_routing(runtime, users) -> None:
    first, _ = submit(runtime)
    for _ in range(2):
        case, _ = submit(runtime)
        assert case.duplicate_of_id == first.id and case.tags[-1] == "possible_duplicate"
    fourth, _ = submit(runtime)
    assert fourth.routing_rule == "repeat_complaint" and fourth.layer == "community"
    with runtime.uow() as uow:
        event = uow.session.scalars(select(CaseEvent).where(CaseEvent.case_id == fourth.id)).one()
    assert event.data["duplicate_of"] == first.id


def test_deadlines_are_those_a_recompute_gives(runtime, users) -> None:
    from caseflow.domain.deadlines import compute_deadlines

    case, _ = submit(runtime)
    rules = runtime.rules()
    again = compute_deadlines(case.clocks, [], runtime.now(), rules.calendars,
                              rules.warning_fraction, previous={})
    assert case.deadlines == again.clocks and case.next_due_at == again.next_due_at
    assert case.handled_units == [case.unit_id]


@pytest.mark.parametrize("kind", ["property_office", "complex", "community", "street", "city"])
def test_the_place_read_finds_the_holder_units_holder_for_finds(runtime, users, kind) -> None:
    with runtime.uow() as uow:
        for place in ("rhine", "rhine-b3", "lotus"):
            place_id = get_unit(uow.session, place).id
            found = statements.lineage(uow.session, place).holder(kind)
            assert (found.id if found else None) == holder_for(uow.session, place_id, kind)
