"""The three rates for a period, durations per layer, and their weekly or monthly trend."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from itertools import groupby
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, cast, func, or_, select
from sqlalchemy import case as when

from caseflow.domain.lifecycle import OPEN_STATES
from caseflow.domain.metrics import percentile, ratio, rounded
from caseflow.models import Case, CaseClockSeconds, CaseClockTime
from caseflow.services import due
from caseflow.services.reporting.common import (
    NOT_HANDLED,
    Period,
    Report,
    in_subtree,
    labelled,
    table,
)
from caseflow.services.reporting.rollup import cohort_source, count_sums, split
from caseflow.services.uow import UnitOfWork

# The clocks the rates judge; the charges of other clocks (the butler's service promises)
# are kept but not counted (docs/metrics.md §On time).
JUDGED = ("accept", "resolve")
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
        Case.first_accepted_at.is_(None) & (Case.state == "submitted")
        & due.overdue(now) & Case.accepted_on_time.is_(None)
    )
    open_late = (
        Case.state.in_(OPEN_STATES) & (Case.state != "resolved")
        & (due.overdue(now) | Case.resolved_on_time.is_(False))
    )
    return [
        func.count().label("submitted"),
        _flag(handled).label("handled"),
        _flag(Case.accepted_on_time.isnot(None) | awaiting).label("due_to_accept"),
        _flag(Case.accepted_on_time.is_(True)).label("accepted_on_time"),
        _flag(resolved).label("resolved"),
        _flag(resolved & Case.resolved_on_time.is_(True)).label("resolved_on_time"),
        _flag(open_late).label("late_open"),
        _flag(resolved | open_late).label("due_to_resolve"),
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
        "on_time_resolution_rate": ratio(c["resolved_on_time"] or 0, c["due_to_resolve"] or 0),
        "satisfaction_rate": ratio(
            (c["satisfied"] or 0) + (c["basically_satisfied"] or 0), c["evaluated"] or 0
        ),
        "evaluation_coverage": ratio(c["evaluated"] or 0, c["closed"] or 0),
        "reopen_rate": ratio(c["reopened"] or 0, c["ever_closed"] or 0),
    }


def _row(key: dict[str, Any], counts: Mapping[str, Any]) -> dict[str, Any]:
    rates = {k: rounded(v) for k, v in rates_from_counts(counts).items()}
    return key | {"submitted": counts["submitted"]} | rates


# {layer: (cases, p50, p90)}; a percentile is None when no value was found.
Percentiles = tuple[int, float | None, float | None]


def _counts(
    uow: UnitOfWork, period: Period, now: datetime, scope: int | None, grain: str
) -> list[Mapping[str, Any]]:
    """The counts of the period's cases per trend bucket, from the monthly summary."""
    source = cohort_source(uow.session, period, now, scope, grain)
    query = (
        select(source.c.bucket.label("key"), *count_sums(source))
        .group_by(source.c.bucket)
        .order_by(source.c.bucket)
    )
    return [labelled(row) for row in uow.session.execute(query)]


def _durations(
    uow: UnitOfWork, period: Period, scope: int | None, kind: str
) -> list[dict[str, Any]]:
    """Median and p90 seconds to first acceptance (by the layer of that first accept event)
    or to resolution (by `resolved_layer`) of the cases accepted or resolved in the period.

    Exact without sorting every case: over whole months and the whole forest, a running sum
    over `case_clock_seconds` (cases per distinct duration) stops at each percentile's rank;
    otherwise `case_clock_times`, indexed by (clock, layer, seconds, at, place), is counted
    and the one or two values a percentile needs are read at their offset in that order.
    """
    months, edges = split(period)
    if scope is None and not edges:
        found = _from_seconds(uow, months, kind)
    else:
        found = _from_times(uow, period, scope, kind)
    return [
        {"layer": name, "clock": kind, "cases": n,
         "median_hours": rounded(None if p50 is None else float(p50) / 3600, 2),
         "p90_hours": rounded(None if p90 is None else float(p90) / 3600, 2)}
        for name, (n, p50, p90) in sorted(found.items(), key=lambda kv: str(kv[0]))
    ]


def _from_times(
    uow: UnitOfWork, period: Period, scope: int | None, kind: str
) -> dict[str | None, Percentiles]:
    """{layer: (cases, p50, p90)} from the ordered index of `case_clock_times`."""
    t = CaseClockTime
    where = [t.clock == kind, t.at >= period.start, t.at < period.end]
    inside = in_subtree(t.place_unit_id, scope)
    if inside is not None:
        where.append(inside)
    counts = uow.session.execute(select(t.layer, func.count()).where(*where).group_by(t.layer))
    found: dict[str | None, Percentiles] = {}
    for name, n in counts.all():
        layer = t.layer.is_(None) if name is None else t.layer == name
        ordered = select(t.seconds).where(*where, layer).order_by(t.seconds)
        found[name] = (n, _value_at(uow, ordered, n, 0.5), _value_at(uow, ordered, n, 0.9))
    return found


def _from_seconds(
    uow: UnitOfWork, months: list[str], kind: str
) -> dict[str | None, Percentiles]:
    """{layer: (cases, p50, p90)} from the per-duration counts of whole months, in one
    query: a running count per layer, of which only the rows holding the ranks
    ⌊q(n−1)⌋ and ⌊q(n−1)⌋+1 of q = 0.5 and 0.9 come back."""
    h = CaseClockSeconds
    per_value = (
        select(h.layer, h.seconds, func.sum(h.cases).label("n"))
        .where(h.clock == kind, h.month.in_(months))
        .group_by(h.layer, h.seconds).having(func.sum(h.cases) > 0).subquery()
    )
    n = cast(per_value.c.n, BigInteger)
    upto = func.sum(n).over(partition_by=per_value.c.layer, order_by=per_value.c.seconds)
    total = func.sum(n).over(partition_by=per_value.c.layer)
    running = select(
        per_value.c.layer, per_value.c.seconds, n.label("n"),
        cast(upto, BigInteger).label("upto"), cast(total, BigInteger).label("total"),
    ).subquery()
    r = running.c
    # Integer arithmetic: the same ranks as floor(q × (n − 1)) in Python below.
    ranks = ((r.total - 1) // 2, (r.total - 1) * 9 // 10)
    holds = [(r.upto > k) & (r.upto - r.n <= k + 1) for k in ranks]
    rows = uow.session.execute(
        select(r.layer, r.seconds, r.n, r.upto, r.total).where(or_(*holds))
        .order_by(r.layer, r.seconds)
    ).all()
    found: dict[str | None, Percentiles] = {}
    for name, group in groupby(rows, key=lambda row: row[0]):
        listed = list(group)
        cases = int(listed[0][4])
        values = [(float(s), int(m), int(u)) for _, s, m, u, _ in listed]
        found[name or None] = (cases, _ranked(values, cases, 0.5), _ranked(values, cases, 0.9))
    return found


def _ranked(values: list[tuple[float, int, int]], n: int, q: float) -> float:
    """`percentile` of n values from (value, count, running count) rows around its ranks."""
    position = q * (n - 1)
    low = math.floor(position)

    def at(rank: int) -> float:
        return next(v for v, count, upto in values if upto - count <= rank < upto)

    first = at(low)
    return first + (at(low + 1) - first) * (position - low) if position > low else first


def _value_at(uow: UnitOfWork, ordered: Any, n: int, q: float) -> float | None:
    """`percentile` of the n values `ordered` yields, fetching only the one or two needed."""
    low = math.floor(q * (n - 1))
    values = [float(v) for v in uow.session.scalars(ordered.offset(low).limit(2))]
    # Between two neighbours, the interpolation is the percentile of the pair at the fraction.
    return percentile(values, q * (n - 1) - low) if len(values) > 1 else values[0]


def rates_report(
    uow: UnitOfWork,
    period: Period,
    now: datetime,
    scope_unit_id: int | None = None,
    grain: str = "month",
    layer_order: tuple[str, ...] = (),
) -> Report:
    """Overall rates, rates per current layer, durations per layer and the trend."""
    buckets = _counts(uow, period, now, scope_unit_id, grain)
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
