"""One entry point for every report: resolve the viewer's scope and period, then run it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from caseflow.domain.errors import InvalidInput, PermissionDenied
from caseflow.models import UnitClosure
from caseflow.rules import RuleSet
from caseflow.services.reporting.common import Period, Report
from caseflow.services.reporting.containment import containment_report
from caseflow.services.reporting.departments import departments_report
from caseflow.services.reporting.hotspots import hotspots_report
from caseflow.services.reporting.ranking import ranking_report
from caseflow.services.reporting.rates import rates_report
from caseflow.services.reporting.ratings import ratings_report
from caseflow.services.reporting.unresolved import unresolved_report
from caseflow.services.units import get_unit
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import Viewer

REPORTS = ("unresolved", "rates", "containment", "hotspots", "ranking", "property-ratings",
           "departments")
READERS = ("admin", "leader", "unit_lead")


@dataclass(frozen=True)
class Request:
    """What a viewer asked for: a report, a unit code, local dates and report options."""

    name: str
    unit: str | None = None
    first: date | None = None
    last: date | None = None
    options: tuple[tuple[str, str], ...] = ()


def scope_for(uow: UnitOfWork, viewer: Viewer | None, unit: str | None) -> int | None:
    """The unit id whose subtree the viewer may read: the requested unit if it lies in the
    viewer's subtree, else the viewer's own unit; None (everything) only without a viewer
    (the CLI) or for an admin."""
    wanted = get_unit(uow.session, unit).id if unit else None
    if viewer is None or viewer.role == "admin":
        return wanted
    if viewer.role not in READERS:
        raise PermissionDenied(f"role {viewer.role} may not read reports")
    if wanted is None:
        return viewer.unit_id
    # A report reads one subtree: a person of several units (交叉任职) names which one.
    units = list(getattr(viewer, "unit_ids", ()) or ()) or [viewer.unit_id]
    inside = uow.session.scalar(
        select(UnitClosure.depth).where(
            UnitClosure.ancestor_id.in_(units), UnitClosure.descendant_id == wanted
        ).limit(1)
    )
    if inside is None:
        raise PermissionDenied("that unit lies outside your jurisdiction")
    return wanted


def period_for(request: Request, now: datetime) -> Period:
    """The requested local dates, or the current month."""
    if request.first is None and request.last is None:
        return Period.month_of(now)
    default = Period.month_of(now)
    first = request.first or default.start.date()
    last = request.last or (default.end.date())
    for name, day in (("from", first), ("to", last)):
        if not 2000 <= day.year <= 2100:
            raise InvalidInput(name, "must lie between the years 2000 and 2100")
    if last < first:
        raise InvalidInput("to", "must not be before from")
    return Period.from_dates(first, last)


def run_report(
    uow: UnitOfWork, rules: RuleSet, request: Request, now: datetime, viewer: Viewer | None = None
) -> Report:
    """Run one report for a viewer (None: the command line, everything is visible)."""
    if request.name not in REPORTS:
        raise InvalidInput("report", f"must be one of {', '.join(REPORTS)}")
    scope = scope_for(uow, viewer, request.unit)
    period = period_for(request, now)
    options = dict(request.options)
    layers = tuple(layer.id for layer in rules.layers)
    runners: dict[str, Callable[[], Report]] = {
        "unresolved": lambda: unresolved_report(
            uow, options.get("by", "layer"), now, scope, options.get("level")
        ),
        "rates": lambda: rates_report(
            uow, period, now, scope, options.get("grain", "month"), layers
        ),
        "containment": lambda: containment_report(uow, period, layers, scope),
        "hotspots": lambda: hotspots_report(
            uow, period, scope, options.get("place", "complex"), options.get("area", "community")
        ),
        "ranking": lambda: ranking_report(
            uow, period, now, options.get("level", "community"), rules.ranking, scope
        ),
        "property-ratings": lambda: ratings_report(uow, period, now, rules.ratings, scope),
        "departments": lambda: departments_report(uow, period, now, scope),
    }
    report = runners[request.name]()
    params: dict[str, Any] = {"unit": request.unit, "period": period.label()} | report.params
    return Report(report.name, params, report.tables, report.extra)
