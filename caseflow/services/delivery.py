"""The delivery worker: POST pending outbox messages to webhooks, at least once.

Each message goes to every webhook subscribed to its kind and, when the webhook is scoped
to units, concerning a case in one of their subtrees. Requests are signed the Standard
Webhooks way (https://www.standardwebhooks.com): `webhook-id` (stable per message and
endpoint, the same on every retry: receivers drop repeats), `webhook-timestamp` (Unix
seconds: receivers refuse stale ones, so a captured request cannot be replayed later) and
`webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.

Delivery state is kept per message AND endpoint (`outbox_deliveries`): a failing endpoint
is retried with backoff on its own and never causes a resend to the others. Messages are
claimed with a lease (their next attempt moved ahead, committed) and each one's outcome is
committed as soon as it is known, so a killed worker re-sends at most the message it was
sending. On PostgreSQL the claim skips rows locked by another worker.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import requests
import yaml
from sqlalchemy import select, update

from caseflow.models import OutboxDelivery, OutboxMessage, Unit, UnitClosure
from caseflow.services.uow import UnitOfWork

Post = Callable[[str, bytes, Mapping[str, str], float], int]


@dataclass(frozen=True)
class Webhook:
    """Where one receiver listens; `kinds` empty means every kind, `units` empty every unit
    (else the codes of the units whose subtrees' cases it receives)."""

    name: str
    url: str
    secret: str = ""
    kinds: frozenset[str] = frozenset()
    format: str = "json"  # json | wecom | dingtalk (group robots want {"msgtype": "text"})
    timeout: float = 5.0
    units: frozenset[str] = frozenset()

    def wants(self, kind: str, unit_id: int | None = None,
              scope: frozenset[int] | None = None) -> bool:
        """True when this receiver subscribed to `kind` and, if scoped, to the case's unit
        (`scope`: the unit ids of its subtrees, resolved once per delivery pass)."""
        if self.kinds and kind not in self.kinds:
            return False
        return not self.units or (scope is not None and unit_id in scope)


@dataclass(frozen=True)
class DeliveryPolicy:
    """How hard to try: attempts before the dead letter, and the backoff between them."""

    max_attempts: int = 8
    base_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(hours=1)
    batch: int = 50
    lease: timedelta = timedelta(minutes=5)  # a claimed message is not claimed again sooner

    def delay(self, attempts: int) -> timedelta:
        """Wait after the `attempts`-th failure: base, 2×base, 4×base … capped."""
        wait: timedelta = min(self.base_delay * (2 ** max(attempts - 1, 0)), self.max_delay)
        return wait


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
            timeout=float(raw.get("timeout", 5.0)), units=frozenset(raw.get("units") or ()),
        ))
    return hooks


def load_webhooks(rules_config: Mapping[str, Any] | None, path: str | None = None) -> list[Webhook]:
    """Webhooks from the active rules, plus an instance file (`CASEFLOW_NOTIFICATIONS`)."""
    hooks = webhooks_from(rules_config)
    path = path or os.environ.get("CASEFLOW_NOTIFICATIONS")
    if path and Path(path).exists():
        hooks += webhooks_from(yaml.safe_load(Path(path).read_text(encoding="utf-8")))
    return hooks


def signing_key(secret: str) -> bytes:
    """The HMAC key: a Standard Webhooks secret `whsec_<base64>`, or the text's bytes."""
    if secret.startswith("whsec_"):
        return base64.b64decode(secret.removeprefix("whsec_"))
    return secret.encode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value: `v1,` and the base64 HMAC-SHA256 of id.timestamp.body."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(signing_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def webhook_id(message: OutboxMessage, hook: Webhook) -> str:
    """Stable per message and endpoint: the same on every retry, different per endpoint."""
    return "msg_" + uuid.uuid5(message.idempotency_id, hook.name).hex


def headers_for(hook: Webhook, message: OutboxMessage, body: bytes,
                now: datetime) -> dict[str, str]:
    """The Standard Webhooks headers (and caseflow's kind) of one request."""
    ident, timestamp = webhook_id(message, hook), int(now.timestamp())
    return {
        "Content-Type": "application/json",
        "webhook-id": ident,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(hook.secret, ident, timestamp, body),
        "X-Caseflow-Kind": message.kind,
        "X-Caseflow-Idempotency-Id": ident,
    }


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


def _post_one(hook: Webhook, message: OutboxMessage, post: Post, now: datetime) -> str:
    """One request; the error, or "" when the receiver took it (2xx)."""
    body = body_for(hook, message)
    try:
        status = post(hook.url, body, headers_for(hook, message, body, now), hook.timeout)
    except requests.RequestException as error:
        return f"{hook.name}: {type(error).__name__}: {error}"[:500]
    return "" if 200 <= status < 300 else f"{hook.name}: HTTP {status}"


def _deliveries(uow: UnitOfWork, message: OutboxMessage,
                hooks: Sequence[Webhook], now: datetime) -> list[tuple[Webhook, OutboxDelivery]]:
    """The delivery row of every endpoint the message goes to (made on first sight)."""
    rows = {row.webhook: row for row in uow.session.scalars(
        select(OutboxDelivery).where(OutboxDelivery.message_id == message.id))}
    pairs = []
    for hook in hooks:
        if hook.name not in rows:
            rows[hook.name] = OutboxDelivery(message_id=message.id, webhook=hook.name,
                                             status="pending", attempts=0,
                                             next_attempt_at=now, last_error="")
            uow.session.add(rows[hook.name])
        pairs.append((hook, rows[hook.name]))
    return pairs


def _settle_one(row: OutboxDelivery, error: str, now: datetime, policy: DeliveryPolicy) -> None:
    row.attempts += 1
    row.last_error = error
    if not error:
        row.status, row.delivered_at = "delivered", now
    elif row.attempts >= policy.max_attempts:
        row.status = "dead"
    else:
        row.next_attempt_at = now + policy.delay(row.attempts)


def _send(uow: UnitOfWork, message: OutboxMessage, hooks: Sequence[Webhook], post: Post,
          now: datetime, policy: DeliveryPolicy, report: DeliveryReport) -> None:
    """Send to each endpoint that is due and has not taken it yet; settle the message."""
    pairs = _deliveries(uow, message, hooks, now)
    errors = []
    for hook, row in pairs:
        if row.status == "pending" and row.next_attempt_at <= now:
            _settle_one(row, _post_one(hook, message, post, now), now, policy)
            if row.last_error:
                errors.append(row.last_error)
    message.attempts = max((row.attempts for _, row in pairs), default=message.attempts + 1)
    message.last_error = "; ".join(errors)[:2000]
    waiting = [row for _, row in pairs if row.status == "pending"]
    if waiting:
        message.next_attempt_at = min(row.next_attempt_at for row in waiting)
        report.retrying += 1
    elif any(row.status == "dead" for _, row in pairs):
        message.status = "dead"
        report.dead += 1
    else:
        message.status, message.delivered_at = "delivered", now
        report.delivered += 1
    report.errors += [f"#{message.id} {error}" for error in errors]


def _scopes(uow: UnitOfWork, hooks: Sequence[Webhook]) -> dict[str, frozenset[int]]:
    """Per scoped webhook, the ids of every unit in the subtrees of its units."""
    scopes = {}
    for hook in hooks:
        if hook.units:
            scopes[hook.name] = frozenset(uow.session.scalars(
                select(UnitClosure.descendant_id).join(Unit, Unit.id == UnitClosure.ancestor_id)
                .where(Unit.code.in_(sorted(hook.units)))))
    return scopes


def _claim(uow: UnitOfWork, now: datetime, policy: DeliveryPolicy) -> list[int]:
    """Ids of due pending messages, leased (next attempt moved ahead) and committed."""
    query = (select(OutboxMessage.id)
             .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
             .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(policy.batch))
    if uow.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(uow.session.scalars(query))
    if ids:
        uow.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                            .values(next_attempt_at=now + policy.lease)
                            .execution_options(synchronize_session=False))
    uow.commit()
    return ids


def deliver(
    uow_factory: Callable[[], UnitOfWork],
    hooks: Sequence[Webhook],
    now: datetime,
    policy: DeliveryPolicy = DeliveryPolicy(),
    post: Post | None = None,
) -> DeliveryReport:
    """Send every pending message that is due, and commit each one's outcome."""
    if post is None:
        with requests.Session() as session:
            return deliver(uow_factory, hooks, now, policy, http_poster(session))
    report = DeliveryReport()
    with uow_factory() as uow:
        scopes = _scopes(uow, hooks)
    while True:
        with uow_factory() as uow:
            ids = _claim(uow, now, policy)
        for message_id in ids:
            with uow_factory() as uow:
                message = uow.session.get(OutboxMessage, message_id)
                if message is None:
                    continue
                unit_id = (message.payload.get("case") or {}).get("unit_id")
                wanted = [hook for hook in hooks
                          if hook.wants(message.kind, unit_id, scopes.get(hook.name))]
                _send(uow, message, wanted, post, now, policy, report)
                uow.commit()
        if len(ids) < policy.batch:
            return report


def backlog(uow: UnitOfWork) -> dict[str, int]:
    """Messages by status (for metrics and `caseflow outbox list`)."""
    from sqlalchemy import func

    rows = uow.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    )
    return {status: count for status, count in rows}
