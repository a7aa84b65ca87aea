"""Containment: where closed cases were finally resolved, and how cases climbed the ladder."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, literal_column, select

from caseflow.domain.metrics import ratio, rounded
from caseflow.models import Case, CaseEvent
from caseflow.services.reporting.common import Period, Report, in_subtree, scoped, table
from caseflow.services.uow import UnitOfWork

# "小事不出小区" and "难事不出社区": the layers up to which a case counts as contained.
CONTAINMENT_MARKS = (("within_complex", "complex"), ("within_community", "community"))


def closed_by_layer(uow: UnitOfWork, period: Period, scope: int | None) -> dict[str, int]:
    """Cases closed in the period by the layer that resolved them (index ix_cases_closed)."""
    layer = func.coalesce(Case.resolved_layer, Case.layer)
    # 'closed' written into the SQL: SQLite uses a partial index only for a literal.
    closed = Case.state == literal_column("'closed'")
    query = (
        select(layer, func.count())
        .where(closed, Case.closed_at >= period.start, Case.closed_at < period.end)
        .group_by(layer)
    )
    return dict(uow.session.execute(scoped(query, scope)).all())


def escalation_flow(uow: UnitOfWork, period: Period, scope: int | None) -> list[dict[str, Any]]:
    """Moves up the ladder in the period: events whose layer changed, by from → to."""
    query = (
        select(CaseEvent.from_layer, CaseEvent.to_layer, func.count())
        .where(
            CaseEvent.from_layer != CaseEvent.to_layer,
            CaseEvent.at >= period.start,
            CaseEvent.at < period.end,
        )
        .group_by(CaseEvent.from_layer, CaseEvent.to_layer)
    )
    if scope is not None:
        # Join each of the few layer-move events to its case by key, rather than listing
        # every case of the subtree first.
        query = query.join(Case, Case.id == CaseEvent.case_id).where(
            in_subtree(Case.place_unit_id, scope)  # type: ignore[arg-type]
        )
    return [
        {"from_layer": a, "to_layer": b, "cases": n}
        for a, b, n in uow.session.execute(query)
    ]


def containment_report(
    uow: UnitOfWork, period: Period, layer_order: tuple[str, ...], scope: int | None = None
) -> Report:
    """Closed cases by resolving layer with cumulative shares, the two slogans, the flow."""
    counts = closed_by_layer(uow, period, scope)
    total = sum(counts.values())
    known = [name for name in layer_order if name in counts]
    ordered = known + sorted(name for name in counts if name not in layer_order)
    rows, running = [], 0
    for name in ordered:
        running += counts[name]
        rows.append({
            "layer": name,
            "closed": counts[name],
            "share": rounded(ratio(counts[name], total)),
            "cumulative_share": rounded(ratio(running, total)),
        })
    summary: dict[str, float | None] = {"closed": total}
    for label, mark in CONTAINMENT_MARKS:
        upto = layer_order[: layer_order.index(mark) + 1] if mark in layer_order else ()
        summary[label] = rounded(ratio(sum(counts.get(n, 0) for n in upto), total))
    rank = {name: i for i, name in enumerate(layer_order)}
    # Only climbs count; a return or reroute that moves a case down is not an escalation.
    climbs = [
        r for r in escalation_flow(uow, period, scope)
        if rank.get(r["to_layer"], -1) > rank.get(r["from_layer"], 99)
    ]
    flow = sorted(
        climbs,
        key=lambda r: (rank.get(r["from_layer"], 99), rank.get(r["to_layer"], 99)),
    )
    return Report(
        "containment",
        {"from": period.start.isoformat(), "to": period.end.isoformat()},
        (
            table("summary", [summary], ("closed", "within_complex", "within_community")),
            table("by_layer", rows, ("layer", "closed", "share", "cumulative_share")),
            table("escalation_flow", flow, ("from_layer", "to_layer", "cases")),
        ),
    )
