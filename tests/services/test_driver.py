"""Statements run on the driver's cursor give what Core gives, and fail as Core fails."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, event, insert, select
from sqlalchemy.exc import IntegrityError

from caseflow.models import Case, CaseEvent
from caseflow.services.caserow import BY_ID
from caseflow.services.cases import submit_case
from caseflow.services.driver import DriverStatement
from tests.factories import RESIDENT, build_tree, submission


@pytest.fixture
def case(runtime):
    build_tree(runtime)
    with runtime.uow() as uow:
        return submit_case(uow, runtime.rules(), submission(), RESIDENT, runtime.now())[0]


@pytest.mark.parametrize("listened", [False, True])
def test_a_row_reads_as_core_reads_it(runtime, case, listened):
    """Aware datetimes, JSON, booleans — also when a listener makes it go through Core."""
    seen = []
    if listened:
        event.listen(runtime.engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    with runtime.engine.connect() as conn:
        core = conn.execute(BY_ID.statement, {"key": case.id}).mappings().one()
        driven = BY_ID.first(conn, {"key": case.id})
    assert driven == dict(core)
    assert driven["next_due_at"].tzinfo is not None and isinstance(driven["clocks"], dict)
    assert len(seen) == (2 if listened else 0)


def test_a_violated_constraint_raises_sqlalchemys_error(runtime, case):
    first_event = select(CaseEvent).where(CaseEvent.case_id == case.id).limit(1)
    with runtime.uow() as uow:
        row = {
            column.key: getattr(uow.session.scalars(first_event).one(), column.key)
            for column in CaseEvent.__table__.columns
        }
        with pytest.raises(IntegrityError):
            DriverStatement(insert(CaseEvent.__table__)).inserted_id(uow.session.connection(), row)


def test_an_insert_hands_back_the_new_key(runtime, case):
    with runtime.uow() as uow:
        conn = uow.session.connection()
        new_id = DriverStatement(insert(CaseEvent.__table__)).inserted_id(conn, {
            "case_id": case.id, "at": runtime.now(), "actor_id": None, "actor_role": "system",
            "actor_label": "test", "action": "comment", "from_state": "submitted",
            "to_state": "submitted", "from_layer": case.layer, "to_layer": case.layer,
            "from_unit_id": case.unit_id, "to_unit_id": case.unit_id, "note": "n",
            "data": {"k": [1]},
        })
        stored = uow.session.get_one(CaseEvent, new_id)
        assert (stored.case_id, stored.data) == (case.id, {"k": [1]})
        assert uow.session.get_one(Case, case.id).ref == case.ref


def test_a_column_reads_every_row(runtime, case):
    """The first column of every row, converted as Core converts it (aware datetimes)."""
    times = DriverStatement(select(CaseEvent.at).where(CaseEvent.case_id == bindparam("case")))
    with runtime.engine.connect() as conn:
        core = tuple(conn.scalars(times.statement, {"case": case.id}).all())
        driven = times.column(conn, {"case": case.id})
    assert driven == core and driven and all(at.tzinfo is not None for at in driven)
