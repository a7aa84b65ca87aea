"""Follow-up calls (回访): the street's dispatcher calls the resident of a resolved case.

The sweep opens a call for a resolved case left unevaluated (services.sweeping.grid). The
caller records what the resident answered: a satisfaction level counts as the case's
evaluation (the `evaluate` action, channel `follow_up_call`, so a satisfied answer closes
the case and an unsatisfied one sends it back to work), or `unreachable`, which leaves the
case to its auto-close.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from caseflow.domain import lifecycle
from caseflow.domain.errors import InvalidInput, NotFound, PermissionDenied
from caseflow.domain.policy import OWNER, Actor
from caseflow.models import Case, FollowUpCall, UnitClosure
from caseflow.rules import RuleSet
from caseflow.services.actions import ActionCommand, perform
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import Viewer, area_of, reporter_view, require_staff

CALLERS = frozenset({"admin", "dispatcher", "unit_lead"})
UNREACHABLE = "unreachable"
OUTCOMES = (*lifecycle.SATISFACTION_LEVELS, UNREACHABLE)


@dataclass(frozen=True)
class FollowUpAnswer:
    """What the caller heard: the case, the resident's answer, and a note."""

    viewer: Viewer
    case: str
    outcome: str
    note: str = ""


@dataclass(frozen=True)
class FollowUpItem:
    """One call to make, as the dispatcher's list shows it."""

    case_id: int
    ref: str
    title: str
    reporter: dict[str, object]
    resolved_at: datetime | None
    created_at: datetime
    answered_at: datetime | None
    outcome: str | None


def _calls_in_area(viewer: Viewer) -> Any:
    query = select(FollowUpCall, Case).join(Case, Case.id == FollowUpCall.case_id)
    units = area_of(viewer)
    if units is not None:
        area = select(UnitClosure.descendant_id).where(UnitClosure.ancestor_id.in_(units))
        query = query.where(FollowUpCall.unit_id.in_(area))
    return query


def follow_ups_for(uow: UnitOfWork, viewer: Viewer, answered: bool = False) -> list[FollowUpItem]:
    """The follow-up calls of the viewer's streets: waiting ones (or answered ones)."""
    viewer = require_staff(viewer)
    query = _calls_in_area(viewer).where(
        FollowUpCall.answered_at.is_not(None) if answered else FollowUpCall.answered_at.is_(None)
    ).order_by(FollowUpCall.created_at, FollowUpCall.id)
    return [FollowUpItem(case.id, case.ref, case.title, reporter_view(case, viewer),
                         case.resolved_at, call.created_at, call.answered_at, call.outcome)
            for call, case in uow.session.execute(query)]


def record_follow_up(uow: UnitOfWork, rules: RuleSet, answer: FollowUpAnswer,
                     now: datetime) -> FollowUpItem:
    """Record the resident's answer to a follow-up call, and commit (one transaction with
    the evaluation and its event)."""
    viewer = require_staff(answer.viewer)
    if viewer.role not in CALLERS:
        raise PermissionDenied(f"role {viewer.role} does not make follow-up calls")
    if answer.outcome not in OUTCOMES:
        raise InvalidInput("outcome", f"must be one of {', '.join(OUTCOMES)}")
    key = Case.id == int(answer.case) if str(answer.case).isdigit() else Case.ref == answer.case
    found = uow.session.execute(_calls_in_area(viewer).where(key)).first()
    if found is None:
        if uow.session.scalar(select(Case.id).where(key)) is None:
            raise NotFound(f"case {answer.case}")
        raise PermissionDenied("no follow-up call of your streets is waiting on this case")
    call, case = found
    if call.answered_at is not None:
        raise InvalidInput("case", "this follow-up call has been recorded already")
    if answer.outcome != UNREACHABLE:
        if case.state != lifecycle.RESOLVED:
            raise InvalidInput("case", "the case is no longer waiting for an evaluation")
        # The answer is the resident's; the caller is who recorded it.
        on_behalf = Actor(role="resident", relation=OWNER, user_id=viewer.id,
                          label=viewer.username)
        perform(uow, rules, ActionCommand(
            case.id, "evaluate", on_behalf, answer.note,
            data={"satisfaction": answer.outcome, "channel": "follow_up_call"}), now)
    call.answered_at, call.caller_id, call.outcome = now, viewer.id, answer.outcome
    uow.commit()
    uow.session.refresh(case)
    return FollowUpItem(case.id, case.ref, case.title, reporter_view(case, viewer),
                        case.resolved_at, call.created_at, call.answered_at, call.outcome)
