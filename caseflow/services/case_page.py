"""What the staff case page shows, gathered in one read through the read policy: the case
as the viewer may see it, its path, clocks, history and the actions they may take."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select

from caseflow.domain.due import clock_due_status
from caseflow.domain.due import due_status as case_due_status
from caseflow.domain.lifecycle import DEPARTMENT_ACTIONS, IRREVERSIBLE_ACTIONS
from caseflow.models import Attachment, Case, Unit, User
from caseflow.rules import RuleSet
from caseflow.services.allowed import actions_for, actor_for
from caseflow.services.attachments import photos_for
from caseflow.services.calendars import clock_labels
from caseflow.services.case_views import read_case, shown_case
from caseflow.services.dispatch.views import (
    Department,
    DispatchView,
    dispatch_choices,
    dispatch_views,
)
from caseflow.services.grid.proxy import ProxyView, proxy_of
from caseflow.services.timeline import TimelineEntry, timeline
from caseflow.services.units import unit_path
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import Viewer
from caseflow.services.voices import Voice, voices_of

PAUSED_STATES = ("on_hold", "deferred")
DISPATCH_PANEL_ACTIONS = DEPARTMENT_ACTIONS | {"confirm_dispatch", "reject_dispatch",
                                               "dispatch_escalate"}
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
class Colleague:
    """Someone of the holding unit the case can be assigned to."""

    id: int
    username: str
    display_name: str


@dataclass(frozen=True)
class LikelyDuplicate:
    """The earlier case a new one probably repeats (flagged at submission)."""

    ref: str
    title: str
    state: str
    submitted_at: datetime


@dataclass
class CaseView:
    """Everything the case page renders."""

    case: SimpleNamespace
    path: list[Unit]
    place_path: list[Unit]
    clocks: list[ClockView]
    due: str
    events: list[TimelineEntry]
    actions: list[str]
    irreversible: frozenset[str]
    colleagues: list[Colleague]
    assignee: str
    # The calendar each clock follows, by clock name ("" default, None wall-clock time).
    calendars: dict[str, str | None] = field(default_factory=dict)
    # 代办: who submitted the case for its resident, and the consent they recorded.
    on_behalf: ProxyView | None = None
    # The photos and links the viewer may see (visibility.sees_photo), and the voices (附议).
    photos: list[Attachment] = field(default_factory=list)
    voices: list[Voice] = field(default_factory=list)
    duplicate_of: LikelyDuplicate | None = None
    # 部门解题: the case's dispatches and the departments it may be sent to.
    dispatches: list[DispatchView] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)


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


def case_page(uow: UnitOfWork, rules: RuleSet, viewer: Viewer, key: str | int, now: datetime
              ) -> CaseView:
    """A case in the viewer's jurisdiction as its page shows it (PermissionDenied outside
    it); a full read of personal data is audited, and that audit committed."""
    session = uow.session
    case = read_case(uow, viewer, key, now, purpose="page")
    actor = actor_for(session, viewer, case)
    actions = actions_for(rules, case, actor, now)
    dispatches = dispatch_views(session, viewer, actor, actions, case, now)
    departments = dispatch_choices(session, rules, actions, case)
    # Dispatch work is acted on per dispatch (its own panel); `dispatch` needs a department.
    actions = [a for a in actions if a not in DISPATCH_PANEL_ACTIONS
               and (a != "dispatch" or departments)]
    colleagues = [
        Colleague(user.id, user.username, user.display_name)
        for user in session.scalars(select(User).where(User.unit_id == case.unit_id, User.active)
                                    .order_by(User.username))
    ]
    assignee = session.get(User, case.assignee_id) if case.assignee_id else None
    if case.duplicate_of_id is None:  # nothing to unlink: not offered
        actions = [a for a in actions if a != "unlink_duplicate"]
    return CaseView(
        case=shown_case(case, viewer),
        path=unit_path(session, case.unit_id),
        place_path=unit_path(session, case.place_unit_id),
        clocks=clock_views(case.deadlines, now),
        due=due_status(case, now),
        events=timeline(uow, case.id, viewer, fold=True),
        # The comment box comes last, after the actions that move the case.
        actions=[a for a in actions if a != "comment"] + ["comment"] * ("comment" in actions),
        irreversible=IRREVERSIBLE_ACTIONS,
        colleagues=colleagues,
        assignee=assignee.display_name if assignee else "",
        calendars=clock_labels(rules, case.clocks),
        on_behalf=proxy_of(uow, case.id),
        photos=photos_for(uow, case, viewer),
        voices=voices_of(uow, case.id),
        duplicate_of=_likely_duplicate(uow, case.duplicate_of_id, viewer),
        dispatches=dispatches,
        departments=departments,
    )


def _likely_duplicate(uow: UnitOfWork, case_id: int | None, viewer: Viewer
                      ) -> LikelyDuplicate | None:
    """The earlier case, its free text masked as the viewer reads it (same place, same area)."""
    other = uow.session.get(Case, case_id) if case_id is not None else None
    if other is None:
        return None
    shown = shown_case(other, viewer)
    return LikelyDuplicate(other.ref, shown.title, other.state, other.submitted_at)
