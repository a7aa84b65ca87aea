"""What the case pages show, gathered in one read: the case, its path, clocks and history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from caseflow.domain.lifecycle import IRREVERSIBLE_ACTIONS
from caseflow.domain.policy import Actor
from caseflow.models import Case, Unit, User
from caseflow.rules import RuleSet
from caseflow.services.actions import actions_for
from caseflow.services.cases import get_case
from caseflow.services.timeline import TimelineEntry, timeline
from caseflow.services.units import unit_path
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import PUBLIC, Viewer

PAUSED_STATES = ("on_hold", "deferred")
# Worst first: the colour of a case is that of its most urgent running clock.
DUE_ORDER = ("overdue", "warning", "on_time", "on_hold", "none")


@dataclass(frozen=True)
class ClockView:
    """One deadline of a case as a reader sees it."""

    name: str
    due_at: datetime | None
    stopped_at: datetime | None
    status: str
    remaining: timedelta | None


@dataclass
class CaseView:
    """Everything the case page renders."""

    case: Case
    path: list[Unit]
    place_path: list[Unit]
    clocks: list[ClockView]
    due: str
    events: list[TimelineEntry]
    actions: list[str]
    irreversible: frozenset[str]
    colleagues: list[User]
    assignee: str


def _when(raw: str | None) -> datetime | None:
    return datetime.fromisoformat(raw) if raw else None


def clock_views(deadlines: dict[str, Any], state: str, now: datetime) -> list[ClockView]:
    """Each clock with its status: overdue, warning, on time, paused or stopped."""
    views = []
    for name, entry in deadlines.items():
        due, stopped = _when(entry.get("due_at")), _when(entry.get("stopped_at"))
        warning = _when(entry.get("warning_at"))
        if stopped is not None:
            status = "none"
        elif entry.get("paused") or state in PAUSED_STATES:
            status = "on_hold"
        elif due is not None and due <= now:
            status = "overdue"
        elif warning is not None and warning <= now:
            status = "warning"
        else:
            status = "on_time" if due is not None else "none"
        remaining = due - now if due is not None and stopped is None else None
        views.append(ClockView(name, due, stopped, status, remaining))
    return sorted(views, key=lambda view: (view.due_at is None, view.due_at or now, view.name))


def due_status(deadlines: dict[str, Any], state: str, now: datetime) -> str:
    """The colour of a case in lists: the most urgent of its clocks."""
    statuses = [view.status for view in clock_views(deadlines, state, now)]
    if state in PAUSED_STATES:
        return "on_hold"
    return min(statuses, key=DUE_ORDER.index, default="none")


def case_events(uow: UnitOfWork, case_id: int, viewer: Viewer) -> list[TimelineEntry]:
    """The timeline as this viewer reads it (written once in caseflow.services.timeline)."""
    return timeline(uow, case_id, viewer)


def _reader(actor: Actor | None) -> Viewer:
    # Whoever acts on the case page is signed-in staff; without an actor, read as the public.
    if actor is None or actor.user_id is None:
        return PUBLIC
    return Viewer(role=actor.role, id=actor.user_id)


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
        clocks=clock_views(case.deadlines, case.state, now),
        due=due_status(case.deadlines, case.state, now),
        events=case_events(uow, case.id, _reader(actor)),
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
