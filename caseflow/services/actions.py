"""Acting on a case: permission, lifecycle transition, side effects, event, one commit."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from caseflow.domain import lifecycle
from caseflow.domain.errors import (
    ActionNotAllowed,
    InvalidInput,
    PermissionDenied,
    StaleVersion,
)
from caseflow.domain.policy import OWNER, Actor, CaseFacts, allowed_actions
from caseflow.models import Case, User
from caseflow.rules import RuleSet
from caseflow.services.cases import get_case
from caseflow.services.casework import record_event, refresh_deadlines
from caseflow.services.handlers import HANDLERS, Step, plain_handler
from caseflow.services.units import relation
from caseflow.services.uow import UnitOfWork

NOTE_REQUIRED = frozenset(
    {"return", "reject", "defer", "withdraw", "request_extension", "comment", "hold"}
)


def actor_for(session: Session, user: User, case: Case) -> Actor:
    """The actor a staff user is on this case, given where their unit stands."""
    return Actor(
        role=user.role,
        relation=relation(session, user.unit_id, case.unit_id),
        user_id=user.id,
        label=user.username,
    )


def facts_of(case: Case) -> CaseFacts:
    """The guard inputs read from a case row."""
    return CaseFacts(
        state=case.state,
        returned=case.returned,
        extension_pending=case.extension_pending,
        assignee_id=case.assignee_id,
        closed_at=case.closed_at,
    )


def actions_for(rules: RuleSet, case: Case, actor: Actor, now: datetime) -> list[str]:
    """What this actor may do to this case now."""
    return allowed_actions(
        facts_of(case), actor, rules.may, now, rules.settings.reopen_window.as_timedelta()
    )


def apply_action(
    uow: UnitOfWork,
    rules: RuleSet,
    key: str | int,
    action: str,
    actor: Actor | User,
    now: datetime,
    note: str = "",
    data: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
    event_facts: Mapping[str, Any] | None = None,
) -> Case:
    """Apply one action and its event inside the caller's unit of work (no commit).

    `event_facts` lets a composing service (e.g. meetings: kind, round) add what it knows to
    the event, so the event and its notification carry them from the start.
    """
    session = uow.session
    case = get_case(session, key)
    if expected_version is not None and expected_version != case.version:
        raise StaleVersion(case.version)
    who = actor_for(session, actor, case) if isinstance(actor, User) else actor
    _check_allowed(rules, case, who, action, now)
    note = (note or "").strip()
    if action in NOTE_REQUIRED and not note:
        raise InvalidInput("note", f"a note is required to {action}")
    step = Step(session, case, rules, who, now, note, data or {})
    before = (case.state, case.layer, case.unit_id)
    with session.no_autoflush:  # one UPDATE per action: lookups must not flush half a change
        HANDLERS.get(action, plain_handler(action))(step)
    if case.state != lifecycle.RESOLVED:
        case.auto_close_at = None
    elif before[0] != lifecycle.RESOLVED:
        case.auto_close_at = rules.calendar.add(now, rules.settings.auto_close_after)
    case.updated_at = now
    flag_modified(case, "updated_at")  # every action bumps the version, even a bare comment
    met = refresh_deadlines(session, case, rules, now, pending=(now, action, case.state))
    _note_clocks_met(case, action, met, step.event_data)
    step.event_data.update(event_facts or {})
    record_event(session, case, who, action, now, before, note, step.event_data)
    return case


def act_on_case(
    uow: UnitOfWork,
    rules: RuleSet,
    key: str | int,
    action: str,
    actor: Actor | User,
    now: datetime,
    note: str = "",
    data: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
) -> Case:
    """Apply one action as one transaction with its event; stale versions raise StaleVersion."""
    case = apply_action(uow, rules, key, action, actor, now, note, data, expected_version)
    try:
        uow.commit()
    except StaleDataError:
        uow.session.rollback()
        current = uow.session.scalar(select(Case.version).where(Case.id == case.id))
        raise StaleVersion(current) from None
    return case


def _note_clocks_met(case: Case, action: str, met: dict[str, bool], data: dict[str, Any]) -> None:
    """Keep which clocks this action stopped in time: the response and on-time rates."""
    if not met:
        return
    data["clocks_met"] = met
    if action == "accept" and "accept" in met and case.accepted_on_time is None:
        case.accepted_on_time = met["accept"]
    if case.state == lifecycle.RESOLVED and "resolve" in met:
        case.resolved_on_time = met["resolve"]


def _check_allowed(rules: RuleSet, case: Case, actor: Actor, action: str, now: datetime) -> None:
    allowed = actions_for(rules, case, actor, now)
    if action in allowed:
        return
    if action not in lifecycle.actions_in_state(case.state):
        raise ActionNotAllowed(action, case.state, allowed)
    if actor.relation != OWNER and not rules.may(actor.role, action) and actor.role != "admin":
        raise PermissionDenied(f"role {actor.role} may not {action}")
    if actor.relation not in ("holder", "above", OWNER) and actor.role not in ("admin", "system"):
        raise PermissionDenied("this case is outside your jurisdiction")
    raise ActionNotAllowed(action, case.state, allowed)
