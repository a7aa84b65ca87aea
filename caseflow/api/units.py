"""The jurisdiction tree."""

from __future__ import annotations

from typing import Any

from caseflow.api.auth import requires
from caseflow.api.common import Blueprint, problems, runtime
from caseflow.api.schemas import UnitTreeSchema
from caseflow.services.queries import unit_forest

blp = Blueprint("units", __name__, url_prefix="/api/v1/units", description="Units (单位)")


@blp.route("", methods=["GET"])
@blp.response(200, UnitTreeSchema)
@problems(blp, 401)
@requires()
def tree() -> dict[str, Any]:
    """Every unit, nested: city > district > street > community > complex > building."""
    with runtime().uow() as uow:
        return {"units": unit_forest(uow)}
