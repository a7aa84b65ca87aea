"""Hotspots: the places with most cases, repeat complaints and residents' voices (附议: a
resident who said "me too" on an open case instead of opening another), and 每月一题."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from caseflow.domain.errors import NotFound
from caseflow.models import Case, CaseVoice, Unit, UnitClosure
from caseflow.services.reporting.common import Period, Report, scoped, submitted_in, table
from caseflow.services.reporting.rollup import category_source
from caseflow.services.uow import UnitOfWork

TOP = 20


def _by_complex(
    uow: UnitOfWork, period: Period, scope: int | None
) -> list[tuple[int, str, int]]:
    """(complex id, category, cases) of the period, from the monthly summary: one pass over
    its key, which starts with (complex, category)."""
    source = category_source(period, scope, uow.session)
    query = select(source.c.complex_id, source.c.category, func.sum(source.c.cases)).group_by(
        source.c.complex_id, source.c.category
    )
    # Plain rows on the connection: thousands of them, which the ORM's row loading doubled.
    return [(i, category, int(n)) for i, category, n in uow.connection().execute(query) if n]


def _by_area(
    counts: list[tuple[int, str, int]], areas: dict[int, tuple[Any, ...]]
) -> list[dict[str, Any]]:
    """The complexes' counts added up per (area, category): a few thousand summed rows, not
    cases. `areas` maps a complex id to the (id, code, name) of its area."""
    totals: dict[tuple[tuple[Any, ...], str], int] = {}
    for complex_id, category, n in counts:
        area = areas.get(complex_id)
        if area is not None:
            totals[(area, category)] = totals.get((area, category), 0) + n
    return [
        {"id": i, "area": code, "name": name, "category": category, "cases": n}
        for ((i, code, name), category), n in totals.items()
    ]


def _areas(uow: UnitOfWork, kind: str) -> dict[int, tuple[Any, ...]]:
    """Each unit's ancestor of `kind` (self included): unit id → (id, code, name)."""
    query = select(UnitClosure.descendant_id, Unit.id, Unit.code, Unit.name).join(
        Unit, and_(Unit.id == UnitClosure.ancestor_id, Unit.kind == kind)
    )
    return {row[0]: tuple(row[1:]) for row in uow.connection().execute(query)}


def _raw_by_area(
    uow: UnitOfWork, period: Period, scope: int | None, kind: str
) -> list[dict[str, Any]]:
    """Cases of the period per (area of `kind`, category) from `cases`: cases, distinct
    reporters, repeats; `only` limits it to some (area id, category) pairs.

    A repeat complaint is a further case from a reporter who already raised the same category
    in the same area in the period: cases − distinct reporters.
    """
    area = aliased(Unit)
    reporters = func.count(func.distinct(Case.reporter_phone))
    query = (
        select(area.id, area.code, area.name, Case.category, func.count(), reporters)
        .join(UnitClosure, UnitClosure.descendant_id == Case.place_unit_id)
        .join(area, and_(area.id == UnitClosure.ancestor_id, area.kind == kind))
        .where(submitted_in(period))
        .group_by(area.id, area.code, area.name, Case.category)
    )
    rows = uow.session.execute(scoped(query, scope)).all()
    return [
        {"id": i, "area": code, "name": name, "category": category, "cases": n,
         "repeats": n - distinct}
        for i, code, name, category, n, distinct in rows
    ]


def _places(
    uow: UnitOfWork, period: Period, scope: int | None, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The TOP places by cases, ties on the last place kept (repeats break them), with
    their repeats counted from `cases` for those places only."""
    rows = sorted(rows, key=lambda r: -r["cases"])
    if len(rows) > TOP:
        floor = rows[TOP - 1]["cases"]
        rows = [r for r in rows if r["cases"] >= floor]
    return [r | {"repeats": r["cases"] - _reporters(uow, period, scope, r)} for r in rows]


def _reporters(
    uow: UnitOfWork, period: Period, scope: int | None, row: dict[str, Any]
) -> int:
    """Distinct reporters of one place and category in the period (index
    ix_cases_place_category over the place's subtree)."""
    query = (
        select(func.count(func.distinct(Case.reporter_phone)))
        .join(UnitClosure, UnitClosure.descendant_id == Case.place_unit_id)
        .where(UnitClosure.ancestor_id == row["id"], Case.category == row["category"],
               submitted_in(period))
    )
    return uow.session.scalar(scoped(query, scope)) or 0


def _voices(uow: UnitOfWork, period: Period, scope: int | None, row: dict[str, Any]) -> int:
    """Voices added to the cases of one place and category of the period (a top place only:
    voices are few beside cases)."""
    query = (
        select(func.count(CaseVoice.id))
        .join(Case, Case.id == CaseVoice.case_id)
        .join(UnitClosure, UnitClosure.descendant_id == Case.place_unit_id)
        .where(UnitClosure.ancestor_id == row["id"], Case.category == row["category"],
               submitted_in(period))
    )
    return uow.session.scalar(scoped(query, scope)) or 0


def _coarse_enough(uow: UnitOfWork, scope: int | None, *kinds: str) -> bool:
    """Every unit kind asked for, and the scope's, is a complex or above it."""
    below = {"building", "property_office"}
    scope_kind = None
    if scope is not None:
        unit = uow.session.get(Unit, scope)
        if unit is None:
            raise NotFound(f"unit {scope}")
        scope_kind = unit.kind
    return not below & {*kinds, scope_kind}


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
    # The summary keys places by complex: finer places or scopes read `cases` itself.
    if _coarse_enough(uow, scope, place_kind, area_kind):
        counts = _by_complex(uow, period, scope)
        places = _places(uow, period, scope, _by_area(counts, _areas(uow, place_kind)))
        areas = _by_area(counts, _areas(uow, area_kind))
    else:
        places = _raw_by_area(uow, period, scope, place_kind)
        areas = _raw_by_area(uow, period, scope, area_kind)
    places.sort(key=lambda r: (-r["cases"], -r["repeats"], r["area"], r["category"]))
    places = [r | {"voices": _voices(uow, period, scope, r)} for r in places[:TOP]]
    columns = ("area", "name", "category", "cases", "repeats", "voices")
    return Report(
        "hotspots",
        {"from": period.start.isoformat(), "to": period.end.isoformat(),
         "place_kind": place_kind, "area_kind": area_kind},
        (
            table("places", [{c: r[c] for c in columns} for r in places], columns),
            table("monthly_issue", monthly_issue(areas), ("area", "name", "category", "cases")),
        ),
    )
