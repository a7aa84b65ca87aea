"""What a case page shows of a case's dispatches, and which of them this reader may act on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseflow.domain.lifecycle import DEPARTMENT_ACTIONS, HOLDER_DISPATCH_ACTIONS
from caseflow.domain.policy import DEPARTMENT, Actor
from caseflow.models import Dispatch, Unit
from caseflow.rules import RuleSet
from caseflow.services.actions import actions_for, actor_for
from caseflow.services.dispatch.records import departments_serving, may_dispatch_from
from caseflow.services.queries import visible_case
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import Viewer, shown_text

# What a dispatch in each state waits for, and from whom.
_NEXT = {
    "submitted": ("dispatch_accept", "dispatch_resolve", "dispatch_return"),
    "accepted": ("dispatch_resolve", "dispatch_return"),
    "resolved": ("confirm_dispatch", "reject_dispatch"),
}


@dataclass(frozen=True)
class DispatchView:
    """One dispatch as its reader sees it, with the actions they may take on it now."""

    id: int
    department_code: str
    department_name: str
    state: str
    asked: str
    result: str
    return_reason: str
    dispatched_at: datetime
    accept_due_at: datetime
    resolve_due_at: datetime
    accepted_at: datetime | None
    resolved_at: datetime | None
    overdue: bool
    supervised: bool
    rejections: int
    actions: tuple[str, ...]


@dataclass(frozen=True)
class Department:
    """A department a case may be sent to (the dispatch form's choices)."""

    code: str
    name: str


def is_overdue(record: Dispatch, now: datetime) -> bool:
    """A running dispatch clock past its deadline (accept while waiting, resolve while worked)."""
    if record.state == "submitted":
        return record.accept_due_at <= now
    return record.state == "accepted" and record.resolve_due_at <= now


def dispatch_views(session: Session, viewer: Viewer, actor: Actor, allowed: list[str],
                   case: Any, now: datetime) -> list[DispatchView]:
    """The case's dispatches, oldest first; `allowed` are the case actions the actor may take
    (caseflow.services.actions.actions_for), narrowed here to each dispatch's state and side."""
    rows = session.execute(
        select(Dispatch, Unit).join(Unit, Unit.id == Dispatch.department_id)
        .where(Dispatch.case_id == case.id).order_by(Dispatch.id)
    ).all()
    views = []
    for record, unit in rows:
        mine = actor.relation == DEPARTMENT and viewer.unit_id == record.department_id
        side = DEPARTMENT_ACTIONS if mine or actor.role == "admin" else frozenset()
        if actor.relation != DEPARTMENT:
            side = side | HOLDER_DISPATCH_ACTIONS
        actions = tuple(a for a in _NEXT.get(record.state, ()) if a in side and a in allowed)
        views.append(DispatchView(
            record.id, unit.code, unit.name, record.state,
            shown_text(record.asked, viewer, case), shown_text(record.result, viewer, case),
            shown_text(record.return_reason, viewer, case), record.dispatched_at,
            record.accept_due_at, record.resolve_due_at, record.accepted_at,
            record.resolved_at, is_overdue(record, now), record.supervised,
            record.rejections, actions,
        ))
    return views


def dispatch_choices(session: Session, rules: RuleSet, allowed: list[str], case: Any
                     ) -> list[Department]:
    """The departments this case may be sent to now (none when the actor may not dispatch)."""
    if "dispatch" not in allowed or not may_dispatch_from(rules, case.layer):
        return []
    return [Department(u.code, u.name) for u in departments_serving(session, case.unit_id)]


def case_dispatches(uow: UnitOfWork, rules: RuleSet, viewer: Viewer, key: str | int,
                    now: datetime) -> list[DispatchView]:
    """A case's dispatches as `viewer` may read them (PermissionDenied outside their view),
    each with the actions they may take on it now."""
    case = visible_case(uow, viewer, key)
    actor = actor_for(uow.session, viewer, case)
    return dispatch_views(uow.session, viewer, actor, actions_for(rules, case, actor, now),
                          case, now)


@dataclass(frozen=True)
class DispatchMark:
    """Where a case listed in a department's inbox stands for that department."""

    state: str
    overdue: bool


def inbox_marks(session: Session, unit_id: int | None, case_ids: list[int], now: datetime
                ) -> dict[int, DispatchMark]:
    """For a department's reader, its latest dispatch of each listed case (empty for anyone
    else: one probe of the department index finds nothing)."""
    if unit_id is None or not case_ids:
        return {}
    rows = session.scalars(
        select(Dispatch).where(Dispatch.department_id == unit_id,
                               Dispatch.case_id.in_(case_ids)).order_by(Dispatch.id))
    return {row.case_id: DispatchMark(row.state, is_overdue(row, now)) for row in rows}
