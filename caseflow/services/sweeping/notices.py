"""Outbox rows for the sweep's events by one INSERT…SELECT: payloads built in SQL.

`outbox.payload_for` written in SQL, from each event and its case row as they stand after the
change, so a batch's notifications cost one statement instead of a dict, a JSON dump and a
UUID per case in Python (tests/services/test_sweep.py checks the two agree key for key).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    String,
    Table,
    bindparam,
    func,
    insert,
    literal,
    literal_column,
    select,
)
from sqlalchemy.orm import Session

from caseflow.models import OutboxMessage
from caseflow.models.base import UTCDateTime
from caseflow.services.outbox import notification_kind
from caseflow.services.sweeping.sql import (
    cases,
    events,
    ids_arg,
    in_ids,
    is_postgres,
    json_param,
)

outbox = cast(Table, OutboxMessage.__table__)
CASE_KEYS = ("ref", "title", "category", "priority", "layer", "state", "unit_id")
# A version-4 UUID as SQLAlchemy stores one on SQLite (32 hex digits): random but for the
# version nibble and the variant bits.
SQLITE_UUID4 = (
    "lower(hex(randomblob(6))) || '4' || substr(lower(hex(randomblob(2))), 2) || "
    "substr('89ab', 1 + (random() & 3), 1) || substr(lower(hex(randomblob(2))), 2) || "
    "lower(hex(randomblob(6)))"
)


def _text(value: str) -> ColumnElement[str]:
    return literal(value, String)


def _param(name: str) -> ColumnElement[str]:
    return bindparam(name, type_=String)


def payload_sql(pg: bool) -> ColumnElement[Any]:
    """The payload `payload_for` gives, for the `cases` row joined to each event; the kind,
    action, time and data are bound parameters (b_kind, b_action, b_at_iso, b_data)."""
    build = func.jsonb_build_object if pg else func.json_object
    case = build(*(part for key in CASE_KEYS for part in (_text(key), cases.c[key])))
    text = (_text("[caseflow] ") + cases.c.ref + _text(" ") + _param("b_kind") + _text(": ")
            + cases.c.title + _text(" (") + cases.c.layer + _text(", ") + cases.c.state
            + _text(")"))
    return build(
        _text("kind"), _param("b_kind"), _text("action"), _param("b_action"),
        _text("at"), _param("b_at_iso"), _text("case"), case,
        _text("data"), json_param(pg, "b_data"), _text("text"), text,
    )


@cache  # compiled once per database, bound anew for every group of every batch
def _insert(pg: bool) -> Any:
    uuid4 = func.gen_random_uuid() if pg else literal_column(SQLITE_UUID4)
    at = bindparam("b_now", type_=UTCDateTime())
    source = (
        select(events.c.id, events.c.case_id, _param("b_kind"), payload_sql(pg), uuid4,
               _text("pending"), literal(0), at, _text(""), at)
        .select_from(events.join(cases, cases.c.id == events.c.case_id))
        .where(in_ids(pg, events.c.id))
    )
    columns = ["event_id", "case_id", "kind", "payload", "idempotency_id", "status",
               "attempts", "next_attempt_at", "last_error", "created_at"]
    return insert(outbox).from_select(columns, source)


def enqueue_events(session: Session, event_ids: Sequence[int], action: str,
                   data: Mapping[str, Any], now: datetime) -> int:
    """Queue the notifications of events that share `action` and `data`; returns how many."""
    kind = notification_kind(action, data)
    if kind is None or not event_ids:
        return 0
    result = session.execute(_insert(is_postgres(session)), {
        "b_ids": ids_arg(session, event_ids), "b_kind": kind, "b_action": action,
        "b_at_iso": now.isoformat(), "b_data": dict(data), "b_now": now,
    })
    # An INSERT's result is a CursorResult; Session.execute is typed for any statement.
    return cast("CursorResult[*tuple[Any, ...]]", result).rowcount
