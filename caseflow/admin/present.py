"""What the case pages show, gathered in one read: the case, its path, clocks and history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from caseflow.domain.due import clock_due_status
from caseflow.domain.due import due_status as case_due_status
from caseflow.domain.lifecycle import IRREVERSIBLE_ACTIONS
from caseflow.domain.policy import Actor
from caseflow.models import Case, CaseEvent, Unit, User
from caseflow.rules import RuleSet
from caseflow.services.actions import actions_for
from caseflow.services.cases import get_case
from caseflow.services.units import unit_path
from caseflow.services.uow import UnitOfWork

PAUSED_STATES = ("on_hold", "deferred")
# A clock's standing (domain.due) as the badges name it: paused is "on_hold", stopped "none".
CLOCK_STATUS = {"overdue": "overdue", "warning": "warning", "on_time": "on_time",
                "paused": "on_hold", "met": "none", "late": "none"}


@dataclass(frozen=True)
class ClockView:
    """One deadline of a case as a reader sees it."""

    name: str
    due_at: datetime | None
    stopped_at: datetime | None
    status: str
    remaining: timedelta | None


@dataclass(frozen=True)
class EventView:
    """One line of the timeline."""

    at: datetime
    who: str
    role: str
    action: str
    from_state: str | None
    to_state: str
    note: str
    data: dict[str, Any]


@dataclass
class CaseView:
    """Everything the case page renders."""

    case: Case
    path: list[Unit]
    place_path: list[Unit]
    clocks: list[ClockView]
    due: str
    events: list[EventView]
    actions: list[str]
    irreversible: frozenset[str]
    colleagues: list[User]
    assignee: str


def _when(raw: str | None) -> datetime | None:
    return datetime.fromisoformat(raw) if raw else None


def clock_views(deadlines: dict[str, Any], now: datetime) -> list[ClockView]:
    """Each clock with its status (domain.due.clock_due_status): overdue, warning, on time,
    paused (on_hold) or stopped (none)."""
    views = []
    for name, entry in deadlines.items():
        due, stopped = _when(entry.get("due_at")), _when(entry.get("stopped_at"))
        status = CLOCK_STATUS.get(clock_due_status(entry, now), "none")
        remaining = due - now if due is not None and stopped is None else None
        views.append(ClockView(name, due, stopped, status, remaining))
    return sorted(views, key=lambda view: (view.due_at is None, view.due_at or now, view.name))


def due_status(case: Any, now: datetime) -> str:
    """The colour of a case in lists: the one definition of overdue and warning
    (domain.due), and "paused" for a case on hold or deferred that is neither."""
    status = case_due_status(case.overdue_from, case.warning_from, now)
    if status in ("overdue", "warning"):
        return status
    return "on_hold" if case.state in PAUSED_STATES else status


def case_events(uow: UnitOfWork, case_id: int) -> list[EventView]:
    """The timeline, oldest first, naming staff by their display names."""
    rows = uow.session.execute(
        select(CaseEvent, User.display_name)
        .outerjoin(User, User.id == CaseEvent.actor_id)
        .where(CaseEvent.case_id == case_id)
        .order_by(CaseEvent.id)
    )
    return [
        EventView(e.at, name or e.actor_label, e.actor_role, e.action, e.from_state, e.to_state,
                  e.note, dict(e.data or {}))
        for e, name in rows
    ]


def case_view(uow: UnitOfWork, rules: RuleSet, ref: str, actor_of: Any, now: datetime) -> CaseView:
    """Read a case for its page; `actor_of(session, case)` says who is looking (or None)."""
    session = uow.session
    case = get_case(session, ref)
    actor: Actor | None = actor_of(session, case)
    actions = [a for a in actions_for(rules, case, actor, now)] if actor else []
    colleagues = list(session.scalars(
        select(User).where(User.unit_id == case.unit_id, User.active).order_by(User.username)))
    assignee = session.get(User, case.assignee_id) if case.assignee_id else None
    return CaseView(
        case=case,
        path=unit_path(session, case.unit_id),
        place_path=unit_path(session, case.place_unit_id),
        clocks=clock_views(case.deadlines, now),
        due=due_status(case, now),
        events=case_events(uow, case.id),
        actions=[a for a in actions if a != "comment"] + (["comment"] if "comment" in actions
                                                          else []),
        irreversible=IRREVERSIBLE_ACTIONS,
        colleagues=colleagues,
        assignee=assignee.display_name if assignee else "",
    )


@dataclass(frozen=True)
class Place:
    """A complex or building a resident can pick, named with its complex."""

    code: str
    label: str


def places(uow: UnitOfWork) -> list[Place]:
    """Complexes and their buildings, in tree order, for the grievance forms."""
    rows = uow.session.execute(
        select(Unit.code, Unit.name, Unit.kind, Unit.id, Unit.parent_id)
        .where(Unit.kind.in_(("complex", "building")))
        .order_by(Unit.id)
    ).all()
    names = {row.id: row.name for row in rows if row.kind == "complex"}
    result = []
    for row in rows:
        if row.kind == "complex":
            result.append(Place(row.code, row.name))
        elif row.parent_id in names:
            result.append(Place(row.code, f"{names[row.parent_id]} · {row.name}"))
    return sorted(result, key=lambda place: place.label)


def grievance(form: Any, channel: str) -> dict[str, Any]:
    """A submission as submit_case expects it, from the grievance form."""
    reporter: dict[str, Any] = {"name": form.get("name", ""), "phone": form.get("phone", "")}
    for flag in ("elderly", "disabled"):
        if form.get(flag):
            reporter[flag] = True
    return {
        "title": form.get("title", ""),
        "description": form.get("description", ""),
        "category": form.get("category", ""),
        "unit": form.get("unit", ""),
        "channel": channel,
        "reporter": reporter,
    }


def tracked_case(uow: UnitOfWork, ref: str, token: str) -> Case:
    """The case a tracking link names, only with its token (NotFound otherwise)."""
    from caseflow.domain.errors import NotFound
    from caseflow.services.cases import hash_token

    try:
        case = get_case(uow.session, ref)
    except NotFound:
        raise NotFound("case") from None
    if not token or hash_token(token) != case.tracking_token_hash:
        raise NotFound("case")
    return case


def masked(name: str) -> str:
    """刘女士 → 刘**: the public page never shows who reported."""
    return (name[:1] + "*" * max(len(name) - 1, 1)) if name else ""
