"""Viewers see only their subtree; exports hold exactly the numbers of the report."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from caseflow.domain.errors import PermissionDenied
from caseflow.services.reporting.exports import report_csv, report_xlsx
from tests.reporting.helpers import rows, run


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
    book = load_workbook(io.BytesIO(report_xlsx(report)))
    sections = report_csv(report).split("# ")[1:]
    for t, section in zip(report.tables, sections, strict=True):
        sheet = [list(r) for r in book[t.name].iter_rows(values_only=True)]
        expected = [[row[c] for c in t.columns] for row in t.rows]
        assert sheet == [list(t.columns), *expected]
        lines = list(csv.reader(io.StringIO(section.split("\n", 1)[1])))
        assert [line for line in lines if line] == [
            list(t.columns), *[["" if v is None else str(v) for v in r] for r in expected]]
