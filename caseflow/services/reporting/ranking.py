"""Unit ranking: units of one level by the composite of the three rates, with 数字城管 figures."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy import case as when
from sqlalchemy.orm import aliased

from caseflow.domain.metrics import composite_score, rank, ratio, rounded, weighted_satisfaction
from caseflow.models import ClockCharge, Unit, UnitClosure
from caseflow.services.reporting.common import Period, Report, in_subtree, labelled
from caseflow.services.reporting.common import table as make_table
from caseflow.services.reporting.rates import JUDGED, rates_from_counts
from caseflow.services.reporting.rollup import cohort_source, count_sums
from caseflow.services.uow import UnitOfWork

DEFAULT_WEIGHTS = {"response": 10, "resolution": 50, "satisfaction": 40}
DEFAULT_VALUES = {"satisfied": 1.0, "basically_satisfied": 0.9, "unsatisfied": 0.0}
COLUMNS = (
    "rank", "unit", "name", "score", "submitted", "response_rate", "resolution_rate",
    "satisfaction_score", "closure_rate", "on_time_closure_rate", "rework_rate",
    "extension_rate", "deferred", "late_clocks",
)


def _flag(condition: Any) -> Any:
    return func.sum(when((condition, 1), else_=0))


def _unit_counts(
    uow: UnitOfWork, period: Period, now: datetime, level: str, scope: int | None
) -> list[Mapping[str, Any]]:
    """Per unit of kind `level` (rolled up from each case's place): the rate counts plus
    the 数字城管 counts, from the monthly summary."""
    area = aliased(Unit)
    source = cohort_source(uow.session, period, now, scope, grain=None)
    query = (
        select(area.code.label("unit"), area.name.label("name"), *count_sums(source))
        .join(UnitClosure, UnitClosure.descendant_id == source.c.place_unit_id)
        .join(area, and_(area.id == UnitClosure.ancestor_id, area.kind == level))
        .group_by(area.code, area.name)
    )
    return [labelled(row) for row in uow.session.execute(query)]


def _late_clocks(
    uow: UnitOfWork, period: Period, level: str, scope: int | None
) -> dict[str, int]:
    """Per unit of kind `level`: accept and resolve clocks that ended late in the period at a
    unit of its subtree (clock_charges, charged where they ran: an escalated case's lateness
    stays with the unit that let it pass, not with the one that resolved it)."""
    area = aliased(Unit)
    query = (
        select(area.code, func.count())
        .select_from(ClockCharge)
        .join(UnitClosure, UnitClosure.descendant_id == ClockCharge.unit_id)
        .join(area, and_(area.id == UnitClosure.ancestor_id, area.kind == level))
        .where(ClockCharge.clock.in_(JUDGED), ClockCharge.ended_at >= period.start,
               ClockCharge.ended_at < period.end)
        .group_by(area.code)
    )
    inside = in_subtree(area.id, scope)
    if inside is not None:
        query = query.where(inside)
    return {key: n for key, n in uow.session.execute(query)}


def _figures(c: Mapping[str, Any], settings: Mapping[str, Any]) -> dict[str, Any]:
    values = settings.get("satisfaction_values") or DEFAULT_VALUES
    weights = settings.get("weights") or DEFAULT_WEIGHTS
    plain = rates_from_counts(c)
    satisfaction = weighted_satisfaction(
        {lvl: c[lvl] or 0 for lvl in ("satisfied", "basically_satisfied", "unsatisfied")},
        values,
    )
    rates = {
        "response": plain["response_rate"],
        "resolution": plain["resolution_rate"],
        "satisfaction": satisfaction,
    }
    due = c["due_to_close"] or 0
    return {
        "unit": c["unit"], "name": c["name"],
        "score": rounded(composite_score(rates, weights), 2),
        "submitted": c["submitted"],
        "response_rate": rounded(rates["response"]),
        "resolution_rate": rounded(rates["resolution"]),
        "satisfaction_score": rounded(satisfaction),
        "closure_rate": rounded(ratio(c["closed"] or 0, due)),
        "on_time_closure_rate": rounded(ratio(c["closed_on_time"] or 0, due)),
        "rework_rate": rounded(ratio(c["reworked"] or 0, due)),
        "extension_rate": rounded(ratio(c["extended"] or 0, due)),
        "deferred": c["deferred"] or 0,
    }


def ranking_report(
    uow: UnitOfWork,
    period: Period,
    now: datetime,
    level: str,
    settings: Mapping[str, Any],
    scope: int | None = None,
) -> Report:
    """Units of kind `level` in the scope ranked by composite score (ties share a rank)."""
    late = _late_clocks(uow, period, level, scope)
    figures = {
        row["unit"]: _figures(row, settings) | {"late_clocks": late.get(row["unit"], 0)}
        for row in _unit_counts(uow, period, now, level, scope)
    }
    ranked = rank((key, f["score"]) for key, f in figures.items())
    rows = [{"rank": r.rank} | figures[r.key] for r in ranked]
    return Report(
        "ranking",
        {"from": period.start.isoformat(), "to": period.end.isoformat(), "level": level,
         "weights": dict(settings.get("weights") or DEFAULT_WEIGHTS)},
        (make_table("ranking", rows, COLUMNS),),
    )
