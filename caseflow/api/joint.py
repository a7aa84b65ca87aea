"""Joint meetings on a rhythm (常态化联席会议): series, their agendas and item decisions."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from caseflow.api.auth import STAFF_ROLES, current_viewer, requires
from caseflow.api.common import Blueprint, problems, runtime
from caseflow.api.meeting_schemas import MeetingSchema, ParticipantSchema
from caseflow.domain.rhythm import FREQUENCIES
from caseflow.services.deliberation import rhythm
from caseflow.services.deliberation.agenda import FOLLOW_UP_ACTIONS, ItemDecision

blp = Blueprint("joint", __name__, url_prefix="/api/v1",
                description="Joint meetings on a rhythm and their agendas (联席会议)")
Text = fields.String


class SeriesInSchema(Schema):
    """A standing joint meeting to start."""

    area = Text(required=True, metadata={"description": "community or complex unit code"})
    kind = Text(required=True, metadata={"description": "a kind from meetings.yaml"})
    title = Text(required=True)
    frequency = Text(required=True, validate=validate.OneOf(FREQUENCIES))
    day = fields.Integer(required=True, metadata={
        "description": "day of the month (monthly) or ISO weekday 1-7 (weekly)"})
    at = Text(required=True, metadata={"description": "local time, HH:MM"})
    place = Text(load_default="")
    participants = fields.List(fields.Nested(ParticipantSchema), load_default=list)


class SeriesSchema(Schema):
    """A series with its latest sittings."""

    id = fields.Integer()
    area = Text(attribute="area_code")
    area_name = Text()
    kind = Text()
    title = Text()
    place = Text()
    frequency = Text()
    day = fields.Integer()
    at = Text()
    next_at = fields.DateTime(metadata={"description": "the next sitting not yet planned"})
    active = fields.Boolean()
    sittings = fields.List(fields.Nested(MeetingSchema))


class ItemSchema(Schema):
    """One agenda item: a hard case with why, or the month's hotspot, and its decision."""

    id = fields.Integer()
    position = fields.Integer()
    case = Text(attribute="case_ref", allow_none=True)
    case_title = Text()
    case_state = Text(allow_none=True)
    case_layer = Text(allow_none=True)
    reasons = fields.List(Text(), metadata={
        "description": "problem, escalated, open_long, repeat, or hotspot"})
    topic = Text(metadata={"description": "hotspot: its category"})
    detail = Text(metadata={"description": "hotspot: cases in the last 30 days"})
    decision = Text()
    follow_up = fields.Dict()
    decided_at = fields.DateTime(allow_none=True)


class AgendaSchema(Schema):
    """A meeting's agenda."""

    meeting = fields.Nested(MeetingSchema)
    items = fields.List(fields.Nested(ItemSchema))
    may_decide = fields.Boolean()
    series_id = fields.Integer(allow_none=True)


class ItemDecisionSchema(Schema):
    """The meeting's decision on an item: a task for someone, an action on its case, or
    neither."""

    decision = Text(required=True)
    task_owner = Text(load_default="")
    task_due_on = Text(load_default="", metadata={"description": "ISO date, with task_owner"})
    action = Text(load_default="", validate=validate.OneOf(("", *FOLLOW_UP_ACTIONS)))



@blp.route("/meeting-series", methods=["POST"])
@blp.arguments(SeriesInSchema)
@blp.response(201, SeriesSchema)
@problems(blp, 401, 403, 404, 422)
@requires(STAFF_ROLES)
def start_series(body: dict[str, Any]) -> rhythm.SeriesView:
    """Start a standing joint meeting; its sittings are planned ahead by the sweep."""
    rt = runtime()
    with rt.uow() as uow:
        return rhythm.start_series(uow, rt.rules(), current_viewer(), rt.now(),
                                   rhythm.SeriesCommand(**body))


@blp.route("/meeting-series", methods=["GET"])
@blp.response(200, SeriesSchema(many=True))
@problems(blp, 401, 403)
@requires(STAFF_ROLES)
def list_series() -> list[rhythm.SeriesView]:
    """The series in your area."""
    with runtime().uow() as uow:
        return rhythm.series_for(uow, current_viewer())


@blp.route("/meetings/<int:meeting_id>/agenda", methods=["GET"])
@blp.response(200, AgendaSchema)
@problems(blp, 401, 403, 404)
@requires(STAFF_ROLES)
def get_agenda(meeting_id: int) -> rhythm.MeetingAgenda:
    """A meeting's agenda items, hard cases first."""
    with runtime().uow() as uow:
        return rhythm.meeting_agenda(uow, current_viewer(), meeting_id)


@blp.route("/meetings/<int:meeting_id>/agenda/<int:item_id>/decision", methods=["POST"])
@blp.arguments(ItemDecisionSchema)
@blp.response(200, AgendaSchema)
@problems(blp, 401, 403, 404, 409, 422)
@requires(STAFF_ROLES)
def decide_item(body: dict[str, Any], meeting_id: int, item_id: int) -> rhythm.MeetingAgenda:
    """Record the decision on one item: a tracked task, or an action on its case."""
    rt = runtime()
    with rt.uow() as uow:
        return rhythm.decide_item(uow, rt.rules(), current_viewer(), rt.now(), meeting_id, item_id,
                                  ItemDecision(**body))
