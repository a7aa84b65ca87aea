"""Cases: submit, list, read, act, follow the history, evaluate."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request

from caseflow.api.auth import STAFF_ROLES, current_token, current_user, requires, staff_in
from caseflow.api.common import KEY_PARAMETER, Blueprint, dumped, problems, rate_limit, runtime
from caseflow.api.schemas import (
    ActionSchema,
    AllowedActionsSchema,
    CasePageSchema,
    CaseQuerySchema,
    CaseSchema,
    EvaluationSchema,
    EventSchema,
    SubmitSchema,
    SubmittedCaseSchema,
)
from caseflow.domain.errors import Unauthenticated
from caseflow.domain.policy import OUTSIDE, Actor
from caseflow.services import actions, case_views, idempotency, queries
from caseflow.services.actions import ActionCommand
from caseflow.services.timeline import timeline
from caseflow.services.visibility import Viewer, require_staff, resident, viewer_of

blp = Blueprint("cases", __name__, url_prefix="/api/v1/cases", description="Cases (诉求)")
RESIDENT = Actor(role="resident", relation="owner", label="resident")
# Built once: a marshmallow schema is reusable, and building one copies every declared field.
CASE_SCHEMA, SUBMITTED_SCHEMA = CaseSchema(), SubmittedCaseSchema()
IDEMPOTENCY_HEADER = {
    "Idempotency-Key": {
        "description": "retry-safe key: a retry returns the first response",
        "schema": {"type": "string", "maxLength": 200},
    }
}


def _submitter() -> Actor:
    user = current_user()
    if user is None:
        return RESIDENT
    return Actor(role=user.role, relation=OUTSIDE, user_id=user.id, label=user.username)


@blp.route("", methods=["POST"])
@blp.arguments(SubmitSchema)
@blp.response(201, SubmittedCaseSchema)
@blp.doc(parameters=[{"in": "header", "name": k, **v} for k, v in IDEMPOTENCY_HEADER.items()])
@problems(blp, 400, 401, 413, 429)
def submit(body: dict[str, Any]) -> Response:
    """Submit a grievance; public, rate-limited; answers the resident's tracking token once."""
    rt, actor = runtime(), _submitter()
    rules, now, scope = rt.rules(), rt.now(), f"submit:{actor.label}:{actor.user_id}"
    with rt.uow() as uow:

        def work() -> tuple[int, Any]:
            receipt = case_views.submission_receipt(uow, rules, body, actor, now)
            return 201, SUBMITTED_SCHEMA.dump(receipt)

        status, result = idempotency.run_once(
            uow, scope, request.headers.get("Idempotency-Key"), "POST", request.path, body, now,
            work,
        )
    return dumped(result, status)


@blp.route("", methods=["GET"])
@blp.arguments(CaseQuerySchema, location="query")
@blp.response(200, CasePageSchema)
@problems(blp, 401, 403)
@requires(STAFF_ROLES)
def list_cases(args: dict[str, Any]) -> dict[str, Any]:
    """Cases in your jurisdiction: filters, search, sort by urgency, pages."""
    rt, user = runtime(), current_user()
    paging = {k: args.pop(k) for k in ("sort", "page", "per_page")}
    if args.get("assignee") == "me" and user is not None:
        args["assignee"] = user.username
    filters = queries.CaseFilters(**{**args, "state": tuple(args.get("state") or ())})
    now = rt.now()
    with rt.uow() as uow:
        items, total = case_views.list_for(uow, requires_user(), filters, now, **paging)
        views = [case_views.record_of(case, now) for case in items]
    return {"items": views, "total": total, "page": paging["page"], "per_page": paging["per_page"]}


@blp.route("/<key>", methods=["GET"], parameters=[KEY_PARAMETER])
@blp.response(200, CaseSchema)
@blp.doc(parameters=[{"in": "header", "name": "X-Tracking-Token", "schema": {"type": "string"},
                      "description": "a resident reads their own case with its tracking token"}])
@problems(blp, 401, 403, 404)
def get_case(key: str) -> dict[str, Any]:
    """One case by id or reference: staff in its jurisdiction, or the resident with the token."""
    rt, token = runtime(), request.headers.get("X-Tracking-Token")
    with rt.uow() as uow:
        if current_token() is None and token:
            return case_views.case_for_resident(uow, key, token, rt.now())
        return case_views.case_for_api(uow, requires_user(), key, rt.now())


@blp.route("/<key>/actions", methods=["GET"], parameters=[KEY_PARAMETER])
@blp.response(200, AllowedActionsSchema)
@problems(blp, 401, 403, 404)
@requires(STAFF_ROLES)
def allowed_actions(key: str) -> dict[str, Any]:
    """What you may do to this case now."""
    rt = runtime()
    with rt.uow() as uow:
        return case_views.allowed_actions(uow, rt.rules(), requires_user(), key, rt.now())


@blp.route("/<key>/actions", methods=["POST"], parameters=[KEY_PARAMETER])
@blp.arguments(ActionSchema)
@blp.response(200, CaseSchema)
@blp.doc(parameters=[{"in": "header", "name": k, **v} for k, v in IDEMPOTENCY_HEADER.items()])
@problems(blp, 400, 401, 403, 404, 409, 413)
def act(body: dict[str, Any], key: str) -> Response:
    """Take an action with the version you saw: a stale version is a 409, nothing is changed."""
    rt = runtime()
    with rt.uow() as uow:
        command = ActionCommand(
            case=key, action=body["action"], actor=staff_in(uow), note=body["note"],
            visibility=body["visibility"], data=body["data"], expected_version=body["version"],
            idempotency_key=request.headers.get("Idempotency-Key"), show=True,
        )
        acted = actions.act(uow, rt.rules(), command, rt.now())
    # Masked as a list is (acting is not a read of the full record); a retry's is the first.
    return dumped(CASE_SCHEMA.dump(acted.record), 200)


@blp.route("/<key>/events", methods=["GET"], parameters=[KEY_PARAMETER])
@blp.response(200, EventSchema(many=True))
@blp.doc(parameters=[{"in": "header", "name": "X-Tracking-Token", "schema": {"type": "string"},
                      "description": "a resident reads their own case's public history"}])
@problems(blp, 401, 403, 404)
def events(key: str) -> list[Any]:
    """The case's history, oldest first, each note marked internal or public (a reply).

    Staff in its jurisdiction read all of it; the resident holding the tracking token reads
    the replies, the state changes and the handling unit, never internal notes or staff names.
    """
    rt, token = runtime(), request.headers.get("X-Tracking-Token")
    with rt.uow() as uow:
        if current_token() is None and token:
            case = queries.case_for_resident(uow, key, token)
            return timeline(uow, case.id, resident(case.id))
        user = requires_user()
        # The user row is detached here: its unit is not needed to read the timeline.
        viewer = require_staff(viewer_of(user))
        case = queries.visible_case(uow, user, key)
        return timeline(uow, case.id, viewer)


@blp.route("/<key>/evaluation", methods=["POST"], parameters=[KEY_PARAMETER])
@blp.arguments(EvaluationSchema)
@blp.response(200, CaseSchema)
@problems(blp, 400, 403, 404, 413)
def evaluate(body: dict[str, Any], key: str) -> dict[str, Any]:
    """The resident rates the result, proving who they are with the tracking token."""
    rt = runtime()
    scores: dict[str, Any] = {
        k: body[k] for k in ("response", "resolution", "attitude") if k in body
    }
    with rt.uow() as uow:
        queries.case_for_resident(uow, key, body["tracking_token"])
        acted = actions.act(uow, rt.rules(), ActionCommand(
            key, "evaluate", RESIDENT, body["comment"],
            data={"satisfaction": body["satisfaction"], **scores}, show=True,
        ), rt.now())
        assert acted.case is not None  # noqa: S101 (shown: the command asked for the case)
        return case_views.case_record(acted.case, resident(acted.case_id), rt.now())


def requires_user() -> Viewer:
    """The authenticated user, or 401."""
    user = current_user()
    if user is None:
        raise Unauthenticated()
    return user


def after_register(app: Flask) -> None:
    """Rate-limit anonymous submissions; token holders are counted by their token instead."""
    rate_limit(app, "cases.submit", lambda: app.config["SUBMIT_RATE_LIMIT"],
               exempt_when=lambda: bool(request.headers.get("Authorization")))
