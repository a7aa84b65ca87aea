"""Meetings (议事) and owners' votes (业主表决): plan, minutes, decision, ballots, notice."""

from __future__ import annotations

from typing import Any

from flask import request

from caseflow.api.auth import STAFF_ROLES, current_viewer, requires
from caseflow.api.common import Blueprint, problems, runtime
from caseflow.api.meeting_schemas import (
    BallotChangeSchema,
    BallotInSchema,
    BallotSchema,
    DecisionSchema,
    ImportedSchema,
    MeetingQuerySchema,
    MeetingSchema,
    MinutesSchema,
    NoticeSchema,
    PlanSchema,
    ResultSchema,
    VoteCreateSchema,
    VoteQuerySchema,
    VoteSchema,
)
from caseflow.domain.errors import InvalidInput
from caseflow.services import voting
from caseflow.services.deliberation import reads, writes
from caseflow.services.deliberation.reads import BallotView, MeetingView, Notice, VoteView

blp = Blueprint(
    "meetings", __name__, url_prefix="/api/v1", description="Meetings and owners' votes (议事)"
)



@blp.route("/meetings", methods=["POST"])
@blp.arguments(PlanSchema)
@blp.response(201, MeetingSchema)
@problems(blp, 401, 403, 404, 409, 422)
@requires(STAFF_ROLES)
def plan_meeting(body: dict[str, Any]) -> MeetingView:
    """Plan a meeting; on a case it applies `deliberate` in the same transaction."""
    rt = runtime()
    with rt.uow() as uow:
        return writes.plan_meeting(uow, rt.rules(), current_viewer(), rt.now(), **body)


@blp.route("/meetings", methods=["GET"])
@blp.arguments(MeetingQuerySchema, location="query")
@blp.response(200, MeetingSchema(many=True))
@problems(blp, 401, 403, 404)
@requires(STAFF_ROLES)
def list_meetings(args: dict[str, Any]) -> list[MeetingView]:
    """Meetings of a case or a complex in your area, earliest first."""
    with runtime().uow() as uow:
        return reads.meetings_for(uow, current_viewer(), args.get("case"), args.get("complex"))


@blp.route("/meetings/<int:meeting_id>", methods=["GET"])
@blp.response(200, MeetingSchema)
@problems(blp, 401, 403, 404)
@requires(STAFF_ROLES)
def get_meeting(meeting_id: int) -> MeetingView:
    """One meeting (403 outside your area; names masked for leaders and committees)."""
    with runtime().uow() as uow:
        return reads.meeting_for(uow, current_viewer(), meeting_id)


@blp.route("/meetings/<int:meeting_id>/minutes", methods=["POST"])
@blp.arguments(MinutesSchema)
@blp.response(200, MeetingSchema)
@problems(blp, 401, 403, 404, 409, 422)
@requires(STAFF_ROLES)
def record_minutes(body: dict[str, Any], meeting_id: int) -> MeetingView:
    """Write the minutes (until the decision is recorded)."""
    rt = runtime()
    with rt.uow() as uow:
        return writes.record_minutes(uow, current_viewer(), rt.now(), meeting_id, **body)


@blp.route("/meetings/<int:meeting_id>/decision", methods=["POST"])
@blp.arguments(DecisionSchema)
@blp.response(200, MeetingSchema)
@problems(blp, 401, 403, 404, 409, 422)
@requires(STAFF_ROLES)
def record_decision(body: dict[str, Any], meeting_id: int) -> MeetingView:
    """Record the decision; its case goes back to work, is resolved, or escalates."""
    rt = runtime()
    tasks = [{**t, "due_on": t["due_on"].isoformat()} for t in body["tasks"]]
    with rt.uow() as uow:
        return writes.record_decision(
            uow,
            rt.rules(),
            current_viewer(),
            rt.now(),
            meeting_id,
            body["outcome"],
            body["decisions"],
            tasks,
        )


@blp.route("/complexes/<code>/ballot-list", methods=["PUT"])
@blp.response(200, ImportedSchema)
@blp.doc(
    requestBody={
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            },
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"parts": {"type": "array", "items": {"type": "object"}}},
                }
            },
        },
        "description": "the ballot list: columns of docs/voting.md",
    }
)
@problems(blp, 401, 403, 404, 409, 422)
@requires(STAFF_ROLES)
def import_ballot_list(code: str) -> dict[str, Any]:
    """Replace the complex's ballot list from JSON, a CSV body or a CSV file upload."""
    rows = _ballot_rows()
    with runtime().uow() as uow:
        parts = writes.import_ballot_list(uow, current_viewer(), code, rows)
        return {"complex": code, "parts": parts}


def _ballot_rows() -> list[dict[str, Any]]:
    """Rows from whichever form the client sent."""
    if "file" in request.files:
        return voting.parse_ballot_csv(voting.decode_csv(request.files["file"].read()))
    if request.mimetype == "text/csv":
        return voting.parse_ballot_csv(voting.decode_csv(request.get_data()))
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("parts"), list):
        raise InvalidInput("parts", "send {parts: [...]}, a text/csv body or a file upload")
    return body["parts"]


@blp.route("/votes", methods=["POST"])
@blp.arguments(VoteCreateSchema)
@blp.response(201, VoteSchema)
@problems(blp, 401, 403, 404, 409, 422)
@requires(STAFF_ROLES)
def create_vote(body: dict[str, Any]) -> VoteView:
    """Open a vote on a matter for the owners of a complex."""
    rt = runtime()
    with rt.uow() as uow:
        return writes.create_vote(
            uow,
            rt.rules(),
            current_viewer(),
            rt.now(),
            body.pop("complex"),
            body.pop("title"),
            body.pop("matter"),
            **body,
        )


@blp.route("/votes", methods=["GET"])
@blp.arguments(VoteQuerySchema, location="query")
@blp.response(200, VoteSchema(many=True))
@problems(blp, 401, 404)
@requires(STAFF_ROLES)
def list_votes(args: dict[str, Any]) -> list[VoteView]:
    """Votes of a complex, newest first (none when it lies outside your area)."""
    with runtime().uow() as uow:
        return reads.votes_for(uow, current_viewer(), args["complex"])


@blp.route("/votes/<int:vote_id>", methods=["GET"])
@blp.response(200, VoteSchema)
@problems(blp, 401, 403, 404)
@requires(STAFF_ROLES)
def get_vote(vote_id: int) -> VoteView:
    """One vote (403 outside your area)."""
    with runtime().uow() as uow:
        return reads.vote_for(uow, current_viewer(), vote_id)


@blp.route("/votes/<int:vote_id>/ballots", methods=["POST"])
@blp.arguments(BallotInSchema)
@blp.response(201, BallotSchema)
@problems(blp, 401, 403, 404, 409, 422)
@requires(STAFF_ROLES)
def cast_ballot(body: dict[str, Any], vote_id: int) -> BallotView:
    """Record an owner's ballot; a second one from the same owner is refused (409)."""
    rt = runtime()
    with rt.uow() as uow:
        return writes.record_ballot(uow, current_viewer(), rt.now(), vote_id, **body)


@blp.route("/votes/<int:vote_id>/ballots/<voter>", methods=["PUT"])
@blp.arguments(BallotChangeSchema)
@blp.response(200, BallotSchema)
@problems(blp, 401, 403, 404, 409, 422)
@requires(STAFF_ROLES)
def change_ballot(body: dict[str, Any], vote_id: int, voter: str) -> BallotView:
    """Change an owner's ballot while the vote is open; refused after close (409)."""
    rt = runtime()
    with rt.uow() as uow:
        return writes.record_ballot(uow, current_viewer(), rt.now(), vote_id, voter, change=True,
                                    **body)


@blp.route("/votes/<int:vote_id>/ballots", methods=["GET"])
@blp.response(200, BallotSchema(many=True))
@problems(blp, 401, 403, 404)
@requires(STAFF_ROLES)
def list_ballots(vote_id: int) -> list[BallotView]:
    """The ballots recorded so far: for the committee running the vote and units above."""
    with runtime().uow() as uow:
        return reads.ballots_for(uow, current_viewer(), vote_id)


@blp.route("/votes/<int:vote_id>/close", methods=["POST"])
@blp.response(200, VoteSchema)
@problems(blp, 401, 403, 404, 409)
@requires(STAFF_ROLES)
def close_vote(vote_id: int) -> VoteView:
    """Close the vote, count it and publish the result on the public notice."""
    rt = runtime()
    with rt.uow() as uow:
        return writes.close_vote(uow, rt.rules(), current_viewer(), rt.now(), vote_id)


@blp.route("/votes/<int:vote_id>/result", methods=["GET"])
@blp.response(200, ResultSchema)
@problems(blp, 401, 403, 404)
@requires(STAFF_ROLES)
def vote_result(vote_id: int) -> dict[str, Any]:
    """The result with each threshold: needed, reached, passed (running count while open)."""
    rt = runtime()
    with rt.uow() as uow:
        return reads.result_for(uow, rt.rules(), current_viewer(), vote_id)


@blp.route("/complexes/<code>/notice", methods=["GET"])
@blp.response(200, NoticeSchema)
@problems(blp, 404)
def public_notice(code: str) -> Notice:
    """The complex's public notice (公示): decisions and tallies, no names; no login needed."""
    rt = runtime()
    with rt.uow() as uow:
        return reads.notice_board(uow, rt.now(), code)
