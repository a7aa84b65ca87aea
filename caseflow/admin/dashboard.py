"""The leaders' dashboard: the landing page, each report's tables with an SVG chart above
each, the unit picker, and exports.

The page tables, the charts and the CSV/XLSX exports are all drawn from `exports.sheets` of
one `run_report`, in the readers' words (admin/figures.py), so they hold the same numbers.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Flask, Response, abort, jsonify, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from caseflow.admin import labels
from caseflow.admin.charts import CHARTS, SVG_POLICY, chart_sheet, render_chart
from caseflow.admin.drill import DRILL_ARGS, args_of, figure_filters
from caseflow.admin.figures import ReportWords
from caseflow.admin.nav import HOME, NAV, NavEntry
from caseflow.admin.runtime import runtime
from caseflow.admin.security import requires
from caseflow.domain.errors import InvalidInput
from caseflow.services.calendars import holiday_outlook
from caseflow.services.reporting.common import Report
from caseflow.services.reporting.exports import (
    DAYS,
    HOURS,
    PERCENT,
    Sheet,
    cell_text,
    report_csv,
    report_xlsx,
    sheets,
)
from caseflow.services.reporting.overview import leader_overview
from caseflow.services.reporting.service import READERS, REPORTS, Request, run_report
from caseflow.services.reporting.unresolved import UNRESOLVED_DIMENSIONS
from caseflow.services.unit_search import AREAS, find_units, unit_names

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
OPTIONS = ("by", "level", "grain", "place", "area")
# The options each report takes, and the values offered (kinds of unit, dimensions).
CHOICES: dict[str, tuple[tuple[str, dict[str, Any], tuple[str, ...]], ...]] = {
    "unresolved": (("by", labels.DIMENSIONS, UNRESOLVED_DIMENSIONS),
                   ("level", labels.UNIT_KINDS, ("", *AREAS))),
    "rates": (("grain", labels.GRAINS, ("month", "week")),),
    "hotspots": (("place", labels.UNIT_KINDS, ("complex", "building", "community")),
                 ("area", labels.UNIT_KINDS, ("community", "street", "district"))),
    "ranking": (("level", labels.UNIT_KINDS, ("community", "street", "complex", "district")),),
}
OPTION_LABELS = {"by": _l("Group by"), "level": _l("Units of kind"), "grain": _l("Trend"),
                 "place": _l("Hotspot is a"), "area": _l("Area is a")}


def register(app: Flask) -> None:
    """Add the dashboard, its entry in the navigation bar and the leaders' home page."""
    app.register_blueprint(bp)
    if not any(entry.endpoint == "dashboard.index" for entry in NAV):
        NAV.insert(1, NavEntry("dashboard.index", _l("Overview"), roles=READERS))
        NAV.insert(2, NavEntry("dashboard.report", _l("Reports"), roles=READERS))
    HOME.setdefault("leader", "dashboard.index")
    app.context_processor(lambda: {"figure_chips": figure_chips, "drill_args": DRILL_ARGS})


def words() -> ReportWords:
    """The readers' words in the page's language."""
    return ReportWords(runtime().rules(), str(get_locale() or "zh").startswith("en"))


def _date(name: str) -> date | None:
    text = request.args.get(name) or None
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise InvalidInput(name, "use YYYY-MM-DD") from None


def _report(name: str) -> Report:
    """Run the report the query string asks for, as the signed-in viewer."""
    if name not in REPORTS:
        abort(404)
    options = tuple((k, request.args[k]) for k in OPTIONS if request.args.get(k))
    ask = Request(name, request.args.get("unit") or None, _date("from"), _date("to"), options)
    rt = runtime()
    with rt.uow() as uow:
        return run_report(uow, rt.rules(), ask, rt.now(), current_user.viewer)


def shown_text(value: Any, fmt: str) -> str:
    """A figure as a page shows it: rates as 93.9%, durations in hours or days."""
    if value is not None and fmt == HOURS:
        if value < 48:
            return f"{value:.1f} {labels.UNITS_OF_TIME['hours']}"
        return f"{value / 24:.1f} {labels.UNITS_OF_TIME['days']}"
    if value is not None and fmt == DAYS:
        return f"{value:.1f} {labels.UNITS_OF_TIME['days']}"
    return cell_text(value, fmt)


@bp.app_template_global()
def shown_sheet(table: Any, report: Report | None = None) -> Sheet:
    """A report table in the readers' words, for templates given a raw table."""
    name = report.name if report is not None else "property_ratings"
    return sheets(Report(name, {}, (table,)), words())[0]


@bp.app_template_global()
def figure(value: Any, fmt: str) -> str:
    """`shown_text` for templates."""
    return shown_text(value, fmt)


@bp.get("/")
@requires(*READERS)
def index() -> str:
    """The landing page: figures now by unit, twelve months of rates, containment."""
    rt = runtime()
    unit = request.args.get("unit") or None
    with rt.uow() as uow:
        overview = leader_overview(uow, rt.rules(), current_user.viewer, rt.now(), unit)
        chosen = unit_names(uow, [unit] if unit else [])
    said = words()
    return render_template(
        "dashboard/overview.html", overview=overview, words=said, args=request.args,
        trend=sheets(overview.rates, said)[1], layers=sheets(overview.containment, said)[1],
        link=args_of,
        unit_label=chosen.get(unit or "", ""), percent=PERCENT,
        holidays_unknown=_holidays_unknown())


@bp.get("/reports")
@bp.get("/<name>")
@requires(*READERS)
def report(name: str = "rates") -> str:
    """A report's charts and tables, with links to its exports."""
    found = _report(name)
    said = words()
    with runtime().uow() as uow:
        chosen = unit_names(uow, [request.args.get("unit", "")])
    return render_template("dashboard/index.html", report=found, name=name,
                           reports=REPORTS, charts=CHARTS[name], args=request.args,
                           sheets=sheets(found, said), words=said, choices=CHOICES.get(name, ()),
                           option_labels=OPTION_LABELS,
                           unit_label=chosen.get(request.args.get("unit", ""), ""))


def _holidays_unknown() -> int | None:
    """Next year, when an administrator should import its holidays now (from 1 November)."""
    if current_user.role != "admin":
        return None
    rt = runtime()
    outlook = holiday_outlook(rt.rules(), rt.now())
    return outlook.next_year if outlook.warn else None


@bp.get("/overview/trend.svg")
@requires(*READERS)
def overview_chart() -> Response:
    """The landing page's chart: the three rates over twelve months."""
    rt = runtime()
    with rt.uow() as uow:
        overview = leader_overview(uow, rt.rules(), current_user.viewer, rt.now(),
                                   request.args.get("unit") or None)
    said = words()
    chart = CHARTS["rates"][0]
    svg = render_chart(sheets(overview.rates, said)[1], chart)
    return _svg(svg)


@bp.get("/<name>/<chart_id>.svg")
@requires(*READERS)
def chart(name: str, chart_id: str) -> Response:
    """One chart of a report as image/svg+xml."""
    found = next((c for c in CHARTS.get(name, ()) if c.id == chart_id), None)
    if found is None:
        abort(404)
    drawn = sheets(_report(name), words())
    return _svg(render_chart(chart_sheet(drawn, found), found))


def _svg(svg: str) -> Response:
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = SVG_POLICY
    return response


@bp.get("/<name>/export.<fmt>")
@requires(*READERS)
def export(name: str, fmt: str) -> Response:
    """The report's tables as CSV (UTF-8 with a BOM) or XLSX: the numbers on the page."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    found = _report(name)
    said = words()
    if fmt == "csv":
        body = report_csv(found, said)
        mimetype = "text/csv; charset=utf-8"
    else:
        body = report_xlsx(found, said)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@bp.get("/units")
@requires(*READERS)
def units() -> Response:
    """The unit picker's search: units of the viewer's area (or below `unit` in it) whose
    name contains `q`."""
    rt = runtime()
    with rt.uow() as uow:
        found = find_units(uow, current_user.viewer, request.args.get("q", "")[:50],
                           under=request.args.get("unit") or None)
    return jsonify([{"code": u.code, "name": u.name, "kind": labels.label(labels.UNIT_KINDS,
                                                                          u.kind),
                     "path": u.path} for u in found])


@bp.app_template_global()
def unit_choices() -> list[Any]:
    """The units offered without script: the area's units down to complexes."""
    rt = runtime()
    with rt.uow() as uow:
        return find_units(uow, current_user.viewer, limit=300, kinds=AREAS)


def figure_chips(args: Any) -> list[str]:
    """The figure filters of an inbox query, as readers name them."""
    found = figure_filters(args)
    if not found:
        return []
    rt = runtime()
    with rt.uow() as uow:
        names = unit_names(uow, [found.get(n, "") for n in ("place", "holder", "held_by")])
    said = words()
    chips = []
    for name, text in (("place", _l("In %(unit)s")), ("holder", _l("Handled by %(unit)s or "
                                                                     "below")),
                       ("held_by", _l("Handled by %(unit)s itself"))):
        if name in found:
            chips.append(str(text) % {"unit": names.get(found[name], found[name])})
    if found.get("warning"):
        chips.append(str(labels.DUE["warning"]))
    if found.get("supervised"):
        chips.append(str(labels.REPORT_COLUMNS["supervised"]))
    for name, text in (("submitted", _l("Received %(first)s to %(last)s")),
                       ("closed", _l("Closed %(first)s to %(last)s"))):
        if name in found:
            first, last = found[name]
            chips.append(str(text) % {"first": first.isoformat(), "last": last.isoformat()})
    if found.get("settled_at"):
        chips.append(str(_l("Settled at: %(layers)s")) % {"layers": "、".join(
            said.name_of("layer", x) for x in found["settled_at"])})
    if found.get("state") == ():
        chips.append(str(_l("Every state")))
    return chips
