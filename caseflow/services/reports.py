"""Figures for leaders: unresolved cases now (the reporting issue extends this module)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case as when
from sqlalchemy import func, select

from caseflow.domain.lifecycle import OPEN_STATES
from caseflow.models import Case, Unit, UnitClosure
from caseflow.services.uow import UnitOfWork

UNRESOLVED_DIMENSIONS = ("layer", "category", "state", "unit", "overdue", "green_channel")


def unresolved(
    uow: UnitOfWork, by: str, now: datetime, scope_unit_id: int | None = None
) -> list[dict[str, Any]]:
    """Open cases now grouped by one dimension, with how many of them are overdue."""
    if by not in UNRESOLVED_DIMENSIONS:
        raise ValueError(f"by must be one of {', '.join(UNRESOLVED_DIMENSIONS)}")
    overdue = Case.next_due_at <= now
    key = {
        "layer": Case.layer,
        "category": Case.category,
        "state": Case.state,
        "unit": Unit.code,
        "overdue": when((overdue, "overdue"), else_="on_time"),
        "green_channel": when((Case.green_channel, "green"), else_="normal"),
    }[by]
    query = (
        select(
            key.label("key"),
            func.count().label("open"),
            func.sum(when((overdue, 1), else_=0)).label("overdue"),
        )
        .where(Case.state.in_(OPEN_STATES))
        .group_by(key)
        .order_by(func.count().desc(), key)
    )
    if by == "unit":
        query = query.join(Unit, Unit.id == Case.unit_id)
    if scope_unit_id is not None:
        query = query.where(
            Case.unit_id.in_(
                select(UnitClosure.descendant_id).where(UnitClosure.ancestor_id == scope_unit_id)
            )
        )
    return [
        {"key": row.key, "open": row.open, "overdue": int(row.overdue or 0)}
        for row in uow.session.execute(query)
    ]
