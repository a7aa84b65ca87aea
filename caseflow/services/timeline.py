"""What a viewer sees of a case's history: the one timeline every edge shows.

Staff (any staff role) see every event with its note and the name of the staff member who
acted. Residents and the public see, written once here for the tracking page, the resident
API and Open311:
- the replies (events whose note is public), with the note's phone and ID numbers masked;
- the state changes and moves to another layer or unit, without an internal note's text;
- the handling unit's name in place of the person who acted: never a staff name or username;
- the expected times: the deadlines of the clocks still running.
Everything else (internal comments, warnings, supervision marks) stays with staff; which
photos a resident sees is decided by visibility.sees_photo (services/attachments.py).
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import aliased

from caseflow.domain.errors import NotFound, PermissionDenied
from caseflow.domain.lifecycle import FINAL_STATES, RESOLVED
from caseflow.domain.notes import INTERNAL, PUBLIC_REPLY
from caseflow.models import Case, CaseEvent, Unit, User
from caseflow.services.cases import get_case, hash_token
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import RESIDENT, Viewer, resident, shown_name, shown_text

# The only roles residents and the public read: who acted, never which staff role or person.
RESIDENT_ROLE, SYSTEM_ROLE, STAFF_ROLE = "resident", "system", "staff"


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a case's history as one viewer may read it."""

    id: int
    at: datetime
    action: str
    actor_role: str  # for residents and the public: resident, staff or system only
    actor_label: str  # a staff member's name for staff; the handling unit's name otherwise
    from_state: str | None
    to_state: str
    from_layer: str | None
    to_layer: str
    note: str
    visibility: str
    data: dict[str, Any] = field(default_factory=dict)
    # A run of identical system marks (warnings) shown once: how many, and the last one's time.
    repeats: int = 1
    until: datetime | None = None

    @property
    def who(self) -> str:
        """Who acted, as the viewer may know them."""
        return self.actor_label

    @property
    def role(self) -> str:
        """The role of who acted, as the viewer may know it."""
        return self.actor_role

    @property
    def is_reply(self) -> bool:
        """A note written for the resident (or by them)."""
        return self.visibility == PUBLIC_REPLY


@dataclass(frozen=True)
class ExpectedTime:
    """When the resident can expect the next step: a running clock's deadline."""

    clock: str
    due_at: datetime


def shown_to_public() -> ColumnElement[bool]:
    """The events a resident or the public sees: replies, state changes and moves."""
    event = CaseEvent.__table__.c
    return or_(
        event.visibility == PUBLIC_REPLY,
        event.from_state.is_(None),  # the submission
        event.from_state.is_distinct_from(event.to_state),
        event.from_layer.is_distinct_from(event.to_layer),
        event.from_unit_id.is_distinct_from(event.to_unit_id),
    )


def _query(case_ids: Sequence[int], viewer: Viewer) -> Select[CaseEvent, str, str]:
    event = CaseEvent.__table__.c
    holder = aliased(Unit)
    query = (
        select(CaseEvent, User.display_name, holder.name)
        .outerjoin(User, User.id == event.actor_id)
        .outerjoin(holder, holder.id == event.to_unit_id)
        .where(event.case_id.in_(list(case_ids)))
    )
    return query if viewer.sees_internal_notes else query.where(shown_to_public())


def _entry(event: CaseEvent, staff_name: str | None, unit_name: str | None,
           viewer: Viewer) -> TimelineEntry:
    if viewer.sees_internal_notes:
        role, label = event.actor_role, staff_name or event.actor_label
        note, data = shown_text(event.note, viewer), dict(event.data or {})
    else:
        role = event.actor_role if event.actor_role in (RESIDENT_ROLE, SYSTEM_ROLE) else STAFF_ROLE
        label = "" if role == RESIDENT_ROLE else (unit_name or "")
        public = event.visibility == PUBLIC_REPLY
        # Event data names staff (an assignee's username) and internal reasons: never shown.
        note, data = (shown_text(event.note, viewer) if public else ""), {}
    return TimelineEntry(
        event.id, event.at, event.action, role, label, event.from_state, event.to_state,
        event.from_layer, event.to_layer, note, event.visibility or INTERNAL, data,
    )


def _check_reader(case_id: int, viewer: Viewer) -> None:
    """A resident reads only the case they proved with its tracking token."""
    if viewer.role == RESIDENT and viewer.case_id != case_id:
        raise PermissionDenied("residents follow their own case only")


def timeline(uow: UnitOfWork, case_id: int, viewer: Viewer, fold: bool = False
             ) -> list[TimelineEntry]:
    """The history of one case as `viewer` may read it, oldest first; with `fold`, a run
    of identical warnings reads as one line with its count and time span.

    The caller has already established that the viewer may read the case at all (staff:
    its jurisdiction; residents: the tracking token; the public: a published case).
    """
    _check_reader(case_id, viewer)
    rows = uow.session.execute(_query([case_id], viewer).order_by(CaseEvent.id))
    entries = [_entry(event, name, unit, viewer) for event, name, unit in rows]
    return fold_repeats(entries) if fold else entries


# Marks the sweep may write again and again while nobody acts; a person's action never folds.
FOLDED_ACTIONS = frozenset({"warn", "supervise"})


def _same_mark(a: TimelineEntry, b: TimelineEntry) -> bool:
    return (a.action in FOLDED_ACTIONS and a.action == b.action and a.note == b.note
            and a.data == b.data and (a.from_state, a.to_state, a.to_layer)
            == (b.from_state, b.to_state, b.to_layer) and a.actor_label == b.actor_label)


def fold_repeats(entries: Sequence[TimelineEntry]) -> list[TimelineEntry]:
    """Consecutive identical warnings as one entry: the first's time, the last's id (so
    "what changed since" still counts from it), how many, and when the last came."""
    folded: list[TimelineEntry] = []
    for entry in entries:
        last = folded[-1] if folded else None
        if last is not None and _same_mark(last, entry):
            folded[-1] = replace(last, id=entry.id, repeats=last.repeats + 1, until=entry.at)
        else:
            folded.append(entry)
    return folded


def latest_timelines(
    uow: UnitOfWork, case_ids: Sequence[int], viewer: Viewer, per_case: int
) -> dict[int, list[TimelineEntry]]:
    """The `per_case` latest entries `viewer` may read of each case, newest first (one query)."""
    if not case_ids:
        return {}
    for case_id in case_ids:
        _check_reader(case_id, viewer)
    rank = func.row_number().over(partition_by=CaseEvent.case_id, order_by=CaseEvent.id.desc())
    ranked = _query(case_ids, viewer).add_columns(rank.label("rank")).subquery()
    chosen = aliased(CaseEvent, ranked)
    rows = uow.session.execute(
        select(chosen, ranked.c.display_name, ranked.c.name)
        .where(ranked.c.rank <= per_case)
        .order_by(ranked.c.case_id, ranked.c.rank)
    )
    lines: dict[int, list[TimelineEntry]] = {}
    for event, name, unit in rows:
        lines.setdefault(event.case_id, []).append(_entry(event, name, unit, viewer))
    return lines


def expected_times(state: str, deadlines: dict[str, Any]) -> list[ExpectedTime]:
    """The deadlines of the clocks still running, soonest first (none once the case is final).

    A stopped clock has done its work, and a paused one (hold, deferral) has no date to tell.
    """
    if state in FINAL_STATES:
        return []
    times = [
        ExpectedTime(name, datetime.fromisoformat(entry["due_at"]))
        for name, entry in deadlines.items()
        if entry and entry.get("due_at") and not entry.get("stopped_at")
        and not entry.get("paused")
    ]
    return sorted(times, key=lambda time: time.due_at)


@dataclass(frozen=True)
class TrackedCase:
    """A case as the resident holding its tracking link follows it."""

    id: int
    ref: str
    title: str
    description: str
    category: str
    state: str
    unit_name: str
    reporter: str  # masked: the page is a link that can be forwarded
    submitted_at: datetime
    satisfaction: str | None
    expected: list[ExpectedTime]
    events: list[TimelineEntry]

    @property
    def can_evaluate(self) -> bool:
        """A resolved case waits for the resident's evaluation."""
        return self.state == RESOLVED


def proved_case(uow: UnitOfWork, ref: str, token: str = "", token_hash: str = "") -> Case:
    """The case `ref` when the tracking token (or its hash, which a resident's signed
    session keeps once they proved the case theirs) matches; NotFound otherwise.

    One answer for an unknown reference and a wrong proof: a link proves nothing else.
    """
    try:
        case = get_case(uow.session, ref)
    except NotFound:
        raise NotFound("case") from None
    shown = hash_token(token) if token else token_hash
    if not shown or not hmac.compare_digest(shown, case.tracking_token_hash):
        raise NotFound("case")
    return case


def tracked_case(uow: UnitOfWork, ref: str, token: str = "", token_hash: str = ""
                 ) -> TrackedCase:
    """The case a tracking link names, as its resident sees it; NotFound without its token."""
    case = proved_case(uow, ref, token, token_hash)
    viewer = resident(case.id)
    return TrackedCase(
        id=case.id, ref=case.ref, title=shown_text(case.title, viewer),
        description=shown_text(case.description, viewer), category=case.category,
        state=case.state,
        unit_name=case.unit.name, reporter=shown_name(case.reporter_name, viewer),
        submitted_at=case.submitted_at, satisfaction=case.satisfaction,
        expected=expected_times(case.state, dict(case.deadlines or {})),
        events=timeline(uow, case.id, viewer),
    )
