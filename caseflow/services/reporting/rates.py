"""The three rates for a period, durations per layer, and their weekly or monthly trend."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from itertools import groupby
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy import case as when

from caseflow.domain.metrics import percentile, ratio, rounded
from caseflow.models import Case, CaseEvent
from caseflow.services.reporting.common import (
    NOT_HANDLED,
    Period,
    Report,
    dialect,
    local_bucket,
    scoped,
    seconds_between,
    submitted_in,
    table,
)
from caseflow.services.uow import UnitOfWork

RATE_COLUMNS = (
    "submitted", "response_rate", "resolution_rate", "on_time_resolution_rate",
    "satisfaction_rate", "evaluation_coverage", "reopen_rate",
)


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(when((condition, 1), else_=0))


def count_columns(now: datetime) -> list[Any]:
    """The counts every rate is built from, as SUM(CASE ...) over the period's cases."""
    handled = Case.state.notin_(NOT_HANDLED)
    resolved = handled & Case.state.in_(("resolved", "closed"))
    awaiting = (
        Case.first_accepted_at.is_(None) & (Case.state == "submitted") & (Case.next_due_at <= now)
    )
    return [
        func.count().label("submitted"),
        _flag(handled).label("handled"),
        _flag(Case.accepted_on_time.isnot(None) | awaiting).label("due_to_accept"),
        _flag(Case.accepted_on_time.is_(True)).label("accepted_on_time"),
        _flag(resolved).label("resolved"),
        _flag(resolved & Case.resolved_on_time.is_(True)).label("resolved_on_time"),
        _flag(handled & (Case.state == "closed")).label("closed"),
        _flag(Case.satisfaction.isnot(None)).label("evaluated"),
        _flag(Case.satisfaction == "satisfied").label("satisfied"),
        _flag(Case.satisfaction == "basically_satisfied").label("basically_satisfied"),
        _flag(Case.reopen_count > 0).label("reopened"),
        _flag((Case.state == "closed") | (Case.reopen_count > 0)).label("ever_closed"),
    ]


def rates_from_counts(c: Mapping[str, Any]) -> dict[str, float | None]:
    """Each rate from the counts of `count_columns` (docs/metrics.md §Rates)."""
    return {
        "response_rate": ratio(c["accepted_on_time"] or 0, c["due_to_accept"] or 0),
        "resolution_rate": ratio(c["resolved"] or 0, c["handled"] or 0),
        "on_time_resolution_rate": ratio(c["resolved_on_time"] or 0, c["resolved"] or 0),
        "satisfaction_rate": ratio(
            (c["satisfied"] or 0) + (c["basically_satisfied"] or 0), c["evaluated"] or 0
        ),
        "evaluation_coverage": ratio(c["evaluated"] or 0, c["closed"] or 0),
        "reopen_rate": ratio(c["reopened"] or 0, c["ever_closed"] or 0),
    }


def _row(key: dict[str, Any], counts: Mapping[str, Any]) -> dict[str, Any]:
    rates = {k: rounded(v) for k, v in rates_from_counts(counts).items()}
    return key | {"submitted": counts["submitted"]} | rates


def _counts(
    uow: UnitOfWork, period: Period, now: datetime, scope: int | None, key: Any = None
) -> list:
    """The counts of the period's cases, overall (key None) or grouped by `key`."""
    query = select(*count_columns(now)).where(submitted_in(period))
    if key is not None:
        query = query.add_columns(key.label("key")).group_by(key).order_by(key)
    return [row._mapping for row in uow.session.execute(scoped(query, scope))]


def _durations(uow: UnitOfWork, period: Period, scope: int | None, kind: str) -> list[dict]:
    """Median and p90 seconds to first acceptance (by the layer that accepted) or to
    resolution (by the layer that resolved), in the database where it can."""
    session = uow.session
    if kind == "accept":
        seconds = seconds_between(session, Case.submitted_at, Case.first_accepted_at)
        layer: Any = CaseEvent.to_layer
        query = select(layer.label("layer"), seconds.label("s")).join(
            CaseEvent,
            and_(CaseEvent.case_id == Case.id, CaseEvent.action == "accept",
                 CaseEvent.at == Case.first_accepted_at),
        ).where(Case.first_accepted_at >= period.start, Case.first_accepted_at < period.end)
    else:
        seconds = seconds_between(session, Case.submitted_at, Case.resolved_at)
        layer = Case.resolved_layer
        query = select(layer.label("layer"), seconds.label("s")).where(
            Case.resolved_at >= period.start, Case.resolved_at < period.end
        )
    query = scoped(query, scope)
    if dialect(session) == "postgresql":
        sub = query.subquery()
        grouped = select(
            sub.c.layer, func.count(),
            func.percentile_cont(0.5).within_group(sub.c.s),
            func.percentile_cont(0.9).within_group(sub.c.s),
        ).group_by(sub.c.layer)
        found = {r[0]: (r[1], r[2], r[3]) for r in session.execute(grouped)}
    else:
        # SQLite has no percentile: fetch only (layer, seconds), sorted by the database.
        rows = session.execute(query.order_by("layer", "s")).all()
        found = {}
        for name, group in groupby(rows, key=lambda r: r[0]):
            values = [float(r[1]) for r in group]
            found[name] = (len(values), percentile(values, 0.5), percentile(values, 0.9))
    return [
        {"layer": name, "clock": kind, "cases": n,
         "median_hours": rounded(None if p50 is None else float(p50) / 3600, 2),
         "p90_hours": rounded(None if p90 is None else float(p90) / 3600, 2)}
        for name, (n, p50, p90) in sorted(found.items(), key=lambda kv: str(kv[0]))
    ]


def rates_report(
    uow: UnitOfWork,
    period: Period,
    now: datetime,
    scope_unit_id: int | None = None,
    grain: str = "month",
    layer_order: tuple[str, ...] = (),
) -> Report:
    """Overall rates, rates per current layer, durations per layer and the trend."""
    trend_key = local_bucket(uow.session, Case.submitted_at, grain)
    buckets = _counts(uow, period, now, scope_unit_id, trend_key)
    trend = [_row({"period": r["key"]}, r) for r in buckets]
    # The period's counts are the sums of its buckets' counts: one pass over the cases.
    names = [c.name for c in count_columns(now)]
    totals = {n: sum(int(b[n] or 0) for b in buckets) for n in names}
    summary = _row({"scope": "all"}, totals)
    durations = _durations(uow, period, scope_unit_id, "accept")
    durations += _durations(uow, period, scope_unit_id, "resolve")
    if layer_order:
        rank = {name: i for i, name in enumerate(layer_order)}
        durations.sort(key=lambda r: (r["clock"], rank.get(r["layer"], len(rank))))
    return Report(
        "rates",
        {"from": period.start.isoformat(), "to": period.end.isoformat(), "grain": grain},
        (
            table("summary", [summary], ("scope", *RATE_COLUMNS)),
            table("trend", trend, ("period", *RATE_COLUMNS)),
            table("durations", durations,
                  ("layer", "clock", "cases", "median_hours", "p90_hours")),
        ),
    )
