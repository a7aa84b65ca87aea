"""Notifications: written with the change, delivered signed, retried with backoff, dead-lettered."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from caseflow.models import OutboxMessage
from caseflow.services.cases import submit_case
from caseflow.services.delivery import DeliveryPolicy, Webhook, deliver
from caseflow.services.outbox import replay
from tests.factories import RESIDENT, build_tree, submission
from tests.ops.webhook_server import Receiver

SECRET = "s3cret"
POLICY = DeliveryPolicy(max_attempts=4, base_delay=timedelta(seconds=10))


@pytest.fixture
def submitted(runtime):
    build_tree(runtime)
    with runtime.uow() as uow:
        case = submit_case(uow, runtime.rules(), submission(), RESIDENT, runtime.now())[0]
        uow.commit()
    return case


def messages(runtime):
    with runtime.uow() as uow:
        return list(uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def run(runtime, url):
    return deliver(runtime.uow, [Webhook("test", url, SECRET)], runtime.now(), POLICY)


def test_a_submission_writes_one_pending_notice_without_personal_data(runtime, submitted):
    [message] = messages(runtime)
    assert (message.kind, message.status, message.attempts) == ("submitted", "pending", 0)
    assert message.payload["case"]["ref"] == submitted.ref
    assert "13800000001" not in json.dumps(message.payload, ensure_ascii=False)


def test_delivery_retries_with_backoff_until_the_receiver_recovers(runtime, submitted, clock):
    with Receiver(fail_first=2) as receiver:
        assert run(runtime, receiver.url).retrying == 1
        assert run(runtime, receiver.url).retrying == 0  # not due again before the backoff
        clock.advance(timedelta(seconds=10))
        assert run(runtime, receiver.url).retrying == 1
        clock.advance(timedelta(seconds=19))
        assert run(runtime, receiver.url).delivered == 0  # second delay doubled to 20 s
        clock.advance(timedelta(seconds=1))
        assert run(runtime, receiver.url).delivered == 1
    [message] = messages(runtime)
    assert (message.status, message.attempts) == ("delivered", 3)
    assert len(receiver.requests) == 3 and len(receiver.accepted) == 1
    headers, body = receiver.accepted[0]
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    digest = hmac.new(SECRET.encode(), signed, hashlib.sha256).digest()
    assert headers["webhook-signature"] == "v1," + base64.b64encode(digest).decode()
    ids = {h["webhook-id"] for h, _ in receiver.requests}
    assert len(ids) == 1 and json.loads(body)["idempotency_id"] == str(message.idempotency_id)
    assert json.loads(body)["case"]["ref"] == submitted.ref


def test_a_message_is_dead_after_the_limit_and_replay_sends_it_again(runtime, submitted, clock):
    with Receiver(fail_first=100) as receiver:
        for _ in range(POLICY.max_attempts):
            run(runtime, receiver.url)
            clock.advance(timedelta(hours=1))
        assert run(runtime, receiver.url).delivered == 0
        [message] = messages(runtime)
        assert (message.status, message.attempts) == ("dead", POLICY.max_attempts)
        assert "HTTP 503" in message.last_error
        receiver.fail_first = 0
        with runtime.uow() as uow:
            assert replay(uow, runtime.now(), all_dead=True) == 1
        assert run(runtime, receiver.url).delivered == 1
    assert messages(runtime)[0].status == "delivered"
    assert len(receiver.requests) == POLICY.max_attempts + 1
