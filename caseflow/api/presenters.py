"""Turn cases into the plain dicts the response schemas dump."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import Any

from caseflow.domain.due import due_status
from caseflow.models import Case, Unit
from caseflow.services.privacy import reporter_view
from caseflow.services.queries import UnitRef


def unit_ref(unit: Unit | UnitRef) -> dict[str, str]:
    """A unit by code, name and kind."""
    return {"code": unit.code, "name": unit.name, "kind": unit.kind}


def case_view(
    case: Case | SimpleNamespace, full: bool, now: datetime, tracking_token: str | None = None
) -> dict:
    """A case (ORM or queries.case_snapshot) for CaseSchema; `full` shows the reporter unmasked."""
    view: dict[str, Any] = {
        name: getattr(case, name)
        for name in (
            "id", "ref", "title", "description", "category", "priority", "nature", "channel",
            "tags", "state", "layer", "assignee_id", "green_channel", "returned", "supervised",
            "problem_case", "extension_pending", "deadlines", "submitted_at",
            "updated_at", "resolved_at", "closed_at", "satisfaction", "routing_rule",
            "rules_version", "version",
        )
    }
    view["unit"], view["place"] = unit_ref(case.unit), unit_ref(case.place_unit)
    view["reporter"] = reporter_view(case, full)
    # The one definition (domain.due): running clocks at `now`, not the sweep's work queue.
    status = due_status(case.overdue_from, case.warning_from, now)
    view["overdue"], view["warning"] = status == "overdue", status == "warning"
    view["next_due_at"] = case.overdue_from
    if tracking_token is not None:
        view["tracking_token"] = tracking_token
    return view
