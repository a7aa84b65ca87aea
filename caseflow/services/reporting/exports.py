"""A report in its readers' words: one set of rows shown on the pages and written as CSV or
XLSX, so the three hold the same figures.

Words (headers, table titles, what a code in a cell means) are the edge's: it passes a
`Words`. What a column *is* — a rate, a duration in hours, a count — is decided here once:
rates are shown as percentages (93.9%), durations carry their unit.

CSV starts with a UTF-8 byte order mark: without it Excel and WPS on Chinese Windows read
the file as GBK and garble every Chinese header. XLSX keeps numbers as numbers, rates with a
percent format, a frozen header row and columns wide enough for their text.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from caseflow.services.reporting.common import Report

BOM = "\ufeff"
PERCENT, HOURS, DAYS, SCORE, COUNT, TEXT = "percent", "hours", "days", "score", "count", "text"
FORMATS: dict[str, str] = {
    **dict.fromkeys((
        "response_rate", "resolution_rate", "on_time_resolution_rate", "satisfaction_rate",
        "evaluation_coverage", "reopen_rate", "share", "cumulative_share", "within_complex",
        "within_community", "satisfaction_score", "closure_rate", "on_time_closure_rate",
        "rework_rate", "extension_rate", "on_time_rate",
    ), PERCENT),
    "median_hours": HOURS, "p90_hours": HOURS,
    "age_days": DAYS, "overdue_days": DAYS,
    "score": SCORE, "owners_evaluation": SCORE,
    **dict.fromkeys((
        "open", "overdue", "warning", "supervised", "submitted", "cases", "closed", "repeats",
        "voices", "deferred", "late_clocks", "owner_evaluations", "rank",
        "dispatched", "returned", "resolved", "confirmed", "evaluated",  # 部门解题
    ), COUNT),
}
# XLSX number formats; CSV writes the same figures as text (rates as "93.9%").
NUMBER_FORMATS = {PERCENT: "0.0%", HOURS: "0.0", DAYS: "0.0", SCORE: "0.00", COUNT: "0"}
# Code columns beside a name column: exported (to match other systems) but not shown.
CODE_COLUMNS = ("key", "unit", "company", "area", "department")


class Words(Protocol):
    """The readers' words for a report's parts, in one language (the edge provides them)."""

    def report(self, name: str) -> str:
        """A report's title."""

    def table(self, report: str, table: str) -> str:
        """A table's title."""

    def column(self, report: str, table: str, column: str) -> str:
        """A column's header, without its unit."""

    def unit(self, fmt: str) -> str:
        """The unit a duration column counts in ("小时", "天")."""

    def value(self, table: str, column: str, value: Any) -> Any:
        """A cell as readers name it: a code (layer, state, star band) as its name."""


@dataclass(frozen=True)
class Column:
    """One column as shown: its code, header, kind of figure, and whether a page shows it."""

    code: str
    header: str
    format: str
    unit: str = ""
    on_page: bool = True

    @property
    def export_header(self) -> str:
        """The header with its unit, as exports need it: 中位用时（小时）."""
        return f"{self.header}（{self.unit}）" if self.unit else self.header


@dataclass(frozen=True)
class Sheet:
    """One table in its readers' words: the rows of a page table, a CSV section, a sheet."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]]
    codes: list[dict[str, Any]]  # the report's own rows, for links that need codes

    @property
    def shown(self) -> tuple[Column, ...]:
        """The columns a page shows."""
        return tuple(c for c in self.columns if c.on_page)

    def page_rows(self) -> list[list[tuple[Any, Column]]]:
        """Each row's (value, column) pairs of the columns a page shows."""
        return [[(v, c) for v, c in zip(row, self.columns, strict=True) if c.on_page]
                for row in self.rows]


def figure_format(column: str) -> str:
    """What kind of figure a column holds."""
    return FORMATS.get(column, TEXT)


def sheets(report: Report, words: Words) -> list[Sheet]:
    """Every table of a report in the readers' words."""
    out = []
    for t in report.tables:
        named = {"name", "unit_name"} & set(t.columns)
        columns = tuple(
            Column(c, words.column(report.name, t.name, c), figure_format(c),
                   words.unit(figure_format(c)) if figure_format(c) in (HOURS, DAYS) else "",
                   on_page=not (named and c in CODE_COLUMNS))
            for c in t.columns
        )
        rows = [tuple(_value(words, t.name, c, r.get(c.code)) for c in columns)
                for r in t.rows]
        out.append(Sheet(t.name, words.table(report.name, t.name), columns, rows, list(t.rows)))
    return out


def _value(words: Words, table: str, column: Column, value: Any) -> Any:
    if value is None or column.format != TEXT:
        return value
    return words.value(table, column.code, value)


def cell_text(value: Any, fmt: str) -> str:
    """A figure as text, the same on a page and in a CSV: 93.9%, 12.5, 94.67."""
    if value is None:
        return ""
    if fmt == PERCENT:
        return f"{value * 100:.1f}%"
    if fmt in (HOURS, DAYS):
        return f"{value:.1f}"
    if fmt == SCORE:
        return f"{value:.2f}"
    return str(value)


def report_csv(report: Report, words: Words) -> bytes:
    """Every table as CSV in UTF-8 with a BOM: its title on a line, the header row, the rows,
    and a blank line between tables."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for n, sheet in enumerate(sheets(report, words)):
        if n:
            writer.writerow([])
        writer.writerow([sheet.title])
        writer.writerow([c.export_header for c in sheet.columns])
        for row in sheet.rows:
            writer.writerow([cell_text(v, c.format) for v, c in zip(row, sheet.columns,
                                                                   strict=True)])
    return (BOM + out.getvalue()).encode("utf-8")


def report_xlsx(report: Report, words: Words) -> bytes:
    """Every table on its own sheet named by its title: numbers as numbers with their
    formats, the header row bold and frozen, each column as wide as its widest text."""
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for sheet in sheets(report, words):
        page = book.create_sheet(_sheet_name(sheet.title, taken))
        page.append([c.export_header for c in sheet.columns])
        for cell in page[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            page.append(list(row))
        for index, column in enumerate(sheet.columns, start=1):
            number_format = NUMBER_FORMATS.get(column.format)
            if number_format:
                for (cell,) in page.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = number_format
            texts = [column.export_header] + [cell_text(r[index - 1], column.format)
                                              for r in sheet.rows]
            page.column_dimensions[get_column_letter(index)].width = _width(texts)
        page.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(title: str, taken: set[str]) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\, unique."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title)[:31] or "Sheet"
    name, n = cleaned, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = cleaned[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _width(texts: Iterable[str]) -> float:
    """Column width in Excel's character units: a Chinese character takes two."""
    widest = max((sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
                  for text in texts), default=8)
    return min(max(widest + 2, 6), 60)
