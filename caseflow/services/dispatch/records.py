"""Departments and dispatches: look-ups, the clocks of a new dispatch, and relations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    bindparam,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import Session

from caseflow.domain.errors import InvalidInput
from caseflow.domain.policy import DEPARTMENT, OUTSIDE
from caseflow.models import Case, Dispatch, Unit, UnitClosure
from caseflow.models.dispatches import OPEN_DISPATCH_STATES
from caseflow.rules import RuleSet
from caseflow.services.driver import DriverStatement
from caseflow.services.units import relation, unit_path

DEPARTMENT_KIND = "department"
# The layer at and above which a holder may dispatch (held by a unit of this kind).
DISPATCH_FROM_KIND = "street"


def dispatched_within(area: Select[int]) -> ColumnElement[bool]:
    """Cases with a dispatch at (or first sent to) a department in `area`: what a
    department's staff read. A territorial area holds no department's dispatch of a case
    outside it (a holder sends work only to the district or city above the case)."""
    sent = select(Dispatch.case_id).where(
        or_(Dispatch.department_id.in_(area), Dispatch.first_department_id.in_(area))
    )
    return Case.id.in_(sent)


def case_relation(conn: Session | Connection, unit_id: int | None, case_id: int,
                  holder_unit_id: int) -> str:
    """How a staff member's unit stands to a case: holder, above, department (a department
    the case was dispatched to), or outside."""
    found = relation(conn, unit_id, holder_unit_id)
    if found != OUTSIDE or unit_id is None:
        return found
    sent = conn.scalar(
        select(Dispatch.id).where(
            Dispatch.case_id == case_id,
            or_(Dispatch.department_id == unit_id, Dispatch.first_department_id == unit_id),
        ).limit(1)
    )
    return DEPARTMENT if sent is not None else OUTSIDE


def government_of(session: Session, department: Unit) -> Unit | None:
    """The district or city a department serves: its first ancestor that is no department."""
    return next((unit for unit in reversed(unit_path(session, department.id))
                 if unit.kind != DEPARTMENT_KIND), None)


def departments_serving(session: Session, unit_id: int) -> list[Unit]:
    """The departments a case held by `unit_id` may be sent to: those of the districts and
    cities above it (and their sub-departments), by name."""
    above = select(UnitClosure.ancestor_id).where(UnitClosure.descendant_id == unit_id)
    below = select(UnitClosure.descendant_id).where(UnitClosure.ancestor_id.in_(above))
    return list(session.scalars(
        select(Unit).where(Unit.kind == DEPARTMENT_KIND, Unit.id.in_(below))
        .order_by(Unit.name, Unit.code)
    ))


def department_by_code(session: Session, code: object, serving_unit_id: int) -> Unit:
    """The department `code` names, if it serves the case's holder (InvalidInput otherwise)."""
    if not isinstance(code, str) or not code.strip():
        raise InvalidInput("data.department", "name the code of the department to send it to")
    unit = session.scalar(select(Unit).where(Unit.code == code.strip()))
    if unit is None or unit.kind != DEPARTMENT_KIND:
        raise InvalidInput("data.department", f"unknown department {code!r}")
    if unit.id not in {u.id for u in departments_serving(session, serving_unit_id)}:
        raise InvalidInput("data.department",
                           f"{unit.name} does not serve the district or city of this case")
    return unit


def may_dispatch_from(rules: RuleSet, layer: str) -> bool:
    """Whether a case at `layer` may be dispatched: the street layer or any above it."""
    ranks = {x.id: x.rank for x in rules.layers}
    street = next((x.rank for x in rules.layers if x.unit_kind == DISPATCH_FROM_KIND), None)
    return street is None or ranks.get(layer, -1) >= street


def new_dispatch(session: Session, rules: RuleSet, case_id: int, department: Unit,
                 from_unit_id: int, asked: str, now: datetime) -> Dispatch:
    """A dispatch with fresh clocks from `now` (deadlines.yaml `departments`), added."""
    open_here = session.scalar(select(Dispatch.id).where(
        Dispatch.case_id == case_id, Dispatch.department_id == department.id,
        Dispatch.state.in_(OPEN_DISPATCH_STATES)))
    if open_here is not None:
        raise InvalidInput("data.department", f"{department.name} already has this case")
    record = Dispatch(
        case_id=case_id, department_id=department.id, first_department_id=department.id,
        from_unit_id=from_unit_id, state="submitted", asked=asked, result="",
        return_reason="", dispatched_at=now, rejections=0, supervised=False,
    )
    restart_clocks(rules, record, now)
    session.add(record)
    session.flush()  # the event names the dispatch by id
    return record


def restart_clocks(rules: RuleSet, record: Dispatch, now: datetime) -> None:
    """Both clocks of a dispatch started afresh at `now`."""
    clocks = rules.deadlines.departments
    record.accept_due_at = rules.calendar.add(now, clocks["accept"])
    record.resolve_due_at = rules.calendar.add(now, clocks["resolve"])
    record.escalated_clock = None


# Built once: how many of a case's dispatches are still open. The resolve guard asks it on
# every resolve, so it runs on the action path's connection and the driver's cursor (through
# Core it cost a resolve ~0.2 ms); the states are our own constants, written into the SQL.
_OPEN_COUNT = DriverStatement(
    select(func.count().label("waiting")).select_from(Dispatch)
    .where(Dispatch.case_id == bindparam("case"),
           Dispatch.state.in_([literal_column(f"'{state}'") for state in OPEN_DISPATCH_STATES]))
)


def count_open(conn: Connection, case_id: int) -> int:
    """How many of the case's dispatches wait on a department or on the holder."""
    row = _OPEN_COUNT.first(conn, {"case": case_id})
    return int(row["waiting"]) if row else 0


def open_dispatches(session: Session, case_id: int) -> list[Dispatch]:
    """A case's dispatches still waiting on a department or on the holder, oldest first."""
    return list(session.scalars(
        select(Dispatch).where(Dispatch.case_id == case_id,
                               Dispatch.state.in_(OPEN_DISPATCH_STATES))
        .order_by(Dispatch.id)
    ))
