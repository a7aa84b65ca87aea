"""The outbox: which events notify someone, writing them, listing and replaying them.

A message is written in the same transaction as the case change it reports, so a
notification exists exactly when the change does; `delivery` sends it at least once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, insert, select, update
from sqlalchemy.orm import Session

from caseflow.models import OutboxDelivery, OutboxMessage
from caseflow.models.outbox import OUTBOX_STATUSES as OUTBOX_STATUSES  # for the edges
from caseflow.services.uow import UnitOfWork

# Actions that always notify, by the kind receivers subscribe to.
KIND_OF_ACTION = {
    "submit": "submitted",
    "assign": "assigned",
    "reassign": "assigned",
    "claim": "assigned",
    "escalate": "escalated",
    "supervise": "overdue",
    "resolve": "resolved",
    "schedule_meeting": "meeting_scheduled",
    "deliberate": "meeting_scheduled",
}
KINDS = frozenset(KIND_OF_ACTION.values()) | {"warning", "overdue", "evaluated_unsatisfied"} | {
    "review_due", "task_warning", "task_overdue", "follow_up_due"}  # services.sweeping.grid


def notification_kind(action: str, data: Mapping[str, Any]) -> str | None:
    """The kind of notification an event raises, or None when it concerns nobody outside."""
    if action == "warn":
        return "overdue" if data.get("kind") == "overdue" else "warning"
    if action == "evaluate":
        return "evaluated_unsatisfied" if data.get("satisfaction") == "unsatisfied" else None
    return KIND_OF_ACTION.get(action)


def payload_for(
    kind: str, action: str, at: datetime, case: Mapping[str, Any], data: Mapping[str, Any]
) -> dict[str, Any]:
    """The JSON a webhook receives; no reporter name or phone ever leaves in a notification."""
    text = f"[caseflow] {case['ref']} {kind}: {case['title']} ({case['layer']}, {case['state']})"
    return {
        "kind": kind,
        "action": action,
        "at": at.isoformat(),
        "case": {key: case[key] for key in ("ref", "title", "category", "priority", "layer",
                                            "state", "unit_id")},
        "data": dict(data),
        "text": text,
    }


def enqueue_many(session: Session, messages: Iterable[Mapping[str, Any]], now: datetime) -> int:
    """Queue many notifications with one bulk INSERT (the sweep's set-based path).

    Each message: `event_id`, `case_id`, `action`, `data`, `case` (ref, title, ... fields).
    """
    rows = []
    for message in messages:
        kind = notification_kind(message["action"], message["data"])
        if kind is None:
            continue
        rows.append({
            "event_id": message["event_id"], "case_id": message["case_id"], "kind": kind,
            "payload": payload_for(kind, message["action"], now, message["case"],
                                   message["data"]),
            "idempotency_id": uuid.uuid4(), "status": "pending", "attempts": 0,
            "next_attempt_at": now, "last_error": "", "created_at": now,
        })
    # executemany of one cached statement: psycopg 3 pipelines it, SQLite loops in C; a
    # multi-row VALUES would be compiled afresh for every batch size.
    if rows:
        session.execute(insert(OutboxMessage), rows)
    return len(rows)


def list_messages(
    uow: UnitOfWork, status: str | None = None, limit: int = 100
) -> Sequence[OutboxMessage]:
    """Messages newest first, optionally only those with `status`."""
    session = uow.session
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status:
        query = query.where(OutboxMessage.status == status)
    return session.scalars(query).all()


def replay(
    uow: UnitOfWork, now: datetime, ids: Sequence[int] = (), all_dead: bool = False
) -> int:
    """Send messages again from the first attempt, and commit: the given ids (to every
    endpoint again), or every dead one (only to the endpoints that gave up on it)."""
    query = update(OutboxMessage).values(
        status="pending", attempts=0, next_attempt_at=now, last_error=""
    )
    rows = update(OutboxDelivery).values(status="pending", attempts=0, next_attempt_at=now,
                                         last_error="", delivered_at=None)
    if all_dead:
        dead = select(OutboxMessage.id).where(OutboxMessage.status == "dead")
        rows = rows.where(OutboxDelivery.message_id.in_(dead), OutboxDelivery.status == "dead")
        query = query.where(OutboxMessage.status == "dead")
    else:
        rows = rows.where(OutboxDelivery.message_id.in_(list(ids)))
        query = query.where(OutboxMessage.id.in_(list(ids)))
    uow.session.execute(rows.execution_options(synchronize_session=False))
    result = uow.session.execute(query.execution_options(synchronize_session=False))
    count = int(cast(CursorResult[Any], result).rowcount)
    uow.commit()
    return int(count or 0)
