"""Idempotency-Key: a retried request gets the first response and changes nothing twice."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from caseflow.domain.errors import InvalidInput, StaleVersion
from caseflow.models import Case, IdempotencyRecord
from caseflow.services.uow import UnitOfWork

MAX_KEY = 200


def request_hash(method: str, path: str, body: Any) -> str:
    """A fingerprint of a request: the same retry has the same hash."""
    text = json.dumps([method, path, body], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


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
    if not key or len(key) > MAX_KEY:
        raise InvalidInput("Idempotency-Key", f"must be 1 to {MAX_KEY} characters")
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


def act_once(
    uow: UnitOfWork,
    key: str | None,
    scope: str,
    path: str,
    body: Any,
    now: datetime,
    work: Callable[[], tuple[int, Any]],
    case_id: int,
) -> tuple[int, Any]:
    """`run_once` for a case action: a lost optimistic-lock race becomes StaleVersion."""
    try:
        return run_once(uow, scope, key, "POST", path, body, now, work)
    except StaleDataError:
        uow.session.rollback()
        current = uow.session.scalar(select(Case.version).where(Case.id == case_id))
        raise StaleVersion(current or 0) from None
