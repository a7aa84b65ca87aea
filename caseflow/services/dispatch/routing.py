"""Routing straight to a department (routing.yaml `then.department`, e.g. lifts → 市场监管)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseflow.models import Case, Unit
from caseflow.rules import RuleSet
from caseflow.services.dispatch.records import DEPARTMENT_KIND, departments_serving, new_dispatch


def dispatch_on_routing(session: Session, rules: RuleSet, case: Case, code: str,
                        now: datetime) -> dict[str, Any]:
    """Send a just-routed case to the department its rule names; what the submit event
    records. The case still starts at its territorial holder, which stays responsible and
    confirms the result. A code that names no department serving the place is recorded and
    the case left with its holder: a rule never loses a resident's case."""
    unit = session.scalar(select(Unit).where(Unit.code == code))
    serving = {u.id for u in departments_serving(session, case.unit_id)}
    if unit is None or unit.kind != DEPARTMENT_KIND or unit.id not in serving:
        return {"department_not_found": code}
    record = new_dispatch(session, rules, case.id, unit, case.unit_id, case.title, now)
    return {"department": code, "dispatch": record.id}
