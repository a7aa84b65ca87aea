"""A case's dispatches to departments (部门解题): what each was asked, its state and clocks."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from caseflow.api.auth import STAFF_ROLES, current_user, requires
from caseflow.api.common import KEY_PARAMETER, Blueprint, problems, runtime
from caseflow.services.dispatch.views import case_dispatches
from caseflow.services.visibility import require_staff

blp = Blueprint("dispatches", __name__, url_prefix="/api/v1/cases",
                description="Dispatches to departments (部门解题)")


class DispatchSchema(Schema):
    """One dispatch; `actions` are what you may do to it now (data: {"dispatch": id})."""

    id = fields.Integer(required=True)
    department_code = fields.String(required=True)
    department_name = fields.String(required=True)
    state = fields.String(required=True, metadata={
        "description": "submitted, accepted, resolved, confirmed, returned or cancelled"})
    asked = fields.String(required=True)
    result = fields.String(required=True)
    return_reason = fields.String(required=True)
    dispatched_at = fields.DateTime(required=True)
    accept_due_at = fields.DateTime(required=True)
    resolve_due_at = fields.DateTime(required=True)
    accepted_at = fields.DateTime(allow_none=True, required=True)
    resolved_at = fields.DateTime(allow_none=True, required=True)
    overdue = fields.Boolean(required=True)
    supervised = fields.Boolean(required=True)
    rejections = fields.Integer(required=True)
    actions = fields.List(fields.String(), required=True)


@blp.route("/<key>/dispatches", methods=["GET"], parameters=[KEY_PARAMETER])
@blp.response(200, DispatchSchema(many=True))
@problems(blp, 401, 403, 404)
@requires(STAFF_ROLES)
def dispatches(key: str) -> list[Any]:
    """The case's dispatches to departments, oldest first."""
    rt = runtime()
    with rt.uow() as uow:
        return case_dispatches(uow, rt.rules(), require_staff(current_user()), key, rt.now())
