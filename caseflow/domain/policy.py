"""Who may take which action on a case now: lifecycle, role, jurisdiction and guards."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from caseflow.domain.lifecycle import DEPARTMENT_ACTIONS, RESOLVED, actions_in_state

# How the actor's unit stands to the unit holding the case.
HOLDER = "holder"  # the actor's unit holds the case
ABOVE = "above"  # the actor's unit is an ancestor of the holder
OWNER = "owner"  # the resident who submitted it (proved by the tracking token)
OUTSIDE = "outside"
DEPARTMENT = "department"  # the actor's unit is a department the case was dispatched to

SYSTEM_ONLY = frozenset({"warn", "supervise", "dispatch_escalate"})
RESIDENT_ACTIONS = frozenset({"evaluate", "withdraw", "reopen", "comment"})
# Actions the layer above takes on a case held below it.
SUPERVISOR_ACTIONS = frozenset({"approve_extension", "refuse_extension", "reroute", "reassign"})


@dataclass(frozen=True)
class Actor:
    """Someone acting on a case: a user, a resident with a token, or the system."""

    role: str
    relation: str
    user_id: int | None = None
    label: str = ""


SYSTEM = Actor(role="system", relation=ABOVE, label="system")


@dataclass(frozen=True)
class CaseFacts:
    """What the guards need to know about a case, read from its row."""

    state: str
    returned: bool = False
    extension_pending: bool = False
    assignee_id: int | None = None
    closed_at: datetime | None = None


def _relation_allows(actor: Actor, action: str) -> bool:
    if actor.role in ("admin", "system"):
        return True
    if actor.relation == OWNER:
        return action in RESIDENT_ACTIONS
    if actor.relation == DEPARTMENT:
        return action in DEPARTMENT_ACTIONS or action == "comment"
    if action in DEPARTMENT_ACTIONS:
        return False
    if actor.relation == HOLDER:
        return action not in SUPERVISOR_ACTIONS or action in ("reassign",)
    if actor.relation == ABOVE:
        # The layer above sees both cases of a likely duplicate, so it may say they differ.
        return action in SUPERVISOR_ACTIONS or action in ("comment", "unlink_duplicate")
    return False


def _guard(
    case: CaseFacts, actor: Actor, action: str, now: datetime, reopen_window: timedelta
) -> bool:
    if action in ("approve_extension", "refuse_extension"):
        return case.extension_pending
    if action == "request_extension":
        return not case.extension_pending
    if action == "reroute":
        return case.returned
    if action == "accept":
        return not case.returned
    if action == "claim":
        return case.assignee_id != actor.user_id
    if action == "reopen":
        return case.closed_at is not None and now - case.closed_at <= reopen_window
    if action == "evaluate":
        return case.state == RESOLVED
    return True


def may_take(
    case: CaseFacts,
    actor: Actor,
    action: str,
    role_may: Callable[[str, str], bool],
    now: datetime,
    reopen_window: timedelta,
) -> bool:
    """Whether `actor` may take `action` on `case` now (one action of `allowed_actions`)."""
    if action not in actions_in_state(case.state):
        return False
    if action in SYSTEM_ONLY and actor.role != "system":
        return False
    if actor.role not in ("admin", "system") and not role_may(actor.role, action):
        return False
    return _relation_allows(actor, action) and _guard(case, actor, action, now, reopen_window)


def allowed_actions(
    case: CaseFacts,
    actor: Actor,
    role_may: Callable[[str, str], bool],
    now: datetime,
    reopen_window: timedelta,
) -> list[str]:
    """The actions `actor` may take on `case` now, sorted, for buttons and 422 bodies."""
    return sorted(
        action
        for action in actions_in_state(case.state)
        if may_take(case, actor, action, role_may, now, reopen_window)
    )
