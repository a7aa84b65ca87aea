"""Open311 reports waiting for a dispatcher: list, read, register as a case, dismiss."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from caseflow.api.auth import current_user, requires
from caseflow.api.common import problems, runtime
from caseflow.api.schemas import CaseSchema, InputSchema
from caseflow.services import case_views, intake_requests
from caseflow.services.intake_requests import INTAKE_STATUSES

blp = Blueprint("intake", __name__, url_prefix="/api/v1/intake",
                description="Open311 reports waiting for a dispatcher to choose their place")


class IntakeReporterSchema(Schema):
    """Who reported it, unmasked: the dispatcher may have to call them back."""

    name = fields.String()
    phone = fields.String()


class IntakeRequestSchema(Schema):
    """A report whose address named no known complex or building."""

    id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(INTAKE_STATUSES))
    received_at = fields.DateTime(required=True)
    category = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    address_string = fields.String(required=True)
    reporter = fields.Nested(IntakeReporterSchema, required=True)
    jurisdiction = fields.String(allow_none=True, metadata={"description": "jurisdiction_id sent"})
    case_ref = fields.String(allow_none=True, metadata={"description": "the case, once registered"})
    handled_at = fields.DateTime(allow_none=True)
    dismiss_reason = fields.String()


class IntakeListSchema(Schema):
    """The reports waiting for you, oldest first."""

    items = fields.List(fields.Nested(IntakeRequestSchema), required=True)


class RegisterSchema(InputSchema):
    """Where the report is about."""

    unit = fields.String(required=True, validate=validate.Length(min=1, max=64),
                         metadata={"description": "the code of a complex or building"})


class DismissSchema(InputSchema):
    """Why the report is refused; the Open311 client reads it back from tokens/{token}."""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


def _user_id() -> int:
    user = current_user()
    assert user is not None and user.id is not None  # noqa: S101 (`requires` let only users in)
    return user.id


@blp.route("", methods=["GET"])
@blp.response(200, IntakeListSchema)
@problems(blp, 401, 403)
@requires(intake_requests.DISPATCH_ROLES)
def waiting() -> dict[str, Any]:
    """Reports waiting in your jurisdiction (a dispatcher's city, or none given), oldest first."""
    with runtime().uow() as uow:
        return {"items": intake_requests.waiting_for(uow, _user_id())}


@blp.route("/<int:request_id>", methods=["GET"])
@blp.response(200, IntakeRequestSchema)
@problems(blp, 401, 403, 404)
@requires(intake_requests.DISPATCH_ROLES)
def read(request_id: int) -> dict[str, Any]:
    """One report, in any status."""
    with runtime().uow() as uow:
        return intake_requests.request_for(uow, request_id, _user_id())


@blp.route("/<int:request_id>/register", methods=["POST"])
@blp.arguments(RegisterSchema)
@blp.response(201, CaseSchema)
@problems(blp, 400, 401, 403, 404, 409, 422)
@requires(intake_requests.DISPATCH_ROLES)
def register(body: dict[str, Any], request_id: int) -> dict[str, Any]:
    """Submit the report as a case at `unit`; routed, timed and notified as any case. 409 once
    it has been registered or dismissed."""
    rt = runtime()
    with rt.uow() as uow:
        case = intake_requests.register(uow, rt.rules(), request_id, _user_id(), body["unit"],
                                        rt.now())
        return case_views.case_record(case, current_user(), rt.now())


@blp.route("/<int:request_id>/dismiss", methods=["POST"])
@blp.arguments(DismissSchema)
@blp.response(200, IntakeRequestSchema)
@problems(blp, 400, 401, 403, 404, 409, 422)
@requires(intake_requests.DISPATCH_ROLES)
def dismiss(body: dict[str, Any], request_id: int) -> dict[str, Any]:
    """Refuse the report with a reason. 409 once it has been registered or dismissed."""
    rt = runtime()
    with rt.uow() as uow:
        intake_requests.dismiss(uow, request_id, _user_id(), body["reason"], rt.now())
        return intake_requests.request_for(uow, request_id, _user_id())
