"""What each case action does beyond its lifecycle transition (the side effects).

`act` in caseflow.services.actions checks permission, then calls the handler here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseflow.domain import lifecycle
from caseflow.domain.clocks import extend
from caseflow.domain.deadlines import spec_from_json
from caseflow.domain.durations import parse_duration
from caseflow.domain.errors import InvalidInput, NotFound
from caseflow.domain.policy import Actor
from caseflow.models import CaseEvent, User
from caseflow.rules import RuleSet
from caseflow.services.caserow import CaseRow
from caseflow.services.cases import get_case
from caseflow.services.casework import enter_layer, move_up
from caseflow.services.dispatch.handlers import (
    DISPATCH_HANDLERS,
    cancel_open,
    settled_before_resolving,
)
from caseflow.services.grid.evaluations import record_evaluation
from caseflow.services.units import get_unit
from caseflow.services.uow import UnitOfWork


@dataclass
class Step:
    """What one action is doing: the case, who acts, their words, and what the event records."""

    uow: UnitOfWork
    case: CaseRow
    rules: RuleSet
    actor: Actor
    now: datetime
    note: str
    data: Mapping[str, Any]
    event_data: dict[str, Any] = field(default_factory=dict)

    @property
    def session(self) -> Session:
        """The unit of work's session, opened on first use (most actions need none)."""
        return self.uow.session


def plain_handler(action: str) -> Callable[[Step], None]:
    """A handler for actions whose only effect is the lifecycle transition."""

    def handler(step: Step) -> None:
        lifecycle.fire(step.case, action)

    return handler


def _accept(step: Step) -> None:
    lifecycle.fire(step.case, "accept")
    step.case.first_accepted_at = step.case.first_accepted_at or step.now
    if step.actor.role == "caseworker" and step.case.assignee_id is None:
        step.case.assignee_id = step.actor.user_id


def _resolve(step: Step) -> None:
    settled_before_resolving(step)
    lifecycle.fire(step.case, "resolve")
    step.case.resolved_at, step.case.resolved_layer = step.now, step.case.layer


def _record_decision(step: Step) -> None:
    outcome = step.data.get("outcome")
    if outcome not in lifecycle.DECISION_OUTCOMES:
        raise InvalidInput(
            "data.outcome", f"must be one of {', '.join(lifecycle.DECISION_OUTCOMES)}"
        )
    step.event_data["outcome"] = outcome
    if outcome == "escalate":
        _climb(
            step,
            "failed_mediation",
            ("record_decision", {"outcome": "escalate"}),
            ("record_decision", {"outcome": "continue"}),
        )
        return
    lifecycle.fire(step.case, "record_decision", outcome=outcome)
    if outcome == "resolved":
        step.case.resolved_at, step.case.resolved_layer = step.now, step.case.layer


Trigger = tuple[str, dict[str, Any]] | None


def _climb(step: Step, reason: str, going_up: Trigger, staying: Trigger) -> None:
    """Move the case up a layer, or flag it for supervision when it is already at the top."""
    case = step.case
    step.event_data["reason"] = reason
    if move_up(step.session, case, step.rules, step.now, reason):
        trigger = going_up
    else:
        step.event_data["supervised"] = True
        trigger = staying
    if trigger is not None:
        lifecycle.fire(case, trigger[0], **trigger[1])


def _escalate(step: Step) -> None:
    _climb(step, str(step.data.get("reason") or "failed_mediation"), ("escalate", {}), None)


def _evaluate(step: Step) -> None:
    level = step.data.get("satisfaction")
    if level not in lifecycle.SATISFACTION_LEVELS:
        raise InvalidInput(
            "satisfaction", f"must be one of {', '.join(lifecycle.SATISFACTION_LEVELS)}"
        )
    scores = {k: step.data[k] for k in ("response", "resolution", "attitude") if k in step.data}
    for name, score in scores.items():
        if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
            raise InvalidInput(name, "must be a whole number from 1 to 5")
    case = step.case
    case.satisfaction = level
    step.event_data.update(satisfaction=level, scores=scores)
    record_evaluation(step, level)  # with its channel: the rates by channel count these
    if level in lifecycle.SATISFIED_LEVELS:
        lifecycle.fire(case, "evaluate", satisfaction=level)
        case.closed_at = step.now
        return
    case.rework_count += 1  # 返工: an unsatisfied result goes back to work and counts
    case.resolved_at = None
    step.event_data["rework"] = case.rework_count
    rework = ("evaluate", {"satisfaction": level})
    if case.rework_count >= step.rules.escalation.unsatisfied_before_escalation:
        _climb(step, "unsatisfied", ("evaluate", {"satisfaction": level, "climb": True}), rework)
    else:
        lifecycle.fire(case, *rework[:1], **rework[1])


def _return(step: Step) -> None:
    case = step.case
    lifecycle.fire(case, "return")
    threshold = step.rules.settings.problem_case_threshold
    above = step.rules.next_layer(case.layer)
    if above is None:
        raise InvalidInput("action", "the top layer cannot return a case")
    enter_layer(step.session, case, step.rules, above, step.now)
    case.returned = len(case.handled_units) < threshold
    if not case.returned:
        case.problem_case = True
        step.event_data["problem_case"] = True


def _reroute(step: Step) -> None:
    code = step.data.get("unit")
    if not isinstance(code, str):
        raise InvalidInput("data.unit", "name the code of the unit to send the case to")
    try:
        target = get_unit(step.session, code)
    except NotFound:
        raise InvalidInput("data.unit", f"unknown unit {code!r}") from None
    layer = next((x.id for x in step.rules.layers if x.unit_kind == target.kind), None)
    if layer is None:
        raise InvalidInput("data.unit", f"no layer is held by a unit of kind {target.kind}")
    lifecycle.fire(step.case, "reroute")
    enter_layer(step.session, step.case, step.rules, layer, step.now)
    step.case.unit, step.case.returned = target, False
    step.event_data["unit"] = code


def _request_extension(step: Step) -> None:
    raw = step.data.get("extra")
    try:
        extra = parse_duration(str(raw))
    except ValueError as error:
        raise InvalidInput("data.extra", str(error)) from None
    lifecycle.fire(step.case, "request_extension")
    step.case.extension_pending = True
    step.event_data["extra"] = str(extra)


def _approve_extension(step: Step) -> None:
    lifecycle.fire(step.case, "approve_extension")
    requested = step.session.scalar(
        select(CaseEvent.data)
        .where(CaseEvent.case_id == step.case.id, CaseEvent.action == "request_extension")
        .order_by(CaseEvent.id.desc())
        .limit(1)
    )
    extra = parse_duration((requested or {})["extra"])
    clocks = dict(step.case.clocks)
    for name, raw in clocks.items():
        if "resolve" in raw["ends_on"]:
            clocks[name] = _extended(raw, extra)
    step.case.clocks = clocks
    step.case.extension_pending = False
    step.case.extension_count += 1
    step.event_data["extra"] = str(extra)


def _extended(raw: Mapping[str, Any], extra: Any) -> dict[str, Any]:
    spec = extend(spec_from_json("x", raw), extra)
    return {**raw, "within": str(spec.within)}


def _refuse_extension(step: Step) -> None:
    lifecycle.fire(step.case, "refuse_extension")
    step.case.extension_pending = False


def _defer(step: Step) -> None:
    lifecycle.fire(step.case, "defer")
    review = step.data.get("review_on")
    if review:
        try:
            step.case.deferred_until = datetime.fromisoformat(str(review))
        except ValueError:
            raise InvalidInput("data.review_on", "must be an ISO date") from None
        if step.case.deferred_until.tzinfo is None:
            raise InvalidInput("data.review_on", "must carry a time zone, e.g. +08:00")


def _resume(step: Step) -> None:
    lifecycle.fire(step.case, "resume")
    step.case.deferred_until = None


def _close(step: Step) -> None:
    lifecycle.fire(step.case, "close")
    step.case.closed_at = step.now


def _reopen(step: Step) -> None:
    case = step.case
    lifecycle.fire(case, "reopen")
    case.reopen_count += 1
    case.closed_at = case.resolved_at = case.satisfaction = None
    if case.reopen_count >= step.rules.escalation.reopens_before_escalation:
        if move_up(step.session, case, step.rules, step.now, "reopened"):
            step.event_data["escalated"] = True
            return
    enter_layer(step.session, case, step.rules, case.layer, step.now)


def _merge(step: Step) -> None:
    into = step.data.get("into")
    if into is None:
        raise InvalidInput("data.into", "name the case this one duplicates")
    try:
        target = get_case(step.session, into)
    except NotFound:
        raise InvalidInput("data.into", f"unknown case {into}") from None
    if target.id == step.case.id:
        raise InvalidInput("data.into", "a case cannot be merged into itself")
    lifecycle.fire(step.case, "merge")
    cancel_open(step)
    step.case.merged_into_id = target.id
    step.case.closed_at = step.now
    step.event_data["into"] = target.ref


def _unlink_duplicate(step: Step) -> None:
    """Not a duplicate after all: the flag set at submission is cleared, the event keeps it."""
    if step.case.duplicate_of_id is None:
        raise InvalidInput("action", "this case is not marked as a likely duplicate")
    lifecycle.fire(step.case, "unlink_duplicate")
    step.event_data["duplicate_of_id"] = step.case.duplicate_of_id
    step.case.duplicate_of_id = None
    step.case.tags = [tag for tag in step.case.tags or [] if tag != "possible_duplicate"]


def _claim(step: Step) -> None:
    lifecycle.fire(step.case, "claim")
    step.case.assignee_id = step.actor.user_id


def _reassign(step: Step) -> None:
    username = step.data.get("assignee")
    user = step.session.scalar(select(User).where(User.username == str(username)))
    if user is None or user.unit_id != step.case.unit_id:
        raise InvalidInput("data.assignee", "name a user of the unit holding the case")
    lifecycle.fire(step.case, "reassign")
    step.case.assignee_id = user.id
    step.event_data["assignee"] = user.username


def _terminal(action: str) -> Callable[[Step], None]:
    def handler(step: Step) -> None:
        lifecycle.fire(step.case, action)
        cancel_open(step)
        step.case.closed_at = step.now

    return handler


HANDLERS: dict[str, Callable[[Step], None]] = {
    "accept": _accept,
    "resolve": _resolve,
    "record_decision": _record_decision,
    "escalate": _escalate,
    "evaluate": _evaluate,
    "return": _return,
    "reroute": _reroute,
    "request_extension": _request_extension,
    "approve_extension": _approve_extension,
    "refuse_extension": _refuse_extension,
    "defer": _defer,
    "resume": _resume,
    "close": _close,
    "reopen": _reopen,
    "merge": _merge,
    "unlink_duplicate": _unlink_duplicate,
    "claim": _claim,
    "reassign": _reassign,
    "withdraw": _terminal("withdraw"),
    "reject": _terminal("reject"),
    **DISPATCH_HANDLERS,  # 部门解题 (caseflow.services.dispatch)
}
