"""Hotspots: the places with most cases and repeat complaints, and 每月一题 per area."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from caseflow.models import Case, Unit, UnitClosure
from caseflow.services.reporting.common import Period, Report, scoped, submitted_in, table
from caseflow.services.uow import UnitOfWork

TOP = 20


def _by_area(
    uow: UnitOfWork, period: Period, scope: int | None, kind: str
) -> list[dict[str, Any]]:
    """Cases of the period per (area of `kind`, category): cases, distinct reporters, repeats.

    A repeat complaint is a further case from a reporter who already raised the same category
    in the same area in the period: cases − distinct reporters.
    """
    area = aliased(Unit)
    reporters = func.count(func.distinct(Case.reporter_phone))
    query = (
        select(area.code, area.name, Case.category, func.count(), reporters)
        .join(UnitClosure, UnitClosure.descendant_id == Case.place_unit_id)
        .join(area, and_(area.id == UnitClosure.ancestor_id, area.kind == kind))
        .where(submitted_in(period))
        .group_by(area.code, area.name, Case.category)
    )
    rows = uow.session.execute(scoped(query, scope)).all()
    return [
        {"area": code, "name": name, "category": category, "cases": n, "repeats": n - distinct}
        for code, name, category, n, distinct in rows
    ]


def monthly_issue(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """每月一题: per area, the category with most cases (ties: the category name decides)."""
    best: dict[str, dict[str, Any]] = {}
    for row in rows:
        current = best.get(row["area"])
        if current is None or (row["cases"], current["category"]) > (
            current["cases"], row["category"]
        ):
            best[row["area"]] = row
    return [
        {"area": r["area"], "name": r["name"], "category": r["category"], "cases": r["cases"]}
        for r in sorted(best.values(), key=lambda r: (-r["cases"], r["area"]))
    ]


def hotspots_report(
    uow: UnitOfWork,
    period: Period,
    scope: int | None = None,
    place_kind: str = "complex",
    area_kind: str = "community",
) -> Report:
    """Top places by cases (per category, with repeats) and each area's issue of the month."""
    places = _by_area(uow, period, scope, place_kind)
    places.sort(key=lambda r: (-r["cases"], -r["repeats"], r["area"], r["category"]))
    areas = _by_area(uow, period, scope, area_kind)
    columns = ("area", "name", "category", "cases", "repeats")
    return Report(
        "hotspots",
        {"from": period.start.isoformat(), "to": period.end.isoformat(),
         "place_kind": place_kind, "area_kind": area_kind},
        (
            table("places", places[:TOP], columns),
            table("monthly_issue", monthly_issue(areas), ("area", "name", "category", "cases")),
        ),
    )
