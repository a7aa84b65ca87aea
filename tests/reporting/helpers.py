"""Run a report over the hand-made dataset for November 2026."""

from __future__ import annotations

from datetime import date

from caseflow.services.reporting.common import Report
from caseflow.services.reporting.service import Request, run_report

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


def run(runtime, name: str, unit: str | None = None, viewer=None, **options: str) -> Report:
    """The report as the service computes it, for the whole of November."""
    request = Request(name, unit, *NOVEMBER, tuple(options.items()))
    with runtime.uow() as uow:
        return run_report(uow, runtime.rules(), request, runtime.now(), viewer)


def rows(report: Report, table: str) -> list[dict]:
    """The rows of one table."""
    return report.table(table).rows
