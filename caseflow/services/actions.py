"""Acting on a case: permission, lifecycle transition, side effects, event, one commit."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from caseflow.domain import lifecycle
from caseflow.domain.errors import (
    ActionNotAllowed,
    InvalidInput,
    PermissionDenied,
    StaleVersion,
)
from caseflow.domain.metrics import late_clocks
from caseflow.domain.notes import note_visibility
from caseflow.domain.policy import OWNER, Actor, CaseFacts, allowed_actions, may_take
from caseflow.models import Case, User
from caseflow.rules import RuleSet
from caseflow.services.caserow import CaseRow, insert_event, load_case_row, save_case_row
from caseflow.services.casework import refresh_deadlines
from caseflow.services.charges import charge_late_clocks
from caseflow.services.dispatch.records import case_relation
from caseflow.services.handlers import HANDLERS, Step, plain_handler
from caseflow.services.queries import visible_case_id
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import Viewer

NOTE_REQUIRED = frozenset(
    {"return", "reject", "defer", "withdraw", "request_extension", "comment", "hold"}
)


def actor_for(session: Session | Connection, user: User | Viewer, case: Case | CaseRow) -> Actor:
    """The actor a staff user is on this case, given where their unit stands."""
    return Actor(
        role=user.role,
        relation=case_relation(session, user.unit_id, case.id, case.unit_id),
        user_id=user.id,
        label=user.username,
    )


def facts_of(case: Case | CaseRow) -> CaseFacts:
    """The guard inputs read from a case row."""
    return CaseFacts(
        state=case.state,
        returned=case.returned,
        extension_pending=case.extension_pending,
        assignee_id=case.assignee_id,
        closed_at=case.closed_at,
    )


def actions_for(
    rules: RuleSet, case: Case | CaseRow, actor: Actor, now: datetime
) -> list[str]:
    """What this actor may do to this case now."""
    return allowed_actions(
        facts_of(case), actor, rules.may, now, rules.settings.reopen_window.as_timedelta()
    )


@dataclass(frozen=True)
class Acted:
    """What an action left behind: the case's new version and where it stands, and the event."""

    case_id: int
    ref: str
    version: int
    state: str
    layer: str
    unit_id: int
    event_id: int


def take_action(
    uow: UnitOfWork,
    rules: RuleSet,
    key: str | int,
    action: str,
    actor: Actor | User | Viewer,
    now: datetime,
    note: str = "",
    data: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
    event_facts: Mapping[str, Any] | None = None,
    visibility: str | None = None,
) -> Acted:
    """Apply one action and its event inside the caller's unit of work (no commit).

    The hot path: one SELECT of the case, the same checks and handlers as ever, one
    versioned UPDATE, the event and its outbox row (caseflow.services.caserow), on the unit
    of work's connection; its ORM session opens only if a handler or a lookup needs it.
    `event_facts` lets a composing service (e.g. meetings: kind, round) add what it knows to
    the event, so the event and its notification carry them from the start.
    `visibility` is who reads the note: internal (staff, the default) or public (a reply to
    the resident); a resident's own note is always public (caseflow.domain.notes).
    """
    conn = uow.connection()  # no ORM session unless a step needs one (caseflow.services.uow)
    case = load_case_row(uow, conn, key)
    if expected_version is not None and expected_version != case.version:
        raise StaleVersion(case.version)
    who = actor if isinstance(actor, Actor) else actor_for(conn, actor, case)
    _check_allowed(rules, case, who, action, now)
    note = (note or "").strip()
    shown_to = note_visibility(who.relation, visibility)
    if action in NOTE_REQUIRED and not note:
        raise InvalidInput("note", f"a note is required to {action}")
    step = Step(uow, case, rules, who, now, note, data or {})
    before = (case.state, case.layer, case.unit_id)
    late = late_clocks(case.deadlines, now)  # judged where they ran, before the case moves
    session = uow.opened_session
    # A composing service's pending objects wait for its commit.
    with session.no_autoflush if session is not None else nullcontext():
        HANDLERS.get(action, plain_handler(action))(step)
    if case.state != lifecycle.RESOLVED:
        case.auto_close_at = None
    elif before[0] != lifecycle.RESOLVED:
        case.auto_close_at = rules.calendar.add(now, rules.settings.auto_close_after)
    case.updated_at = now
    # Stored deadlines still hold when this action kept the clocks and comes after every
    # earlier change (each one moves updated_at); then they advance without the history.
    current = case.clocks == case.loaded("clocks") and now >= case.loaded("updated_at")
    met = refresh_deadlines(conn, case, rules, now, (now, action, case.state), current)
    moved = (case.layer, case.unit_id) != before[1:]
    ended_late = {n: due for n, due in late.items() if moved or met.get(n) is False}
    _note_clocks_met(case, action, met, ended_late, step.event_data)
    step.event_data.update(event_facts or {})
    save_case_row(uow, case)
    event_id = insert_event(
        conn, case, who, action, now, before, note, step.event_data, shown_to
    )
    charge_late_clocks(conn, case.id, before[2], before[1], ended_late, now, action)
    return Acted(case.id, case.ref, case.version, case.state, case.layer, case.unit_id, event_id)


def apply_action(
    uow: UnitOfWork,
    rules: RuleSet,
    key: str | int,
    action: str,
    actor: Actor | User | Viewer,
    now: datetime,
    note: str = "",
    data: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
    event_facts: Mapping[str, Any] | None = None,
    visibility: str | None = None,
) -> Case:
    """`take_action`, handing back the case as an ORM object for the caller to render.

    A case the session held is returned brought up to date; otherwise it is loaded (with
    its units) after the write, in the same transaction.
    """
    acted = take_action(
        uow, rules, key, action, actor, now, note, data, expected_version, event_facts,
        visibility,
    )
    return uow.session.get_one(Case, acted.case_id)


def act(
    uow: UnitOfWork,
    rules: RuleSet,
    key: str | int,
    action: str,
    actor: Actor | User | Viewer,
    now: datetime,
    note: str = "",
    data: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
    visibility: str | None = None,
) -> Acted:
    """Apply one action as one transaction with its event; stale versions raise StaleVersion.

    For callers that do not show the case afterwards (no ORM object is built).
    """
    acted = take_action(
        uow, rules, key, action, actor, now, note, data, expected_version, None, visibility
    )
    uow.commit()
    return acted


def act_on_case(
    uow: UnitOfWork,
    rules: RuleSet,
    key: str | int,
    action: str,
    actor: Actor | User | Viewer,
    now: datetime,
    note: str = "",
    data: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
    visibility: str | None = None,
) -> Case:
    """`act`, handing back the case as it now is (an ORM object, usable after the session),
    and commit. A staff member acts only on cases in their jurisdiction (403 outside it)."""
    if not isinstance(actor, Actor):
        key = visible_case_id(uow, actor, key)
    case = apply_action(
        uow, rules, key, action, actor, now, note, data, expected_version, None, visibility
    )
    uow.commit()
    return case


def _note_clocks_met(
    case: CaseRow, action: str, met: dict[str, bool], ended_late: dict[str, datetime],
    data: dict[str, Any],
) -> None:
    """Keep which clocks this action stopped in time: the response and on-time rates.

    The flags mean "on time at every layer" (docs/metrics.md §On time): once a layer let
    the accept (resolve) clock pass, `accepted_on_time` (`resolved_on_time`) stays False,
    wherever the case is accepted (resolved) later.
    """
    if met:
        data["clocks_met"] = met
    if "accept" in ended_late:
        case.accepted_on_time = False
    elif action == "accept" and "accept" in met and case.accepted_on_time is None:
        case.accepted_on_time = met["accept"]
    if "resolve" in ended_late:
        case.resolved_on_time = False
    elif case.state == lifecycle.RESOLVED and "resolve" in met:
        case.resolved_on_time = met["resolve"] and case.resolved_on_time is not False


def _check_allowed(
    rules: RuleSet, case: CaseRow, actor: Actor, action: str, now: datetime
) -> None:
    window = rules.settings.reopen_window.as_timedelta()
    if may_take(facts_of(case), actor, action, rules.may, now, window):
        return
    allowed = actions_for(rules, case, actor, now)
    if action not in lifecycle.actions_in_state(case.state):
        raise ActionNotAllowed(action, case.state, allowed)
    if actor.relation != OWNER and not rules.may(actor.role, action) and actor.role != "admin":
        raise PermissionDenied(f"role {actor.role} may not {action}")
    if actor.relation not in ("holder", "above", OWNER) and actor.role not in ("admin", "system"):
        raise PermissionDenied("this case is outside your jurisdiction")
    raise ActionNotAllowed(action, case.state, allowed)
