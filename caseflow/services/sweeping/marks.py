"""Set-based marks that leave a case where it is: warnings, overdue notes, supervision, and
the auto-close of resolved cases nobody evaluated."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Row, bindparam, update
from sqlalchemy.orm import Session

from caseflow.services.reporting.summaries import count_swept
from caseflow.services.sweeping.notices import enqueue_events
from caseflow.services.sweeping.sql import cases, chunks, insert_events

AUTO_CLOSE_NOTE = "closed automatically: no evaluation in time"


class Mark(NamedTuple):
    """One case's note: the event action, the mark set on its clocks, and the event data."""

    row: Row[Any]
    action: str
    flag: str
    kind: str
    clocks: tuple[str, ...]
    supervise: bool = False


def _iso_min(values: list[str]) -> datetime | None:
    return min((datetime.fromisoformat(v) for v in values), default=None)


def marked(deadlines: Mapping[str, Any], names: Sequence[str], flag: str) -> dict[str, Any]:
    """The deadlines with `flag` set on `names`, plus the sweep's next instants.

    The stored deadlines are current: every action recomputes them, and only actions start,
    stop or pause a clock, so the instants follow from the stored entries alone (the same
    selection as domain.deadlines.compute_deadlines makes).
    """
    clocks = {name: dict(entry) for name, entry in deadlines.items()}
    for name in names:
        clocks[name][flag] = True
    running = [e for e in clocks.values() if not e["stopped_at"] and not e["paused"]]
    due = [e["due_at"] for e in running if e["due_at"] and not e["overdue_noted"]]
    warn = [e["warning_at"] for e in running
            if e["warning_at"] and not e["warned"] and not e["overdue_noted"]]
    return {"b_deadlines": clocks, "b_due": _iso_min(due), "b_warn": _iso_min(warn)}


def apply_marks(session: Session, marks: Sequence[Mark], now: datetime) -> None:
    """Events and notifications by INSERT…SELECT per (action, data) group, rows by one
    executemany UPDATE."""
    if not marks:
        return
    groups: dict[tuple[str, str, tuple[str, ...]], list[Mark]] = defaultdict(list)
    for mark in marks:
        groups[(mark.action, mark.kind, mark.clocks)].append(mark)
    for (action, kind, clocks), members in groups.items():
        data = {"kind": kind, "clocks": list(clocks)}
        created = insert_events(session, [m.row.id for m in members], action, now, data)
        enqueue_events(session, [event_id for event_id, _ in created], action, data, now)
    statement = (
        update(cases)
        .where(cases.c.id == bindparam("b_id"))
        .values(
            deadlines=bindparam("b_deadlines"),
            next_due_at=bindparam("b_due"),
            next_warning_at=bindparam("b_warn"),
            supervised=bindparam("b_supervised"),
            version=cases.c.version + 1,
            updated_at=now,
        )
    )
    session.execute(statement, [
        {"b_id": m.row.id, "b_supervised": bool(m.row.supervised or m.supervise),
         **marked(m.row.deadlines, m.clocks, m.flag)}
        for m in marks
    ])


def close_unevaluated(session: Session, ids: Sequence[int], now: datetime) -> int:
    """Close resolved cases whose evaluation window passed: one INSERT…SELECT, one UPDATE."""
    # A round of statements per chunk: on SQLite the pages one statement changes stay few.
    for chunk in chunks(session, ids):
        insert_events(session, chunk, "close", now, {"auto": True}, note=AUTO_CLOSE_NOTE,
                      to_state="closed")
        count_swept(session, chunk, {"state": "closed"})  # the summaries (migration 0016)
        session.execute(
            update(cases)
            .where(cases.c.id.in_(list(chunk)))
            .values(state="closed", closed_at=now, auto_close_at=None,
                    version=cases.c.version + 1, updated_at=now)
        )
    return len(ids)
