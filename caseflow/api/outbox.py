"""Notifications for administrators: list outbox messages, replay failed ones."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from caseflow.api.auth import requires
from caseflow.api.common import Blueprint, problems, runtime
from caseflow.domain.errors import InvalidInput
from caseflow.services.outbox import OUTBOX_STATUSES, list_messages, replay

blp = Blueprint("outbox", __name__, url_prefix="/api/v1/outbox",
                description="Notifications (通知) waiting, delivered or dead")


class OutboxQuerySchema(Schema):
    """Which messages to list."""

    status = fields.String(validate=validate.OneOf(OUTBOX_STATUSES))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class OutboxMessageSchema(Schema):
    """One notification and how its delivery went."""

    id = fields.Integer()
    kind = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    idempotency_id = fields.UUID()
    next_attempt_at = fields.DateTime()
    delivered_at = fields.DateTime(allow_none=True)
    last_error = fields.String()
    payload = fields.Dict()


class OutboxListSchema(Schema):
    """Messages newest first."""

    messages = fields.List(fields.Nested(OutboxMessageSchema))


class ReplaySchema(Schema):
    """Messages to send again: by id, or every dead one."""

    ids = fields.List(fields.Integer(strict=True, validate=validate.Range(min=1, max=2**31 - 1)),
                      load_default=list, validate=validate.Length(max=1000))
    all_dead = fields.Boolean(load_default=False)


class ReplayedSchema(Schema):
    """How many messages were queued again."""

    replayed = fields.Integer()


@blp.route("", methods=["GET"])
@blp.arguments(OutboxQuerySchema, location="query")
@blp.response(200, OutboxListSchema)
@problems(blp, 401, 403, 422)
@requires(("admin",))
def messages(query: dict[str, Any]) -> dict[str, Any]:
    """Outbox messages, newest first, optionally only one status (e.g. `dead`)."""
    with runtime().uow() as uow:
        return {"messages": list(list_messages(uow, query.get("status"),
                                               query["limit"]))}


@blp.route("/replay", methods=["POST"])
@blp.arguments(ReplaySchema)
@blp.response(200, ReplayedSchema)
@problems(blp, 401, 403, 422)
@requires(("admin",))
def replay_messages(body: dict[str, Any]) -> dict[str, Any]:
    """Queue messages again from their first attempt (delivery retries them at once)."""
    if not body["ids"] and not body["all_dead"]:
        raise InvalidInput("ids", "give message ids or all_dead: true")
    rt = runtime()
    with rt.uow() as uow:
        return {"replayed": replay(uow, rt.now(), body["ids"], body["all_dead"])}
