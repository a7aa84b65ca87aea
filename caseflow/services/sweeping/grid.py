"""The sweep's part for what would otherwise wait unseen.

- a deferred case (挂账) whose review date has come: a `remind` event on the case and a
  `review_due` notification to its holder; the case is overdue from that date on (the one
  truth: caseflow.domain.due.deferral_instants), so it heads its holder's inbox;
- a meeting task whose due date is near (`task_warning`) or past (`task_overdue`): a
  notification to its owner; their inbox lists it with the same standing;
- a resolved case not evaluated within `follow_up.after` (in the configured sample): a
  follow-up call (回访) for the dispatcher of its street, and a `follow_up_due` notification.

Each reminder is a row of `reminders` with a unique key, inserted first: whichever sweeper
inserts it does the rest in the same transaction, so running the sweep twice, or on two
workers at once, reminds once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, RowMapping, Table, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from caseflow.domain.due import task_due_status
from caseflow.domain.grid import sampled
from caseflow.domain.lifecycle import DEFERRED, RESOLVED
from caseflow.models import (
    Case,
    CaseEvent,
    FollowUpCall,
    Meeting,
    OutboxMessage,
    Reminder,
    Unit,
    UnitClosure,
)
from caseflow.rules import RuleSet
from caseflow.rules.grid_check import grid_settings
from caseflow.services.grid.tasks import owner_of, task_due_at
from caseflow.services.uow import UnitOfWork

CASES = Case.__table__
STREET = "street"


@dataclass
class GridSweep:
    """What this part of the sweep did."""

    reviews_due: int = 0
    task_warnings: int = 0
    tasks_overdue: int = 0
    follow_ups: int = 0


def sweep_grid(uow_factory: Callable[[], UnitOfWork], rules: RuleSet, now: datetime) -> GridSweep:
    """Remind of review dates and meeting tasks, and open follow-up calls, as of `now`."""
    done = GridSweep()
    with uow_factory() as uow:
        conn = uow.session.connection()
        done.reviews_due = _reviews(conn, now)
        done.task_warnings, done.tasks_overdue = _tasks(conn, rules, now)
        done.follow_ups = _follow_ups(conn, rules, now)
        uow.commit()
    return done


def _claim(conn: Connection, kind: str, subject: str, due_at: datetime, now: datetime,
           user_id: int | None = None, unit_id: int | None = None) -> bool:
    """Insert the reminder's row unless it exists; True when this sweeper inserted it."""
    dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = dialect_insert(cast(Table, Reminder.__table__)).values(
        kind=kind, subject=subject, due_at=due_at, user_id=user_id, unit_id=unit_id,
        sent_at=now).on_conflict_do_nothing().returning(Reminder.__table__.c.id)
    # A row comes back only when this insert made it (rowcount is not told on PostgreSQL).
    return conn.execute(statement).first() is not None


def notify(conn: Connection, kind: str, now: datetime, text: str, unit_id: int | None,
           case: RowMapping | Mapping[str, Any] | None = None, event_id: int | None = None,
           data: Mapping[str, Any] | None = None) -> None:
    """Queue one outbox message of a grid kind (its people are told by services.grid.notices)."""
    fields = {key: (case or {}).get(key) for key in ("ref", "title", "category", "priority",
                                                     "layer", "state")}
    conn.execute(insert(cast(Table, OutboxMessage.__table__)).values(
        event_id=event_id, case_id=(case or {}).get("id"), kind=kind,
        payload={"kind": kind, "action": kind, "at": now.isoformat(),
                 "case": {**fields, "unit_id": unit_id}, "data": dict(data or {}),
                 "text": text},
        idempotency_id=uuid.uuid4(), status="pending", attempts=0, next_attempt_at=now,
        last_error="", created_at=now))


def _reviews(conn: Connection, now: datetime) -> int:
    rows = conn.execute(select(CASES.c.id, CASES.c.ref, CASES.c.title, CASES.c.category,
                               CASES.c.priority, CASES.c.layer, CASES.c.state,
                               CASES.c.unit_id, CASES.c.deferred_until)
                        .where(CASES.c.state == DEFERRED, CASES.c.deferred_until <= now)
                        .order_by(CASES.c.deferred_until, CASES.c.id)).mappings().all()
    count = 0
    for row in rows:
        if not _claim(conn, "review_due", f"case:{row['id']}", row["deferred_until"], now,
                      unit_id=row["unit_id"]):
            continue
        review = row["deferred_until"].isoformat()
        event_id = conn.execute(insert(cast(Table, CaseEvent.__table__)).values(
            case_id=row["id"], at=now, actor_id=None, actor_role="system", actor_label="system",
            action="remind", from_state=row["state"], to_state=row["state"],
            from_layer=row["layer"], to_layer=row["layer"], from_unit_id=row["unit_id"],
            to_unit_id=row["unit_id"], note="", visibility="internal",
            data={"kind": "review_due", "review_on": review},
        ).returning(CaseEvent.__table__.c.id)).scalar_one()
        notify(conn, "review_due", now, f"[caseflow] {row['ref']} review due: {row['title']}",
               row["unit_id"], row, event_id, {"review_on": review})
        count += 1
    return count


def _tasks(conn: Connection, rules: RuleSet, now: datetime) -> tuple[int, int]:
    settings = grid_settings(rules)
    warned = overdue = 0
    meetings = conn.execute(select(Meeting.__table__.c.id, Meeting.__table__.c.complex_id,
                                   Meeting.__table__.c.case_id, Meeting.__table__.c.tasks)
                            .order_by(Meeting.__table__.c.id)).all()
    for meeting_id, complex_id, case_id, tasks in meetings:
        for index, task in enumerate(tasks or ()):
            due_at = task_due_at(task, rules.calendar.zone)
            status = task_due_status(due_at, settings.task_warning_before,
                                     bool(task.get("done_at")), now)
            if status not in ("warning", "overdue") or due_at is None:
                continue
            kind = "task_overdue" if status == "overdue" else "task_warning"
            owner = owner_of(conn, str(task.get("owner", "")))
            if not _claim(conn, kind, f"task:{meeting_id}:{index}", due_at, now, owner,
                          complex_id):
                continue
            notify(conn, kind, now, f"[caseflow] {task.get('title', '')} due {task['due_on']}",
                   complex_id, {"id": case_id} if case_id else None, None,
                   {"meeting_id": meeting_id, "task": index, "owner_id": owner,
                    "due_on": str(task["due_on"])})
            if status == "overdue":
                overdue += 1
            else:
                warned += 1
    return warned, overdue


def street_of(conn: Connection, unit_id: int) -> int | None:
    """The street (街道) above a unit, or None when there is none."""
    return conn.scalar(select(Unit.id).join(UnitClosure, UnitClosure.ancestor_id == Unit.id)
                       .where(UnitClosure.descendant_id == unit_id, Unit.kind == STREET)
                       .limit(1))


def _follow_ups(conn: Connection, rules: RuleSet, now: datetime) -> int:
    settings = grid_settings(rules)
    called = select(FollowUpCall.case_id)
    rows = conn.execute(select(CASES.c.id, CASES.c.ref, CASES.c.title, CASES.c.category,
                               CASES.c.priority, CASES.c.layer, CASES.c.state,
                               CASES.c.place_unit_id, CASES.c.resolved_at)
                        .where(CASES.c.state == RESOLVED,
                               CASES.c.resolved_at <= now - settings.follow_up_after,
                               CASES.c.id.not_in(called))
                        .order_by(CASES.c.id)).mappings().all()
    count = 0
    for row in rows:
        street = street_of(conn, row["place_unit_id"])
        if street is None or not sampled(row["ref"], settings.follow_up_rate):
            continue
        # Keyed by the resolution: two sweepers at once claim it once.
        if not _claim(conn, "follow_up_due", f"case:{row['id']}", row["resolved_at"], now,
                      unit_id=street):
            continue
        conn.execute(insert(cast(Table, FollowUpCall.__table__)).values(
            case_id=row["id"], unit_id=street, created_at=now))
        notify(conn, "follow_up_due", now,
               f"[caseflow] {row['ref']} follow-up call due: {row['title']}", street, row)
        count += 1
    return count
