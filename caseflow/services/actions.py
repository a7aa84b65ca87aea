"""Acting on a case: the one verb.

`act` takes one `ActionCommand` (which case, which action, who, the note and who reads it,
the action's data, the version the actor saw, an Idempotency-Key) and owns its commit: the
API, the case page, the public evaluation page, the CLI and the demo all call it. The case
is read once (whole, with its units' names, when the caller shows it as written); the
change, its event and its outbox row are written by caseflow.services.caserow.write_change.
`perform` is the same steps inside a composing use case (a meeting opening or deciding on
its case), whose caller commits.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.exc import IntegrityError

from caseflow.domain import lifecycle
from caseflow.domain.errors import (
    ActionNotAllowed,
    InvalidInput,
    PermissionDenied,
    StaleVersion,
)
from caseflow.domain.metrics import late_clocks
from caseflow.domain.notes import note_visibility
from caseflow.domain.policy import OUTSIDE, OWNER, Actor, may_take
from caseflow.models import UnitClosure, User
from caseflow.rules import RuleSet
from caseflow.services import idempotency
from caseflow.services.allowed import actions_for, actor_for, facts_of
from caseflow.services.case_views import case_record
from caseflow.services.caserow import CaseRow, load_case_row, write_change
from caseflow.services.casework import refresh_deadlines
from caseflow.services.charges import charge_late_clocks
from caseflow.services.handlers import HANDLERS, Step, plain_handler
from caseflow.services.queries import case_key
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import Viewer, area_of

__all__ = ["ActionCommand", "Acted", "act", "actions_for", "actor_for", "facts_of", "perform"]

NOTE_REQUIRED = frozenset(
    {"return", "reject", "defer", "withdraw", "request_extension", "comment", "hold"}
)


@dataclass(frozen=True)
class ActionCommand:
    """One action on one case, as every edge asks for it.

    `visibility` is who reads the note: internal (staff, the default) or public (a reply to
    the resident); a resident's own note is always public (caseflow.domain.notes).
    `expected_version` is the version the actor saw (StaleVersion if the case moved on).
    `idempotency_key`: a retry with the same key and command answers the first result and
    changes nothing (another command with the key is a 422). `show`: the caller shows the
    case as written (`Acted.record`, `Acted.case`), read whole in the one read of the case.
    `event_facts` lets a composing service (meetings: kind, round) add what it knows to the
    event, so the event and its notification carry them from the start.
    """

    case: str | int
    action: str
    actor: Actor | User | Viewer
    note: str = ""
    visibility: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    expected_version: int | None = None
    idempotency_key: str | None = None
    show: bool = False
    event_facts: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Acted:
    """What an action left behind: the case's new version and where it stands, the event,
    and (when the command asked to show it) the case as written.

    `record` is the case masked as a list shows it (acting is not a read of the full record);
    `case` the unmasked snapshot for an edge that renders it for a viewer of its own
    (case_views.case_record). A replay (`replayed`) answers the first `record`, no `case`.
    """

    case_id: int
    ref: str
    version: int
    state: str
    layer: str
    unit_id: int
    event_id: int
    record: dict[str, Any] | None = None
    case: SimpleNamespace | None = field(default=None, compare=False, repr=False)
    replayed: bool = False


def act(uow: UnitOfWork, rules: RuleSet, command: ActionCommand, now: datetime) -> Acted:
    """Apply one action as one transaction with its event, and commit.

    With an Idempotency-Key the answer is remembered in the same transaction; a retry
    answers it without acting, and a racing first attempt that lost (its UPDATE or its
    record refused) answers the winner's.
    """
    key = command.idempotency_key
    if key is None:
        acted = perform(uow, rules, command, now)
        uow.commit()
        return acted
    idempotency.check_key(key)
    scope, fingerprint = _scope(command), _fingerprint(command)
    earlier = idempotency.recall(uow, scope, key, fingerprint)
    if earlier is not None:
        return _replayed(earlier)
    try:
        acted = perform(uow, rules, command, now)
        answer = {name: value for name, value in asdict(acted).items()
                  if name not in ("case", "replayed")}
        idempotency.remember(uow, scope, key, fingerprint, f"act:{command.case}", answer, now)
        uow.commit()
    except (IntegrityError, StaleVersion):
        uow.rollback()
        earlier = idempotency.recall(uow, scope, key, fingerprint)
        if earlier is None:
            raise
        return _replayed(earlier)
    return acted


def _scope(command: ActionCommand) -> str:
    """Keys are the actor's own: two users' equal keys never meet."""
    actor = command.actor
    who = actor.user_id if isinstance(actor, Actor) else actor.id
    return f"act:{who if who is not None else actor.role}"


def _fingerprint(command: ActionCommand) -> str:
    """The same retry has the same fingerprint."""
    asked = [str(command.case), command.action, command.note, command.visibility,
             dict(command.data), command.expected_version]
    text = json.dumps(asked, sort_keys=True, ensure_ascii=False, default=str)
    return idempotency.request_hash("act", str(command.case), text)


def _replayed(body: dict[str, Any]) -> Acted:
    values = idempotency.decode(body)
    return Acted(**values, replayed=True)


# Rare: a staff member whose unit does not hold the case may still act on it when the case's
# place lies in their area (queries.visible_case_id's rule), e.g. a community on a case the
# property office holds.
_PLACE_IN_AREA = select(UnitClosure.depth).where(
    UnitClosure.ancestor_id.in_(bindparam("areas", expanding=True)),
    UnitClosure.descendant_id == bindparam("place"),
).limit(1)


def _within_area(conn: Connection, area: tuple[int, ...] | None, case: CaseRow,
                 who: Actor) -> None:
    """PermissionDenied when the case lies outside the staff member's jurisdiction (the
    units whose areas they read, one per membership; None: everywhere)."""
    if area is None or who.relation != OUTSIDE:
        return
    if conn.scalar(_PLACE_IN_AREA, {"areas": list(area), "place": case.place_unit_id}) is None:
        raise PermissionDenied("this case is outside your jurisdiction")


def perform(uow: UnitOfWork, rules: RuleSet, command: ActionCommand, now: datetime) -> Acted:
    """`act`'s steps inside the caller's unit of work, which commits (meetings compose it).

    One SELECT of the case, the checks and the handler, then caserow.write_change: one
    versioned UPDATE, the event and its outbox row, on the unit of work's connection; its
    ORM session opens only if a handler or a lookup needs it.
    """
    conn = uow.connection()  # no ORM session unless a step needs one (caseflow.services.uow)
    # Residents' accounts act through their tracking token only (area_of refuses them).
    area = None if isinstance(command.actor, Actor) else area_of(command.actor)
    _, key = case_key(command.case)  # NotFound for a key that cannot name a case
    case = load_case_row(uow, conn, key, whole=command.show)
    if isinstance(command.actor, Actor):
        who = command.actor
    else:
        who = actor_for(conn, command.actor, case)
        _within_area(conn, area, case, who)
    if command.expected_version is not None and command.expected_version != case.version:
        raise StaleVersion(case.version)
    action = command.action
    _check_allowed(rules, case, who, action, now)
    note = (command.note or "").strip()
    shown_to = note_visibility(who.relation, command.visibility)
    if action in NOTE_REQUIRED and not note:
        raise InvalidInput("note", f"a note is required to {action}")
    step = Step(uow, case, rules, who, now, note, command.data)
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
    step.event_data.update(command.event_facts)
    event_id = write_change(
        uow, case, who, action, now, before, note, step.event_data, shown_to
    )
    charge_late_clocks(conn, case.id, before[2], before[1], ended_late, now, action)
    shown = case.snapshot() if command.show else None
    return Acted(
        case.id, case.ref, case.version, case.state, case.layer, case.unit_id, event_id,
        None if shown is None else case_record(shown, None, now), shown,
    )




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
