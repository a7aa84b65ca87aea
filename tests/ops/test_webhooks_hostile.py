"""Webhooks against a hostile network: replays refused by the documented verifier, one
endpoint down never duplicates another's, scope by unit subtree, a killed worker re-sends
at most one message.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from caseflow.models import OutboxDelivery, OutboxMessage
from caseflow.services.cases import submit_case
from caseflow.services.delivery import DeliveryPolicy, Webhook, deliver
from tests.factories import RESIDENT, build_tree, submission
from tests.ops.webhook_server import Receiver

SECRET = "whsec_" + "c2VjcmV0LWtleS1mb3ItdGVzdHM="  # noqa: S105 (a test's secret)
POLICY = DeliveryPolicy(max_attempts=4, base_delay=timedelta(seconds=10))
DOCS = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"


def documented_verifier() -> Any:
    """The `verify` function of docs/deploy.md, run as a receiver would copy it."""
    text = DOCS.read_text(encoding="utf-8")
    code = re.search(r"<!-- verify-webhook -->\n```python\n(.*?)```", text, re.DOTALL)
    assert code, "the verification snippet is missing from docs/deploy.md"
    namespace: dict[str, Any] = {}
    exec(compile(code.group(1), str(DOCS), "exec"), namespace)  # noqa: S102 (our own docs)
    return namespace["verify"]


def submit(runtime: Any, count: int = 1, unit: str | None = None) -> None:
    for n in range(count):
        with runtime.uow() as uow:
            extra = {"unit": unit} if unit else {}
            submit_case(uow, runtime.rules(), submission(title=f"噪音 {n}", **extra), RESIDENT,
                        runtime.now())
            uow.commit()


@pytest.fixture
def tree(runtime: Any) -> None:
    build_tree(runtime)


def test_a_replayed_request_is_refused_by_the_documented_verifier(runtime, tree, clock) -> None:  # type: ignore[no-untyped-def]
    verify = documented_verifier()
    submit(runtime)
    with Receiver() as receiver:
        deliver(runtime.uow, [Webhook("city", receiver.url, SECRET)], runtime.now(), POLICY)
    [(headers, body)] = receiver.accepted
    sent_at = runtime.now().timestamp()
    assert verify(SECRET, headers, body, now=sent_at + 2)
    assert not verify(SECRET, headers, body, now=sent_at + 600)  # replayed ten minutes later
    assert not verify(SECRET, headers, body.replace(b"}", b', "x": 1}', 1), now=sent_at)
    forged = {**headers, "webhook-timestamp": str(int(sent_at) + 600)}  # a fresh stamp
    assert not verify(SECRET, forged, body, now=sent_at + 600)  # does not match the signature


def test_one_endpoint_down_never_duplicates_another(runtime, tree, clock) -> None:  # type: ignore[no-untyped-def]
    submit(runtime, 2)
    with Receiver() as healthy, Receiver(fail_first=100) as down:
        hooks = [Webhook("healthy", healthy.url, SECRET), Webhook("down", down.url, SECRET)]
        for _ in range(POLICY.max_attempts + 2):
            deliver(runtime.uow, hooks, runtime.now(), POLICY)
            clock.advance(timedelta(hours=1))
    assert len(healthy.requests) == 2 and len(down.requests) == 2 * POLICY.max_attempts
    ids = {h["webhook-id"] for h, _ in healthy.requests}
    assert len(ids) == 2 and ids.isdisjoint({h["webhook-id"] for h, _ in down.requests})
    with runtime.uow() as uow:
        rows = {(r.webhook, r.status) for r in uow.session.scalars(select(OutboxDelivery))}
        statuses = set(uow.session.scalars(select(OutboxMessage.status)))
    assert rows == {("healthy", "delivered"), ("down", "dead")} and statuses == {"dead"}


def test_a_webhook_scoped_to_a_subtree_receives_only_its_cases(runtime, tree) -> None:  # type: ignore[no-untyped-def]
    submit(runtime, 1, unit="rhine")
    submit(runtime, 1, unit="lotus")
    with Receiver() as rhine, Receiver() as city:
        hooks = [Webhook("rhine", rhine.url, SECRET, units=frozenset({"rhine"})),
                 Webhook("city", city.url, SECRET, units=frozenset({"leshan"}))]
        deliver(runtime.uow, hooks, runtime.now(), POLICY)
    assert len(rhine.accepted) == 1 and len(city.accepted) == 2


def test_a_worker_killed_mid_batch_resends_at_most_one_message(runtime, tree, clock) -> None:  # type: ignore[no-untyped-def]
    submit(runtime, 5)
    with Receiver() as receiver:
        from caseflow.services.delivery import http_poster

        real = http_poster(__import__("requests").Session())
        calls = []

        def dies_on_the_third(url: str, body: bytes, headers: Any, timeout: float) -> int:
            calls.append(headers["webhook-id"])
            status = real(url, body, headers, timeout)
            if len(calls) == 3:
                raise SystemExit("SIGKILL")  # the worker dies after sending, before commit
            return status

        hook = [Webhook("city", receiver.url, SECRET)]
        with pytest.raises(SystemExit):
            deliver(runtime.uow, hook, runtime.now(), POLICY, dies_on_the_third)
        assert deliver(runtime.uow, hook, runtime.now(), POLICY).delivered == 0  # leased
        clock.advance(POLICY.lease)
        assert deliver(runtime.uow, hook, runtime.now(), POLICY).delivered == 3
    ids = [h["webhook-id"] for h, _ in receiver.accepted]
    assert len(ids) == 6 and len(set(ids)) == 5  # one duplicate, caught by its webhook-id
