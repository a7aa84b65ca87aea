"""Set-based escalation of overdue cases, one UPDATE per (target layer, deadline class) group.

Cases escalated at the same `now` to the same layer with the same clock specs (the rules'
`clocks_for` of their category, priority and green channel; most categories share them) get
identical fresh clocks, so the clocks, deadlines and next instants are computed once per group
and written to every case of it in one statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Row, String, bindparam, update
from sqlalchemy.orm import Session

from caseflow.domain.clocks import ClockSpec
from caseflow.domain.deadlines import clocks_to_json, compute_deadlines
from caseflow.models.base import JSONType, UTCDateTime
from caseflow.rules import RuleSet
from caseflow.services.calendars import kind_calendar
from caseflow.services.reporting.summaries import count_swept
from caseflow.services.sweeping.notices import enqueue_events
from caseflow.services.sweeping.sql import (
    cases,
    charge_late_clocks,
    chunks,
    events,
    ids_arg,
    in_ids,
    insert_events,
    is_postgres,
    with_unit,
)


class Group(NamedTuple):
    """Cases that climb together: same target and deadline class, same reason and clocks."""

    target: str
    specs: tuple[ClockSpec, ...]
    reason: str
    clocks: tuple[str, ...]


def fresh_clocks(rules: RuleSet, group: Group, now: datetime, calendar: str | None = None
                 ) -> dict[str, Any]:
    """The columns every case of the group gets on entering its new layer (its clocks on
    `calendar`, the target units' calendar, unless a clock names its own)."""
    specs = tuple(replace(s, calendar=s.calendar or calendar) for s in group.specs)
    clocks = clocks_to_json(specs, now)
    result = compute_deadlines(
        clocks, [(now, "escalate", "submitted")], now, rules.calendars, rules.warning_fraction
    )
    return {
        "b_clocks": clocks,
        "b_deadlines": result.clocks,
        "b_due": result.next_due_at,
        "b_warn": result.next_warning_at,
        "b_overdue_from": result.overdue_from,
        "b_warning_from": result.warning_from,
    }


ON_TIME_FLAGS = {"accept": "accepted_on_time", "resolve": "resolved_on_time"}


@cache  # one statement per database and kind of row, bound anew for every group
def _update(pg: bool, set_state: bool, late: frozenset[str]) -> Any:
    # The new unit is the one the escalation event names: the holder is looked up once, when
    # the events are written, and the cases are updated FROM their events.
    holder = events.c.to_unit_id
    at = bindparam("b_now", type_=UTCDateTime())
    # `state` is left out of the SET list for cases already submitted: naming it makes
    # SQLite evaluate the summary trigger (UPDATE OF state) and rewrite the state-filtered
    # indexes for every row, about half the cost of the UPDATE, to write the same value.
    state = {"state": "submitted"} if set_state else {}
    # The flags mean "on time at every layer" (docs/metrics.md §On time): a case climbing
    # because its accept (resolve) clock passed can no longer be accepted (resolved) on time.
    # Named only when the group's late clocks include them, so other climbs fire no trigger.
    flags = {flag: False for clock, flag in ON_TIME_FLAGS.items() if clock in late}
    return (
        update(cases)
        .where(cases.c.id == events.c.case_id, in_ids(pg, events.c.id))
        .values(
            layer=bindparam("b_layer", type_=String),
            unit_id=holder,
            handled_units=with_unit(pg, holder),
            assignee_id=None,
            **state,
            **flags,
            layer_entered_at=at,
            escalation_count=cases.c.escalation_count + 1,
            version=cases.c.version + 1,
            updated_at=at,
            clocks=bindparam("b_clocks", type_=JSONType),
            deadlines=bindparam("b_deadlines", type_=JSONType),
            next_due_at=bindparam("b_due", type_=UTCDateTime()),
            next_warning_at=bindparam("b_warn", type_=UTCDateTime()),
            overdue_from=bindparam("b_overdue_from", type_=UTCDateTime()),
            warning_from=bindparam("b_warning_from", type_=UTCDateTime()),
        )
    )


def escalate_group(
    session: Session, rules: RuleSet, group: Group, rows: Sequence[Row[Any]], now: datetime
) -> tuple[int, list[int]]:
    """Escalate the group's cases (a chunk at a time on SQLite: sql.chunks); returns
    (escalated, ids left for the per-case path)."""
    escalated, leftovers = 0, []
    for chunk in chunks(session, rows):
        done, rest = _escalate(session, rules, group, chunk, now)
        escalated += done
        leftovers.extend(rest)
    return escalated, leftovers


def _escalate(
    session: Session, rules: RuleSet, group: Group, rows: Sequence[Row[Any]], now: datetime
) -> tuple[int, list[int]]:
    """Escalate the cases `rows` of a group; returns (escalated, ids left for the per-case
    path).

    Three statements whatever the group's size: the events (INSERT…SELECT, which also picks
    the cases whose place has a unit of the target's kind), the cases (one UPDATE) and their
    notifications (INSERT…SELECT). A case whose place has no such unit is left for the
    per-case path, which walks on up the ladder as `casework.enter_layer` does.
    """
    kind = rules.layer(group.target).unit_kind
    ids = [row.id for row in rows]
    calendar = kind_calendar(rules, kind)
    if calendar is False:
        return 0, ids  # calendars given by unit code: the per-case path resolves each unit
    data = {"reason": group.reason, "clocks": list(group.clocks)}
    created = insert_events(session, ids, "escalate", now, data, to_state="submitted",
                            to_layer=group.target, holder_kind=kind)
    if not created:
        return 0, ids
    ready = [case_id for _, case_id in created]
    event_ids = [event_id for event_id, _ in created]
    submitted = {row.id for row in rows if row.state == "submitted"}
    values = {"b_layer": group.target, "b_now": now,
              **fresh_clocks(rules, group, now, calendar)}
    pg = is_postgres(session)
    ready_set = set(ready)
    # Before the UPDATE: where the clocks ran (PostgreSQL reads it from the case rows).
    charge_late_clocks(session, [row for row in rows if row.id in ready_set], now)
    states = {row.state for row in rows}
    for set_state in (True, False):
        chosen = [e for e, case_id in created if (case_id in submitted) != set_state]
        if chosen:
            # The report summaries count what the UPDATE below changes (migration 0016).
            flags: dict[str, str | bool] = {ON_TIME_FLAGS[c]: False for c in group.clocks
                                            if c in ON_TIME_FLAGS}
            count_swept(session, [c for e, c in created if (c in submitted) != set_state],
                        flags | ({"state": "submitted"} if set_state else {}), states)
            session.execute(_update(pg, set_state, frozenset(group.clocks)),
                            {"b_ids": ids_arg(session, chosen), **values})
    enqueue_events(session, event_ids, "escalate", data, now)
    return len(ready), [i for i in ids if i not in ready_set]
