"""One verb for acting on a case: the page and the service go through `actions.act` with one
command, and a replayed Idempotency-Key answers the first result without a second event."""

from __future__ import annotations

import inspect

import pytest
from sqlalchemy import select

from caseflow.app import runtime_of
from caseflow.domain.errors import InvalidInput
from caseflow.models import CaseEvent
from caseflow.services import actions, idempotency
from caseflow.services.actions import ActionCommand
from caseflow.services.users import find_user
from tests.admin.conftest import login, new_case, post


def test_the_four_old_entry_points_are_gone():
    for old in ("take_action", "apply_action", "act_on_case"):
        assert not hasattr(actions, old)
    assert not hasattr(idempotency, "act_once")
    assert list(inspect.signature(actions.act).parameters) == ["uow", "rules", "command", "now"]


@pytest.fixture
def spied(monkeypatch):
    """Every command `actions.act` is given, in order (the real verb still runs)."""
    seen: list[ActionCommand] = []
    real = actions.act

    def spy(uow, rules, command, now):
        seen.append(command)
        return real(uow, rules, command, now)

    monkeypatch.setattr(actions, "act", spy)
    return seen


def test_the_case_page_acts_through_the_one_verb(app, client, spied):
    ref, _token = new_case(app)
    login(client, "butler")
    page = f"/cases/{ref}"
    post(client, f"{page}/act", {"action": "accept", "version": "1", "note": "收到"}, page)
    assert [(c.case, c.action, c.note, c.expected_version) for c in spied] == [
        (ref, "accept", "收到", 1)]


def _events(app, case_id):
    with runtime_of(app).uow() as uow:
        return list(uow.session.scalars(
            select(CaseEvent.action).where(CaseEvent.case_id == case_id)))


def test_a_replayed_key_answers_the_first_result_without_a_second_event(app):
    ref, _token = new_case(app)
    runtime = runtime_of(app)
    with runtime.uow() as uow:
        butler = find_user(uow.session, "butler")
    command = ActionCommand(ref, "accept", butler, "收到", expected_version=1,
                            idempotency_key="tap-1", show=True)
    with runtime.uow() as uow:
        first = actions.act(uow, runtime.rules(), command, runtime.now())
    with runtime.uow() as uow:
        again = actions.act(uow, runtime.rules(), command, runtime.now())
    assert not first.replayed and again.replayed
    assert (again.case_id, again.version, again.event_id) == (first.case_id, 2, first.event_id)
    assert again.record == first.record  # the first answer, instants included
    assert _events(app, first.case_id) == ["submit", "accept"]
    other = ActionCommand(ref, "start", butler, expected_version=2, idempotency_key="tap-1")
    with runtime.uow() as uow, pytest.raises(InvalidInput):
        actions.act(uow, runtime.rules(), other, runtime.now())
