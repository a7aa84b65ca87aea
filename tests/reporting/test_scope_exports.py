"""Viewers see only their subtree; exports hold exactly the numbers of the report."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from caseflow.admin.figures import words_for
from caseflow.domain.errors import PermissionDenied
from caseflow.services.reporting.exports import cell_text, report_csv, report_xlsx, sheets
from tests.reporting.helpers import csv_sections, rows, run


def test_a_leader_sees_only_their_street(runtime, dataset):
    leader = dataset["leader"]
    mine = run(runtime, "rates", viewer=leader)
    assert rows(mine, "summary") == rows(run(runtime, "rates", "jiazhou-street"), "summary")
    everything = rows(run(runtime, "rates"), "summary")[0]
    assert everything["submitted"] == 7  # C6 of street B is there only without a scope
    ratings = rows(run(runtime, "property-ratings", viewer=leader), "ratings")
    assert [r["company"] for r in ratings] == ["huacheng"]


@pytest.mark.parametrize("name", ["rates", "unresolved", "containment", "hotspots",
                                  "ranking", "property-ratings"])
def test_a_leader_cannot_ask_for_another_street(runtime, dataset, name):
    with pytest.raises(PermissionDenied):
        run(runtime, name, "pine-street", viewer=dataset["leader"])


def test_a_caseworker_reads_no_reports_and_an_admin_reads_any(runtime, dataset):
    with pytest.raises(PermissionDenied):
        run(runtime, "rates", viewer=dataset["caseworker"])
    assert rows(run(runtime, "rates", "pine-street", viewer=dataset["admin"]),
                "summary")[0]["submitted"] == 1


@pytest.mark.parametrize("name", ["rates", "containment", "ranking", "property-ratings"])
def test_exports_hold_the_numbers_of_the_report(runtime, dataset, name):
    report = run(runtime, name, "jiazhou-street")
    words = words_for(runtime.rules(), "zh")
    book = load_workbook(io.BytesIO(report_xlsx(report, words)))
    sections = csv_sections(report_csv(report, words))
    for t, sheet, page in zip(report.tables, sheets(report, words), book.worksheets, strict=True):
        values = [list(r) for r in page.iter_rows(values_only=True)]
        assert values[0] == [c.export_header for c in sheet.columns]
        # Numbers stay the report's numbers; only codes in text cells become names.
        for raw, row in zip(t.rows, values[1:], strict=True):
            for column, value in zip(sheet.columns, row, strict=True):
                if column.format != "text":
                    assert value == raw[column.code]
        assert sections[sheet.title] == [values[0], *[
            [cell_text(v, c.format) for v, c in zip(r, sheet.columns, strict=True)]
            for r in sheet.rows]]
