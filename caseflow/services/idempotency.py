"""Idempotency-Key: a retried request gets the first response and changes nothing twice."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from caseflow.domain.errors import InvalidInput
from caseflow.models import IdempotencyRecord
from caseflow.services.uow import UnitOfWork

MAX_KEY = 200


def request_hash(method: str, path: str, body: Any) -> str:
    """A fingerprint of a request: the same retry has the same hash."""
    text = json.dumps([method, path, body], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


RECORDS = cast(Table, IdempotencyRecord.__table__)
_RECALL = select(RECORDS.c.request_hash, RECORDS.c.status, RECORDS.c.body).where(
    RECORDS.c.scope == bindparam("scope"), RECORDS.c.key == bindparam("key")
)
_REMEMBER = insert(RECORDS)


def check_key(key: str) -> None:
    """An Idempotency-Key is 1 to MAX_KEY characters."""
    if not key or len(key) > MAX_KEY:
        raise InvalidInput("Idempotency-Key", f"must be 1 to {MAX_KEY} characters")


def recall(uow: UnitOfWork, scope: str, key: str, fingerprint: str) -> dict[str, Any] | None:
    """The remembered answer to this key in this scope, None if it is new; a key reused for a
    different request is a 422. Read on the unit of work's connection (no ORM object)."""
    row = uow.connection().execute(_RECALL, {"scope": scope, "key": key}).first()
    if row is None:
        return None
    if row.request_hash != fingerprint:
        raise InvalidInput(
            "Idempotency-Key",
            "this key was already used for a different request; use a new key for a new request",
        )
    body: dict[str, Any] = row.body
    return body


def remember(uow: UnitOfWork, scope: str, key: str, fingerprint: str, what: str,
             body: dict[str, Any], now: datetime) -> None:
    """Keep the answer in the same transaction as the change. A racing first attempt with
    the same key raises IntegrityError here or at commit (unique scope and key)."""
    uow.connection().execute(_REMEMBER, {
        "scope": scope, "key": key, "method": "POST", "path": what[:500],
        "request_hash": fingerprint, "status": 200, "body": encode(body), "created_at": now,
    })


def encode(value: Any) -> Any:
    """A JSON-safe copy of an answer: instants become {"$at": iso} (decode restores them)."""
    if isinstance(value, datetime):
        return {"$at": value.isoformat()}
    if isinstance(value, dict):
        return {name: encode(item) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    return value


def decode(value: Any) -> Any:
    """The answer `encode` stored, instants restored."""
    if isinstance(value, dict):
        if set(value) == {"$at"}:
            return datetime.fromisoformat(value["$at"])
        return {name: decode(item) for name, item in value.items()}
    if isinstance(value, list):
        return [decode(item) for item in value]
    return value


def _replay(uow: UnitOfWork, scope: str, key: str, fingerprint: str) -> tuple[int, Any] | None:
    record = uow.session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
        )
    )
    if record is None:
        return None
    if record.request_hash != fingerprint:
        raise InvalidInput(
            "Idempotency-Key",
            "this key was already used for a different request; use a new key for a new request",
        )
    return record.status, record.body


def run_once(
    uow: UnitOfWork,
    scope: str,
    key: str | None,
    method: str,
    path: str,
    body: Any,
    now: datetime,
    work: Callable[[], tuple[int, Any]],
) -> tuple[int, Any]:
    """Do `work` (which must not commit) and remember its response in the same transaction.

    `work` adds its changes to `uow` and returns (status, response body). A retry with the same
    key and request returns the remembered response; a different request with the key is a 422.
    Two racing first attempts: the unique (scope, key) lets one commit; the other replays it.
    Without a key (None) the work is simply done and committed.
    """
    if key is None:
        result = work()
        uow.commit()
        return result
    check_key(key)
    fingerprint = request_hash(method, path, body)
    earlier = _replay(uow, scope, key, fingerprint)
    if earlier is not None:
        return earlier
    status, response = work()
    uow.session.add(
        IdempotencyRecord(
            scope=scope, key=key, method=method, path=path[:500], request_hash=fingerprint,
            status=status, body=response, created_at=now,
        )
    )
    try:
        uow.commit()
    except IntegrityError:
        uow.session.rollback()
        earlier = _replay(uow, scope, key, fingerprint)
        if earlier is None:
            raise
        return earlier
    return status, response
