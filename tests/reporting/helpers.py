"""Run a report over the hand-made dataset for November 2026."""

from __future__ import annotations

from datetime import date

from caseflow.domain.errors import CaseflowError
from caseflow.services.reporting.common import Report
from caseflow.services.reporting.service import Request, run_report
from tests.factories import RESIDENT, act_on

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
STAFF = ("butler", "lotus-butler", "branch", "community", "street", "lead", "dispatcher")


def run(runtime, name: str, unit: str | None = None, viewer=None, **options: str) -> Report:
    """The report as the service computes it, for the whole of November."""
    request = Request(name, unit, *NOVEMBER, tuple(options.items()))
    with runtime.uow() as uow:
        return run_report(uow, runtime.rules(), request, runtime.now(), viewer)


def rows(report: Report, table: str) -> list[dict]:
    """The rows of one table."""
    return report.table(table).rows


def act_as_anyone(runtime, users: dict, ref: str, action: str, data: dict) -> bool:
    """The action by the first person allowed to take it; whether anyone was (a refusal
    writes nothing)."""
    for actor in [*(users[name] for name in STAFF), RESIDENT]:
        try:
            with runtime.uow() as uow:
                act_on(uow, runtime.rules(), ref, action, actor, runtime.now(),
                            note="测试", data=data)
            return True
        except CaseflowError:
            continue
    return False


def csv_sections(body: bytes) -> dict[str, list[list[str]]]:
    """A CSV export (UTF-8 with a BOM) as {table title: [header, *rows]}: each table is its
    title on a line, then its header and rows, and a blank line before the next."""
    import csv
    import io

    assert body.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    sections: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for line in lines:
        if not line:
            current = None
        elif current is None:
            current = sections.setdefault(line[0], [])
        else:
            current.append(line)
    return sections
