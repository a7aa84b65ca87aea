"""A unit of work is one transaction, whether its work went through its session or not."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from caseflow.models import Case, CaseEvent
from caseflow.services.actions import ActionCommand, act
from caseflow.services.cases import submit_case
from tests.factories import RESIDENT, build_tree, submission


@pytest.fixture
def case(runtime):
    build_tree(runtime)
    with runtime.uow() as uow:
        return submit_case(uow, runtime.rules(), submission(), RESIDENT, runtime.now())[0]


def _events(runtime, case_id):
    with runtime.uow() as uow:
        return uow.session.scalar(
            select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case_id)
        )


def _rename_by_sql_and_copy_an_event_in_the_session(uow, case):
    """Work through both doors: the case renamed by SQL on the connection, then (the session
    opened late) a copy of its first event added to the session."""
    uow.connection().execute(update(Case).where(Case.id == case.id).values(title="renamed"))
    first_event = uow.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id)
    ).first()
    uow.session.add(CaseEvent(**{
        column.key: getattr(first_event, column.key)
        for column in CaseEvent.__table__.columns if column.key != "id"
    }))


def test_an_action_needs_no_session(runtime, case):
    with runtime.uow() as uow:
        act(uow, runtime.rules(), ActionCommand(case.id, "comment", RESIDENT, "还在吗"),
            runtime.now())
        assert uow.opened_session is None
    with runtime.uow() as uow:
        assert uow.session.get_one(Case, case.id).version == case.version + 1


def test_a_session_opened_late_shares_the_transaction(runtime, case):
    before = _events(runtime, case.id)
    with runtime.uow() as uow:
        _rename_by_sql_and_copy_an_event_in_the_session(uow, case)
        assert uow.session.get_one(Case, case.id).title == "renamed"  # sees the SQL's write
    # Not committed: neither the SQL nor the session's object stayed.
    with runtime.uow() as uow:
        assert uow.session.get_one(Case, case.id).title == case.title
    assert _events(runtime, case.id) == before


def test_committing_keeps_both(runtime, case):
    before = _events(runtime, case.id)
    with runtime.uow() as uow:
        _rename_by_sql_and_copy_an_event_in_the_session(uow, case)
        uow.commit()
    with runtime.uow() as uow:
        assert uow.session.get_one(Case, case.id).title == "renamed"
    assert _events(runtime, case.id) == before + 1
