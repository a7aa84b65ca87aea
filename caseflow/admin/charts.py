"""pygal SVG charts of report tables, in the readers' words: axis labels and legends from the
same `exports.sheets` rows as the tables and exports, rates on a 0–100% axis.

Charts are served from their own URL (no inline script or style in the page, so the strict
CSP holds) and drawn without pygal's scripts.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Any

from caseflow.services.reporting.exports import HOURS, PERCENT, Sheet, cell_text

SCRIPT = re.compile(r"<script.*?</script>", re.S)
# The chart document holds pygal's own <style>; nothing else may load or run in it.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
FONT = '"PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif'


@dataclass(frozen=True)
class Chart:
    """A chart drawn from one table: x labels from some columns, one series per value
    column (all of one kind of figure)."""

    id: str
    table: str
    kind: str  # bar, hbar or line
    label: tuple[str, ...]
    values: tuple[str, ...]


CHARTS: dict[str, tuple[Chart, ...]] = {
    "unresolved": (Chart("counts", "", "bar", ("key",), ("open", "overdue")),),
    "rates": (
        Chart("trend", "trend", "line", ("period",),
              ("response_rate", "resolution_rate", "satisfaction_rate")),
        Chart("durations", "durations", "bar", ("layer", "clock"), ("median_hours", "p90_hours")),
    ),
    "containment": (
        Chart("layers", "by_layer", "bar", ("layer",), ("closed",)),
        Chart("flow", "escalation_flow", "hbar", ("from_layer", "to_layer"), ("cases",)),
    ),
    "hotspots": (Chart("places", "places", "hbar", ("name", "category"), ("cases", "repeats")),),
    "ranking": (Chart("scores", "ranking", "hbar", ("name",), ("score",)),),
    "property-ratings": (Chart("scores", "ratings", "hbar", ("name",), ("score",)),),
    "departments": (Chart("rates", "departments", "hbar", ("name",),
                          ("response_rate", "on_time_rate", "satisfaction_rate")),),
}
JOINERS = {"flow": " → "}


def chart_sheet(sheets: list[Sheet], chart: Chart) -> Sheet:
    """The sheet a chart draws."""
    return sheets[0] if not chart.table else next(s for s in sheets if s.name == chart.table)


def _pygal() -> Any:
    """pygal, imported on first use: its plugin hook raises an ImportWarning on Python 3.11
    that is harmless but would fail a warnings-as-errors run."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ImportWarning)
        import pygal
        import pygal.style

    return pygal


def render_chart(sheet: Sheet, chart: Chart, title: str = "") -> str:
    """The chart as a standalone SVG document without scripts."""
    pygal = _pygal()
    index = {c.code: i for i, c in enumerate(sheet.columns)}
    columns = {c.code: c for c in sheet.columns}
    fmt = columns[chart.values[0]].format
    style = pygal.style.DefaultStyle(font_family=FONT)
    options: dict[str, Any] = {"js": [], "disable_xml_declaration": True, "style": style,
                               "height": 360, "width": 800, "legend_at_bottom": True,
                               "print_values": False, "title": title or None,
                               "value_formatter": lambda v: cell_text(v, fmt)}
    if fmt == PERCENT:
        options["range"] = (0, 1)
    kind = {"bar": pygal.Bar, "hbar": pygal.HorizontalBar, "line": pygal.Line}[chart.kind]
    drawing = kind(**options)
    rows = [(row, code) for row, code in zip(sheet.rows, sheet.codes, strict=True)
            if code.get(chart.label[0]) != "total"]
    joiner = JOINERS.get(chart.id, " · ")
    drawing.x_labels = [joiner.join(str(row[index[c]]) for c in chart.label) for row, _ in rows]
    for column in chart.values:
        header = columns[column].export_header if fmt == HOURS else columns[column].header
        drawing.add(header, [row[index[column]] for row, _ in rows])
    return SCRIPT.sub("", drawing.render(is_unicode=True))



def stacked_bars(labels: list[str], series: dict[str, list[int]]) -> str:
    """Counts as stacked bars (a campaign's opinions per topic, a series per channel), as a
    standalone SVG document without scripts."""
    pygal = _pygal()
    drawing = pygal.StackedBar(js=[], disable_xml_declaration=True, height=320, width=760,
                               legend_at_bottom=True,
                               style=pygal.style.DefaultStyle(font_family=FONT))
    drawing.x_labels = labels
    for name, values in series.items():
        drawing.add(name, values)
    return SCRIPT.sub("", drawing.render(is_unicode=True))
