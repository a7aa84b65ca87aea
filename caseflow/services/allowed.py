"""Who an actor is on a case and what they may do to it now: the guard's inputs, shared by
the action verb (caseflow.services.actions) and the reads that list the allowed actions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from caseflow.domain.policy import Actor, CaseFacts, allowed_actions
from caseflow.models import Case, User
from caseflow.rules import RuleSet
from caseflow.services.caserow import CaseRow
from caseflow.services.grid.memberships import actor_on
from caseflow.services.visibility import Viewer


def actor_for(session: Session | Connection, user: User | Viewer, case: Case | CaseRow) -> Actor:
    """The actor a staff user is on this case, given where their units stand (the
    membership nearest the holder decides)."""
    return actor_on(session, user, case.unit_id, case.id)


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
