"""部门解题: how the functional departments answered what the streets sent them.

Per department, over the dispatches sent in the period (docs/departments.md):
- response rate = dispatches accepted (or returned) within the accept clock / dispatches
  whose accept clock ended or is already past due;
- on-time rate = results given within the resolve clock / dispatches whose resolve clock
  ended or is already past due (open dispatches past due count as late);
- satisfaction rate = (satisfied + basically satisfied) / evaluated cases, over the cases
  whose result by this department the holder confirmed;
- score = the composite of the three (10 / 50 / 40, the published 12345 variant), ranked.
The scope is the viewer's: dispatches of cases whose place lies in it, or to departments
that lie in it (a district reads its own departments whatever street sent the work).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy import case as when

from caseflow.domain.lifecycle import SATISFIED_LEVELS
from caseflow.domain.metrics import composite_score, rank, ratio, rounded
from caseflow.models import Case, Dispatch, Unit
from caseflow.services.reporting.common import Period, Report, in_subtree, labelled
from caseflow.services.reporting.common import table as make_table
from caseflow.services.uow import UnitOfWork

WEIGHTS = {"response": 10, "resolution": 50, "satisfaction": 40}
COLUMNS = (
    "rank", "department", "name", "score", "dispatched", "returned", "resolved", "confirmed",
    "open", "response_rate", "on_time_rate", "satisfaction_rate", "evaluated", "supervised",
)


def _sum(condition: Any) -> Any:
    return func.sum(when((condition, 1), else_=0))


def _counts(uow: UnitOfWork, period: Period, now: datetime, scope: int | None
            ) -> list[Mapping[str, Any]]:
    accept_judged = or_(Dispatch.accepted_on_time.is_not(None),
                        and_(Dispatch.state == "submitted", Dispatch.accept_due_at <= now))
    resolve_judged = or_(Dispatch.resolved_on_time.is_not(None),
                         and_(Dispatch.state == "accepted", Dispatch.resolve_due_at <= now))
    confirmed = Dispatch.state == "confirmed"
    query = (
        select(
            Unit.code.label("department"), Unit.name.label("name"),
            func.count().label("dispatched"),
            _sum(Dispatch.state == "returned").label("returned"),
            _sum(Dispatch.resolved_at.is_not(None)).label("resolved"),
            _sum(confirmed).label("confirmed"),
            _sum(Dispatch.state.in_(("submitted", "accepted", "resolved"))).label("open"),
            _sum(accept_judged).label("accept_judged"),
            _sum(Dispatch.accepted_on_time.is_(True)).label("accepted_on_time"),
            _sum(resolve_judged).label("resolve_judged"),
            _sum(Dispatch.resolved_on_time.is_(True)).label("resolved_on_time"),
            _sum(and_(confirmed, Case.satisfaction.is_not(None))).label("evaluated"),
            _sum(and_(confirmed, Case.satisfaction.in_(SATISFIED_LEVELS))).label("satisfied"),
            _sum(Dispatch.supervised.is_(True)).label("supervised"),
        )
        .select_from(Dispatch)
        .join(Unit, Unit.id == Dispatch.department_id)
        .join(Case, Case.id == Dispatch.case_id)
        .where(Dispatch.dispatched_at >= period.start, Dispatch.dispatched_at < period.end)
        .group_by(Unit.code, Unit.name)
    )
    place, department = in_subtree(Case.place_unit_id, scope), in_subtree(Unit.id, scope)
    if place is not None and department is not None:
        query = query.where(or_(place, department))
    return [labelled(row) for row in uow.session.execute(query)]


def departments_report(uow: UnitOfWork, period: Period, now: datetime, scope: int | None
                       ) -> Report:
    """The 部门解题 ranking of the departments in the viewer's scope."""
    rows: dict[str, dict[str, Any]] = {}
    for counts in _counts(uow, period, now, scope):
        rates = {
            "response": ratio(counts["accepted_on_time"], counts["accept_judged"]),
            "resolution": ratio(counts["resolved_on_time"], counts["resolve_judged"]),
            "satisfaction": ratio(counts["satisfied"], counts["evaluated"]),
        }
        rows[counts["department"]] = {
            "department": counts["department"], "name": counts["name"],
            "score": rounded(composite_score(rates, WEIGHTS), 2),
            **{key: int(counts[key] or 0) for key in (
                "dispatched", "returned", "resolved", "confirmed", "open", "evaluated",
                "supervised")},
            "response_rate": rounded(rates["response"]),
            "on_time_rate": rounded(rates["resolution"]),
            "satisfaction_rate": rounded(rates["satisfaction"]),
        }
    ranked = rank((code, row["score"]) for code, row in rows.items())
    ordered = [{"rank": r.rank, **rows[r.key]} for r in ranked]
    return Report("departments", {"weights": WEIGHTS},
                  (make_table("departments", ordered, COLUMNS),))
