"""The people of the grid: memberships, households, 代办, follow-up calls, meeting tasks,
and satisfaction by channel."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Response
from marshmallow import Schema, fields, validate

from caseflow.api.auth import current_user, requires
from caseflow.api.common import Blueprint, dumped, problems, runtime
from caseflow.api.schemas import InputSchema, SubmitSchema, SubmittedCaseSchema, Text
from caseflow.domain.errors import Unauthenticated
from caseflow.services.grid import follow_up, households, memberships, proxy, tasks
from caseflow.services.reporting import channels
from caseflow.services.reporting.service import READERS
from caseflow.services.visibility import GRID_ROLES, STAFF_ROLES, Viewer

blp = Blueprint("grid", __name__, url_prefix="/api/v1/grid",
                description="The people of the grid: memberships, households, 代办, 回访, tasks")
GRID_ROLE_CHOICES = sorted((STAFF_ROLES | GRID_ROLES) - {"admin"})


def _viewer() -> Viewer:
    user = current_user()
    if user is None:
        raise Unauthenticated()
    return user


class MembershipInSchema(InputSchema):
    """A role for a person in one more unit."""

    username = Text(required=True, validate=validate.Length(1, 64))
    unit = Text(required=True, validate=validate.Length(1, 64))
    role = Text(required=True, validate=validate.OneOf(GRID_ROLE_CHOICES))


class MembershipSchema(Schema):
    """One role of a person in one unit."""

    username = Text()
    display_name = Text()
    role = Text()
    unit_code = Text()
    unit_name = Text()


class HouseholdInSchema(InputSchema):
    """A household of a building's register."""

    building = Text(required=True, validate=validate.Length(1, 64))
    unit_number = Text(required=True, validate=validate.Length(1, 32))
    contact_name = Text(load_default="", validate=validate.Length(0, 100))
    contact_phone = Text(load_default="", validate=validate.Length(0, 32))
    notes = Text(load_default="", validate=validate.Length(0, 2000))
    liaison = Text(validate=validate.Length(1, 64))


class HouseholdSchema(Schema):
    """A household as this reader may see it (contacts masked for most readers)."""

    id = fields.Integer()
    building = Text()
    unit_number = Text()
    contact = fields.Dict()
    notes = Text()
    liaison = Text()


class BuildingQuerySchema(Schema):
    """Which building's register."""

    building = Text(required=True, validate=validate.Length(1, 64))


class OnBehalfSchema(SubmitSchema):
    """A grievance submitted for a resident (代办), with their consent."""

    consent = Text(required=True, validate=validate.OneOf(proxy.CONSENTS))
    consent_note = Text(load_default="", validate=validate.Length(0, 500))
    household_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))


class FollowUpSchema(Schema):
    """A follow-up call to make (or made)."""

    case_id = fields.Integer()
    ref = Text()
    title = Text()
    reporter = fields.Dict()
    resolved_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    answered_at = fields.DateTime(allow_none=True)
    outcome = Text(allow_none=True)


class FollowUpQuerySchema(Schema):
    """Waiting calls, or answered ones."""

    answered = fields.Boolean(load_default=False)


class FollowUpAnswerSchema(InputSchema):
    """What the resident answered."""

    outcome = Text(required=True, validate=validate.OneOf(follow_up.OUTCOMES))
    note = Text(load_default="", validate=validate.Length(0, 2000))


class MeetingTaskItemSchema(Schema):
    """A meeting task in its owner's inbox."""

    meeting_id = fields.Integer()
    index = fields.Integer()
    title = Text()
    owner = Text()
    due_on = Text()
    due_at = fields.DateTime(allow_none=True)
    status = Text()
    done = fields.Boolean()
    meeting_title = Text()
    case_id = fields.Integer(allow_none=True)


class ChannelQuerySchema(Schema):
    """Which part of the tree and which local dates."""

    unit = Text(validate=validate.Length(1, 64))
    from_ = fields.Date(data_key="from")
    to = fields.Date()


class ChannelRowSchema(Schema):
    """One channel's evaluations."""

    channel = Text()
    evaluated = fields.Integer()
    satisfied = fields.Integer()
    basically_satisfied = fields.Integer()
    unsatisfied = fields.Integer()
    satisfaction_rate = fields.Float(allow_none=True)


class ChannelReportSchema(Schema):
    """Satisfaction by channel and how the follow-up calls went."""

    period = Text()
    channels = fields.List(fields.Nested(ChannelRowSchema))
    follow_ups = fields.Dict()


@blp.route("/memberships", methods=["POST"])
@blp.arguments(MembershipInSchema)
@blp.response(201, MembershipSchema)
@problems(blp, 400, 401, 403)
@requires(("admin",))
def add_membership(body: dict[str, Any]) -> Any:
    """Give a person a role in one more unit (交叉任职; grid roles at buildings)."""
    with runtime().uow() as uow:
        return memberships.add_membership(uow, body["username"], body["unit"], body["role"])


@blp.route("/memberships/<username>", methods=["GET"])
@blp.response(200, MembershipSchema(many=True))
@problems(blp, 401, 403)
@requires(("admin",))
def list_memberships(username: str) -> Any:
    """Every role a person holds."""
    with runtime().uow() as uow:
        return memberships.memberships_of(uow, username)


@blp.route("/households", methods=["POST"])
@blp.arguments(HouseholdInSchema)
@blp.response(201, HouseholdSchema)
@problems(blp, 400, 401, 403)
@requires(STAFF_ROLES)
def add_household(body: dict[str, Any]) -> Any:
    """Register a household at a building of your area."""
    rt = runtime()
    with rt.uow() as uow:
        return households.add_household(uow, households.NewHousehold(_viewer(), **body), rt.now())


@blp.route("/households", methods=["GET"])
@blp.arguments(BuildingQuerySchema, location="query")
@blp.response(200, HouseholdSchema(many=True))
@problems(blp, 400, 401, 403)
@requires(STAFF_ROLES)
def list_households(query: dict[str, Any]) -> Any:
    """A building's household register (contacts masked unless you handle cases)."""
    with runtime().uow() as uow:
        return households.households_of(uow, _viewer(), query["building"])


@blp.route("/on-behalf", methods=["POST"])
@blp.arguments(OnBehalfSchema)
@blp.response(201, SubmittedCaseSchema)
@problems(blp, 400, 401, 403)
@requires(STAFF_ROLES)
def submit_on_behalf(body: dict[str, Any]) -> Response:
    """Submit a grievance for a resident (红色代办): their consent is required and recorded;
    the answer carries the tracking token to hand to the resident."""
    rt = runtime()
    extra = {key: body.pop(key) for key in ("consent", "consent_note", "household_id")
             if key in body}
    with rt.uow() as uow:
        receipt = proxy.submit_on_behalf(uow, rt.rules(), proxy.OnBehalf(
            _viewer(), body, extra["consent"], extra.get("consent_note", ""),
            extra.get("household_id")), rt.now())
    return dumped(SubmittedCaseSchema().dump(receipt.record), 201)


@blp.route("/follow-ups", methods=["GET"])
@blp.arguments(FollowUpQuerySchema, location="query")
@blp.response(200, FollowUpSchema(many=True))
@problems(blp, 401, 403)
@requires(STAFF_ROLES)
def list_follow_ups(query: dict[str, Any]) -> Any:
    """The follow-up calls (回访) of your streets, oldest first."""
    with runtime().uow() as uow:
        return follow_up.follow_ups_for(uow, _viewer(), query["answered"])


@blp.route("/follow-ups/<key>", methods=["POST"])
@blp.arguments(FollowUpAnswerSchema)
@blp.response(200, FollowUpSchema)
@problems(blp, 400, 401, 403, 404)
@requires(tuple(follow_up.CALLERS))
def answer_follow_up(body: dict[str, Any], key: str) -> Any:
    """Record the resident's answer: a satisfaction level is the case's evaluation."""
    rt = runtime()
    with rt.uow() as uow:
        return follow_up.record_follow_up(uow, rt.rules(), follow_up.FollowUpAnswer(
            _viewer(), key, body["outcome"], body["note"]), rt.now())


@blp.route("/tasks", methods=["GET"])
@blp.response(200, MeetingTaskItemSchema(many=True))
@problems(blp, 401, 403)
@requires(STAFF_ROLES)
def list_tasks() -> Any:
    """Your meeting tasks (and your units'), overdue first."""
    rt = runtime()
    with rt.uow() as uow:
        return [asdict(t) for t in tasks.tasks_of(uow, rt.rules(), _viewer(), rt.now())]


@blp.route("/tasks/<int:meeting_id>/<int:index>/done", methods=["POST"])
@blp.response(204)
@problems(blp, 400, 401, 403, 404)
@requires(STAFF_ROLES)
def finish_task(meeting_id: int, index: int) -> None:
    """Mark one of your meeting tasks done."""
    rt = runtime()
    with rt.uow() as uow:
        tasks.complete_task(uow, _viewer(), meeting_id, index, rt.now())


@blp.route("/reports/channels", methods=["GET"])
@blp.arguments(ChannelQuerySchema, location="query")
@blp.response(200, ChannelReportSchema)
@problems(blp, 400, 401, 403)
@requires(READERS)
def channel_report(query: dict[str, Any]) -> dict[str, Any]:
    """Satisfaction by the channel evaluations came through, and the follow-up calls."""
    rt = runtime()
    with rt.uow() as uow:
        report = channels.channel_report(uow, _viewer(), query.get("unit"), query.get("from_"),
                                         query.get("to"), rt.now())
    return {"period": report.period,
            "channels": [{**asdict(row), "satisfaction_rate": row.satisfaction_rate}
                         for row in report.channels],
            "follow_ups": {**asdict(report.follow_ups),
                           "reach_rate": report.follow_ups.reach_rate}}
