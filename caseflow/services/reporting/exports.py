"""Exports: a report's tables as CSV or XLSX, holding exactly the figures shown on screen."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from caseflow.services.reporting.common import Report, Table


def _cell(value: object) -> object:
    return "" if value is None else value


def table_csv(table: Table) -> str:
    """One table as CSV with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_cell(row.get(c)) for c in table.columns])
    return out.getvalue()


def report_csv(report: Report) -> str:
    """Every table of a report as CSV, each preceded by a `# name` line and a blank line after."""
    return "\n".join(f"# {t.name}\n{table_csv(t)}" for t in report.tables)


def report_xlsx(report: Report) -> bytes:
    """Every table of a report on its own sheet, numbers kept as numbers."""
    book = Workbook()
    book.remove(book.active)
    for t in report.tables:
        sheet = book.create_sheet(t.name[:31])  # Excel caps sheet names at 31 characters
        sheet.append(list(t.columns))
        for row in t.rows:
            sheet.append([row.get(c) for c in t.columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
