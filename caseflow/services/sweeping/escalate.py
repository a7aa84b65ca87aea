"""Set-based escalation of overdue cases, one UPDATE per (target layer, deadline class) group.

Cases escalated at the same `now` to the same layer with the same clock specs (the rules'
`clocks_for` of their category, priority and green channel; most categories share them) get
identical fresh clocks, so the clocks, deadlines and next instants are computed once per group
and written to every case of it in one statement.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Row, select, update
from sqlalchemy.orm import Session

from caseflow.domain.clocks import ClockSpec
from caseflow.domain.deadlines import clocks_to_json, compute_deadlines
from caseflow.rules import RuleSet
from caseflow.services.outbox import enqueue_many
from caseflow.services.sweeping.sql import cases, holder_of, insert_events, with_unit

CASE_FIELDS = ("ref", "title", "category", "priority")


class Group(NamedTuple):
    """Cases that climb together: same target and deadline class, same reason and clocks."""

    target: str
    specs: tuple[ClockSpec, ...]
    reason: str
    clocks: tuple[str, ...]


def group_rows(pairs: Sequence[tuple[Group, Row[Any]]]) -> dict[Group, list[Row[Any]]]:
    """Rows by their group."""
    groups: dict[Group, list[Row[Any]]] = defaultdict(list)
    for group, row in pairs:
        groups[group].append(row)
    return groups


def fresh_clocks(rules: RuleSet, group: Group, now: datetime) -> dict[str, Any]:
    """The columns every case of the group gets on entering its new layer."""
    clocks = clocks_to_json(group.specs, now)
    result = compute_deadlines(
        clocks, [(now, "escalate", "submitted")], now, rules.calendar, rules.warning_fraction
    )
    return {
        "clocks": clocks,
        "deadlines": result.clocks,
        "next_due_at": result.next_due_at,
        "next_warning_at": result.next_warning_at,
    }


def escalate_group(
    session: Session, rules: RuleSet, group: Group, rows: Sequence[Row[Any]], now: datetime
) -> tuple[int, list[int]]:
    """Escalate the group's cases; returns (escalated, ids left for the per-case path).

    A case whose place has no unit of the target's kind is left for the per-case path,
    which walks on up the ladder as `casework.enter_layer` does.
    """
    holder = holder_of(rules.layer(group.target).unit_kind)
    ids = [row.id for row in rows]
    ready = list(session.scalars(select(cases.c.id).where(cases.c.id.in_(ids),
                                                          holder.is_not(None))))
    if not ready:
        return 0, ids
    data = {"reason": group.reason, "clocks": list(group.clocks)}
    to = {"to_state": "submitted", "to_layer": group.target, "to_unit_id": holder}
    created = insert_events(session, ready, "escalate", now, data, to=to)
    moved = session.execute(
        update(cases)
        .where(cases.c.id.in_(ready))
        .values(
            layer=group.target,
            unit_id=holder,
            handled_units=with_unit(session, holder),
            assignee_id=None,
            state="submitted",
            layer_entered_at=now,
            escalation_count=cases.c.escalation_count + 1,
            version=cases.c.version + 1,
            updated_at=now,
            **fresh_clocks(rules, group, now),
        )
        .returning(cases.c.id, cases.c.unit_id)
    )
    units = {case_id: unit_id for case_id, unit_id in moved}
    by_id = {row.id: row for row in rows}
    enqueue_many(session, (
        {"event_id": event_id, "case_id": case_id, "action": "escalate", "data": data,
         "case": {**{f: getattr(by_id[case_id], f) for f in CASE_FIELDS},
                  "layer": group.target, "state": "submitted", "unit_id": units[case_id]}}
        for event_id, case_id in created
    ), now)
    ready_set = set(ready)
    return len(ready), [i for i in ids if i not in ready_set]
