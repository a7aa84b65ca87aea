"""The landing page of a street or district leader: open, overdue, due-soon and supervised
cases now by handling unit, the three rates over twelve months, and where closed cases were
settled, each figure with the filters of the case list behind it.

The counts now are `queries.count_each` over the same filters the case list applies
(`queries.list_cases`), overdue and due soon as services/due.py says; the rates and the
containment are the reports' own (reporting.rates, reporting.containment). So a number and
the list one click behind it hold the same cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from caseflow.domain.lifecycle import OPEN_STATES
from caseflow.models import Case, Unit, UnitClosure
from caseflow.rules import RuleSet
from caseflow.services.queries import CaseFilters, count_each, merged
from caseflow.services.reporting.common import ZONE, Period, Report
from caseflow.services.reporting.containment import CONTAINMENT_MARKS, containment_report
from caseflow.services.reporting.rates import rates_report
from caseflow.services.reporting.service import scope_for
from caseflow.services.uow import UnitOfWork

MONTHS = 12
# The figures counted now, each a narrowing of the open cases of a row.
NOW_FIGURES: dict[str, CaseFilters] = {
    "open": CaseFilters(),
    "overdue": CaseFilters(overdue=True),
    "warning": CaseFilters(warning=True),
    "supervised": CaseFilters(supervised=True),
}


@dataclass(frozen=True)
class Counted:
    """A figure and the filters of the cases behind it."""

    count: int | None
    filters: CaseFilters


@dataclass(frozen=True)
class UnitLine:
    """One row of the figures now: a unit below the area (its cases and those of the units
    under it), the area's own unit, or a unit outside the area holding cases placed in it."""

    code: str
    name: str
    kind: str
    held: str  # "below", "self" or "outside"
    figures: dict[str, Counted]


@dataclass(frozen=True)
class Overview:
    """Everything the landing page shows."""

    area: dict[str, Any] | None  # code, name, kind; None: the whole forest (administrators)
    first: date
    last: date
    totals: dict[str, Counted]
    units: list[UnitLine]
    rates: Report
    months: list[Counted]  # the cases submitted in each trend month, in order
    containment: Report
    settled: list[Counted]  # the closed cases behind each by_layer row
    contained: dict[str, Counted]  # within_complex, within_community


def twelve_months(now: datetime) -> tuple[date, date]:
    """The local months from eleven months ago to this one, whole."""
    this = Period.month_of(now).start.astimezone(ZONE).date()
    year, month = divmod(this.year * 12 + this.month - 1 - (MONTHS - 1), 12)
    first = date(year, month + 1, 1)
    last = (this.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return first, last


def leader_overview(uow: UnitOfWork, rules: RuleSet, viewer: Any, now: datetime,
                    unit: str | None = None) -> Overview:
    """The landing page's figures for the viewer's area, or a unit inside it."""
    scope = scope_for(uow, viewer, unit)
    area = uow.session.get(Unit, scope) if scope is not None else None
    place = area.code if area is not None else None
    common = CaseFilters(state=OPEN_STATES, place=place)
    rows = _rows(uow, area)
    lines = [[merged(_held(code, held), figure) for figure in NOW_FIGURES.values()]
             for code, _, _, held in rows]
    cells = [f for line in lines for f in line] + list(NOW_FIGURES.values())
    counts = count_each(uow, viewer, common, cells, now)
    units, n = [], 0
    for (code, name, kind, held), line in zip(rows, lines, strict=True):
        figures = {}
        for key, cell in zip(NOW_FIGURES, line, strict=True):
            figures[key] = Counted(counts[n], merged(common, cell))
            n += 1
        units.append(UnitLine(code, name, kind, held, figures))
    totals = {key: Counted(counts[n + i], merged(common, cell))
              for i, (key, cell) in enumerate(NOW_FIGURES.items())}
    first, last = twelve_months(now)
    period = Period.from_dates(first, last)
    layers = tuple(layer.id for layer in rules.layers)
    rates = _filled(rates_report(uow, period, now, scope, "month", layers), first)
    months = [Counted(row["submitted"], CaseFilters(place=place,
                                                    submitted=_month(row["period"])))
              for row in rates.table("trend").rows]
    containment = containment_report(uow, period, layers, scope)
    closed = CaseFilters(state=("closed",), place=place, closed=(first, last))
    settled = [Counted(row["closed"], replace_settled(closed, (row["layer"],)))
               for row in containment.table("by_layer").rows]
    contained = {label: Counted(None, replace_settled(closed, layers[: layers.index(mark) + 1]))
                 for label, mark in CONTAINMENT_MARKS if mark in layers}
    return Overview({"code": area.code, "name": area.name, "kind": area.kind} if area else None,
                    first, last, totals, units, rates, months, containment, settled, contained)


def replace_settled(closed: CaseFilters, layers: tuple[str, ...]) -> CaseFilters:
    """The closed cases of the period settled at these layers."""
    return merged(closed, CaseFilters(settled_at=layers))


def _held(code: str, held: str) -> CaseFilters:
    """A row's cases: held by the unit or below it, or (its own row) held by it exactly."""
    return CaseFilters(holder=code) if held == "below" else CaseFilters(held_by=code)


def _rows(uow: UnitOfWork, area: Unit | None) -> list[tuple[str, str, str, str]]:
    """(code, name, kind, how held) of each row: the units right below the area (or the
    roots), the area itself, then units outside it holding open cases placed in it."""
    session = uow.session
    parent = Unit.parent_id.is_(None) if area is None else Unit.parent_id == area.id
    below = [(u.code, u.name, u.kind, "below") for u in session.execute(
        select(Unit.code, Unit.name, Unit.kind).where(parent).order_by(Unit.id))]
    if area is None:
        return below
    inside = select(UnitClosure.descendant_id).where(UnitClosure.ancestor_id == area.id)
    outside = session.execute(
        select(Unit.code, Unit.name, Unit.kind)
        .join(Case, Case.unit_id == Unit.id)
        .where(Case.state.in_(OPEN_STATES), Case.place_unit_id.in_(inside),
               Case.unit_id.notin_(inside))
        .group_by(Unit.code, Unit.name, Unit.kind).order_by(func.min(Unit.id))).all()
    return [*below, (area.code, area.name, area.kind, "self"),
            *((code, name, kind, "outside") for code, name, kind in outside)]


def _month(label: str) -> tuple[date, date]:
    """`2026-05` as its first and last day."""
    first = date.fromisoformat(f"{label}-01")
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return first, last


def _filled(report: Report, first: date) -> Report:
    """The rates report with a row for every month of the twelve, empty where no case came."""
    trend = report.table("trend")
    found = {row["period"]: row for row in trend.rows}
    rows = []
    for k in range(MONTHS):
        year, month = divmod(first.year * 12 + first.month - 1 + k, 12)
        label = f"{year}-{month + 1:02d}"
        rows.append(found.get(label) or {c: None for c in trend.columns}
                    | {"period": label, "submitted": 0})
    tables = tuple(type(trend)(t.name, t.columns, rows) if t is trend else t
                   for t in report.tables)
    return Report(report.name, report.params, tables, report.extra)
