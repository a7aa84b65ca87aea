"""Shared steps of every case change: enter a layer, refresh deadlines, record the event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from caseflow.domain.deadlines import (
    Deadlines,
    advance_deadlines,
    clocks_to_json,
    compute_deadlines,
)
from caseflow.domain.due import deferral_instants
from caseflow.domain.errors import InvalidInput
from caseflow.domain.lifecycle import DEFERRED
from caseflow.models import Case, CaseEvent, Unit
from caseflow.rules import RuleSet
from caseflow.rules.grid_check import grid_settings
from caseflow.services.calendars import with_calendars
from caseflow.services.caserow import CaseRow
from caseflow.services.units import holder_for


def case_facts(case: Case | CaseRow) -> dict[str, Any]:
    """The facts routing and escalation conditions read, from a case row."""
    place = case.place_unit
    return {
        "category": case.category,
        "priority": case.priority,
        "channel": case.channel,
        "tags": list(case.tags),
        "text": f"{case.title}\n{case.description}",
        "reporter": dict(case.reporter_attrs),
        "place": {"kind": place.kind, "code": place.code, **place.attrs} if place else {},
        "green_channel": case.green_channel,
        "repeat_count": 0,
    }


def enter_layer(
    session: Session,
    case: Case | CaseRow,
    rules: RuleSet,
    layer: str,
    now: datetime,
    overrides: dict[str, Any] | None = None,
) -> None:
    """Hand the case to the unit holding `layer` (or the next rung that has one); fresh clocks."""
    target: str | None = layer
    while target is not None:
        unit_id = holder_for(session, case.place_unit_id, rules.layer(target).unit_kind)
        if unit_id is not None:
            break
        target = rules.next_layer(target)
    if target is None or unit_id is None:
        raise InvalidInput("unit", f"no unit holds layer {layer!r} or any layer above it here")
    case.layer, case.unit, case.assignee_id = target, session.get_one(Unit, unit_id), None
    case.layer_entered_at = now
    if unit_id not in case.handled_units:
        case.handled_units = [*case.handled_units, unit_id]
    specs = rules.clocks_for(
        target, case.category, case.priority, case.green_channel, overrides or {}
    )
    specs = with_calendars(session, rules, unit_id, specs, rules.layer(target).unit_kind)
    case.clocks = clocks_to_json(specs, now)
    case.deadlines = {}


def move_up(
    session: Session, case: Case | CaseRow, rules: RuleSet, now: datetime, reason: str
) -> bool:
    """Escalate to the next layer the rules name; at the top, flag for supervision instead."""
    target = rules.escalation_target(case.layer, reason, case_facts(case))
    if target is None:
        case.supervised = True
        return False
    enter_layer(session, case, rules, target, now)
    case.escalation_count += 1
    return True


# Built once: constructing the statement on every action cost ~6% of an action (bench/).
HISTORY = (
    select(CaseEvent.at, CaseEvent.action, CaseEvent.to_state)
    .where(CaseEvent.case_id == bindparam("case_id"), CaseEvent.at >= bindparam("since"))
    .order_by(CaseEvent.id)
)


def refresh_deadlines(
    conn: Connection,
    case: Case | CaseRow,
    rules: RuleSet,
    now: datetime,
    pending: tuple[datetime, str, str] | None = None,
    stored_are_current: bool = False,
) -> dict[str, bool]:
    """Recompute deadlines from the events since the case entered its layer.

    `stored_are_current`: the caller vouches that the case's stored deadlines were computed
    with its present clocks and that no event of the case is later than `pending`; then the
    pending event advances them without reading the history, whenever the stored entries
    suffice (domain.deadlines.advance_deadlines, equal to a recompute by construction).
    Returns the clocks this change stopped, each with whether it was met in time.
    The history is read on `conn`, the transaction's connection: an ORM session's pending
    objects are not flushed for it (the case row is written once, at commit).
    """
    result = None
    if pending and stored_are_current and case.id is not None:
        result = advance_deadlines(case.clocks, case.deadlines, pending)
    if result is None:
        result = _recomputed(conn, case, rules, now, pending)
    stopped = {
        name: entry["due_at"] is None
        or datetime.fromisoformat(entry["stopped_at"]) <= datetime.fromisoformat(entry["due_at"])
        for name, entry in result.clocks.items()
        if entry["stopped_at"] and not case.deadlines.get(name, {}).get("stopped_at")
    }
    case.deadlines = result.clocks
    case.next_due_at = result.next_due_at
    case.next_warning_at = result.next_warning_at
    case.overdue_from = result.overdue_from
    case.warning_from = result.warning_from
    if case.state == DEFERRED:  # its clocks are stopped; its review date is the one due
        case.overdue_from, case.warning_from = deferral_instants(
            case.deferred_until, grid_settings(rules).review_warning_before)
    return stopped


def _recomputed(
    conn: Connection,
    case: Case | CaseRow,
    rules: RuleSet,
    now: datetime,
    pending: tuple[datetime, str, str] | None,
) -> Deadlines:
    """Deadlines recomputed from the stored history (plus the pending event): the truth."""
    history: list[tuple[datetime, str, str]] = (
        [(at, action, state) for at, action, state in
         conn.execute(HISTORY, {"case_id": case.id, "since": case.layer_entered_at})]
        if case.id is not None
        else []
    )
    if pending:
        history.append(pending)
    return compute_deadlines(
        case.clocks, history, now, rules.calendars, rules.warning_fraction,
        previous=case.deadlines
    )
