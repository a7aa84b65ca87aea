"""The delivery worker: POST pending outbox messages to webhooks, at least once.

Each message is sent to every webhook subscribed to its kind, signed with HMAC-SHA256 over
the body (`X-Caseflow-Signature: sha256=<hex>`) and carrying `X-Caseflow-Idempotency-Id`,
which stays the same on every retry so receivers can drop duplicates. A failed attempt is
retried after an exponentially growing delay; after `max_attempts` the message is dead and
waits for `caseflow outbox replay`. On PostgreSQL rows are claimed with SKIP LOCKED, so
several delivery workers never send the same message at the same time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import requests
import yaml
from sqlalchemy import select

from caseflow.models import OutboxMessage
from caseflow.services.uow import UnitOfWork

Post = Callable[[str, bytes, Mapping[str, str], float], int]


@dataclass(frozen=True)
class Webhook:
    """Where one receiver listens; `kinds` empty means every kind."""

    name: str
    url: str
    secret: str = ""
    kinds: frozenset[str] = frozenset()
    format: str = "json"  # json | wecom | dingtalk (group robots want {"msgtype": "text"})
    timeout: float = 5.0

    def wants(self, kind: str) -> bool:
        """True when this receiver subscribed to `kind`."""
        return not self.kinds or kind in self.kinds


@dataclass(frozen=True)
class DeliveryPolicy:
    """How hard to try: attempts before the dead letter, and the backoff between them."""

    max_attempts: int = 8
    base_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(hours=1)
    batch: int = 50

    def delay(self, attempts: int) -> timedelta:
        """Wait after the `attempts`-th failure: base, 2×base, 4×base … capped."""
        return min(self.base_delay * (2 ** max(attempts - 1, 0)), self.max_delay)


@dataclass
class DeliveryReport:
    """What one delivery pass did."""

    delivered: int = 0
    retrying: int = 0
    dead: int = 0
    errors: list[str] = field(default_factory=list)


def webhooks_from(config: Mapping[str, Any] | None) -> list[Webhook]:
    """Webhooks from notifications.yaml's `webhooks:` list; `secret_env` names an env var
    so that secrets stay out of the rules files (which are stored in the database)."""
    hooks = []
    for raw in (config or {}).get("webhooks") or ():
        secret = raw.get("secret") or os.environ.get(raw.get("secret_env") or "", "")
        hooks.append(Webhook(
            name=raw["name"], url=raw["url"], secret=secret,
            kinds=frozenset(raw.get("kinds") or ()), format=raw.get("format", "json"),
            timeout=float(raw.get("timeout", 5.0)),
        ))
    return hooks


def load_webhooks(rules_config: Mapping[str, Any] | None, path: str | None = None) -> list[Webhook]:
    """Webhooks from the active rules, plus an instance file (`CASEFLOW_NOTIFICATIONS`)."""
    hooks = webhooks_from(rules_config)
    path = path or os.environ.get("CASEFLOW_NOTIFICATIONS")
    if path and Path(path).exists():
        hooks += webhooks_from(yaml.safe_load(Path(path).read_text(encoding="utf-8")))
    return hooks


def sign(secret: str, body: bytes) -> str:
    """The signature header value a receiver recomputes to trust the body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def body_for(hook: Webhook, message: OutboxMessage) -> bytes:
    """The bytes POSTed: the payload with its id, or a group robot's text message."""
    if hook.format in ("wecom", "dingtalk"):
        document: dict[str, Any] = {"msgtype": "text",
                                    "text": {"content": message.payload.get("text", "")}}
    else:
        document = {**message.payload, "idempotency_id": str(message.idempotency_id)}
    return json.dumps(document, ensure_ascii=False, sort_keys=True).encode()


def http_poster(session: requests.Session) -> Post:
    """POST through one requests session (kept-alive connections); returns the status code
    and raises on network errors."""

    def post(url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> int:
        return session.post(url, data=body, headers=dict(headers), timeout=timeout).status_code

    return post


def _send(message: OutboxMessage, hooks: Sequence[Webhook], post: Post) -> str:
    """Send to every subscribed receiver; the first error, or "" when all took it."""
    for hook in hooks:
        if not hook.wants(message.kind):
            continue
        body = body_for(hook, message)
        headers = {
            "Content-Type": "application/json",
            "X-Caseflow-Kind": message.kind,
            "X-Caseflow-Idempotency-Id": str(message.idempotency_id),
            "X-Caseflow-Signature": sign(hook.secret, body),
        }
        try:
            status = post(hook.url, body, headers, hook.timeout)
        except requests.RequestException as error:
            return f"{hook.name}: {type(error).__name__}: {error}"[:500]
        if not 200 <= status < 300:
            return f"{hook.name}: HTTP {status}"
    return ""


def _settle(message: OutboxMessage, error: str, now: datetime, policy: DeliveryPolicy,
            report: DeliveryReport) -> None:
    message.attempts += 1
    message.last_error = error
    if not error:
        message.status, message.delivered_at = "delivered", now
        report.delivered += 1
    elif message.attempts >= policy.max_attempts:
        message.status = "dead"
        report.dead += 1
    else:
        message.next_attempt_at = now + policy.delay(message.attempts)
        report.retrying += 1
    if error:
        report.errors.append(f"#{message.id} {error}")


def deliver(
    uow_factory: Callable[[], UnitOfWork],
    hooks: Sequence[Webhook],
    now: datetime,
    policy: DeliveryPolicy = DeliveryPolicy(),
    post: Post | None = None,
) -> DeliveryReport:
    """Send every pending message that is due; one transaction per batch."""
    if post is None:
        with requests.Session() as session:
            return deliver(uow_factory, hooks, now, policy, http_poster(session))
    report = DeliveryReport()
    while True:
        with uow_factory() as uow:
            query = (
                select(OutboxMessage)
                .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(policy.batch)
            )
            if uow.session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            messages = list(uow.session.scalars(query))
            for message in messages:
                _settle(message, _send(message, hooks, post), now, policy, report)
            uow.commit()
        if len(messages) < policy.batch:
            return report


def backlog(uow: UnitOfWork) -> dict[str, int]:
    """Messages by status (for metrics and `caseflow outbox list`)."""
    from sqlalchemy import func

    rows = uow.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    )
    return {status: count for status, count in rows}
