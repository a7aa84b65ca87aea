"""The leaders' dashboard: each report's tables, an SVG chart above each, and exports.

Charts are pygal SVG served from their own URL (no inline script or style in the page, so
the strict CSP holds); the page, the charts and the CSV/XLSX exports all call the same
`run_report`, so they hold the same numbers.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, Flask, Response, abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from caseflow.admin.nav import NAV, NavEntry
from caseflow.admin.runtime import runtime
from caseflow.admin.security import requires
from caseflow.domain.errors import InvalidInput
from caseflow.services.calendars import holiday_outlook
from caseflow.services.reporting.common import Report
from caseflow.services.reporting.exports import report_csv, report_xlsx
from caseflow.services.reporting.service import READERS, REPORTS, Request, run_report

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
OPTIONS = ("by", "level", "grain", "place", "area")
SCRIPT = re.compile(r"<script.*?</script>", re.S)
# The chart document holds pygal's own <style>; nothing else may load or run in it.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


@dataclass(frozen=True)
class Chart:
    """A chart drawn from one table: labels from one column, one series per value column."""

    id: str
    table: str
    kind: str  # bar, hbar or line
    label: str
    values: tuple[str, ...]


CHARTS: dict[str, tuple[Chart, ...]] = {
    "unresolved": (Chart("counts", "", "bar", "key", ("open", "overdue")),),
    "rates": (
        Chart("trend", "trend", "line", "period",
              ("response_rate", "resolution_rate", "satisfaction_rate")),
        Chart("durations", "durations", "bar", "layer", ("median_hours", "p90_hours")),
    ),
    "containment": (
        Chart("layers", "by_layer", "bar", "layer", ("closed",)),
        Chart("flow", "escalation_flow", "hbar", "flow", ("cases",)),
    ),
    "hotspots": (Chart("places", "places", "hbar", "place", ("cases", "repeats")),),
    "ranking": (Chart("scores", "ranking", "hbar", "unit", ("score",)),),
    "property-ratings": (Chart("scores", "ratings", "hbar", "company", ("score",)),),
    "departments": (Chart("rates", "departments", "hbar", "name",
                          ("response_rate", "on_time_rate", "satisfaction_rate")),),
}


def register(app: Flask) -> None:
    """Add the dashboard and its entry in the navigation bar."""
    app.register_blueprint(bp)
    if not any(entry.endpoint == "dashboard.index" for entry in NAV):
        NAV.insert(1, NavEntry("dashboard.index", _l("Dashboard"), roles=READERS))


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


def _chart_rows(report: Report, chart: Chart) -> list[dict[str, Any]]:
    table = report.tables[0] if not chart.table else report.table(chart.table)
    rows = [r for r in table.rows if r.get(chart.label) != "total"]
    if chart.id == "flow":
        return [r | {"flow": f"{r['from_layer']} → {r['to_layer']}"} for r in rows]
    if chart.id == "places":
        return [r | {"place": f"{r['name']} · {r['category']}"} for r in rows]
    return rows


def _pygal() -> Any:
    """pygal, imported on first use: its plugin hook raises an ImportWarning on Python 3.11
    that is harmless but would fail a warnings-as-errors run."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ImportWarning)
        import pygal
        import pygal.style

    return pygal


def render_chart(report: Report, chart: Chart) -> str:
    """The chart as a standalone SVG document without scripts."""
    pygal = _pygal()
    kind = {"bar": pygal.Bar, "hbar": pygal.HorizontalBar, "line": pygal.Line}[chart.kind]
    drawing = kind(js=[], disable_xml_declaration=True, style=pygal.style.DefaultStyle, height=360,
                   width=800, legend_at_bottom=True, print_values=False)
    rows = _chart_rows(report, chart)
    drawing.x_labels = [str(r.get(chart.label)) for r in rows]
    for column in chart.values:
        drawing.add(column, [r.get(column) for r in rows])
    return SCRIPT.sub("", drawing.render(is_unicode=True))


@bp.get("/")
@bp.get("/<name>")
@requires(*READERS)
def index(name: str = "rates") -> str:
    """A report's charts and tables, with links to its exports."""
    report = _report(name)
    return render_template("dashboard/index.html", report=report, name=name,
                           reports=REPORTS, charts=CHARTS[name], args=request.args,
                           holidays_unknown=_holidays_unknown())


def _holidays_unknown() -> int | None:
    """Next year, when an administrator should import its holidays now (from 1 November)."""
    if current_user.role != "admin":
        return None
    rt = runtime()
    outlook = holiday_outlook(rt.rules(), rt.now())
    return outlook.next_year if outlook.warn else None


@bp.get("/<name>/<chart_id>.svg")
@requires(*READERS)
def chart(name: str, chart_id: str) -> Response:
    """One chart of a report as image/svg+xml."""
    report = _report(name)
    found = next((c for c in CHARTS.get(name, ()) if c.id == chart_id), None)
    if found is None:
        abort(404)
    response = Response(render_chart(report, found), mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = SVG_POLICY
    return response


@bp.get("/<name>/export.<fmt>")
@requires(*READERS)
def export(name: str, fmt: str) -> Response:
    """The report's tables as CSV or XLSX: the numbers on the page."""
    report = _report(name)
    if fmt == "csv":
        body: str | bytes = report_csv(report)
        mimetype = "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = report_xlsx(report)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        abort(404)
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
