"""The dashboard shows the service's numbers, charts as SVG files, exports equal to screen."""

from __future__ import annotations

import html
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import update
from werkzeug.security import generate_password_hash

from caseflow.admin.dashboard import shown_text
from caseflow.admin.figures import words_for
from caseflow.app import runtime_of
from caseflow.models import User
from caseflow.services.reporting.exports import cell_text, sheets
from tests.reporting.helpers import csv_sections, run

PASSWORD = "password-123"
NOVEMBER = "from=2026-11-01&to=2026-11-30"
CELLS = re.compile(r'<table class="figures" data-table="([^"]+)">(.*?)</table>', re.S)


@pytest.fixture
def runtime(app):  # noqa: F811 - the app's own runtime
    return runtime_of(app)


@pytest.fixture
def leader(app, runtime, dataset):
    with runtime.uow() as uow:
        uow.session.execute(update(User).values(
            password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")))
        uow.commit()
    client = app.test_client()
    assert client.post("/login", data={"username": "leader", "password": PASSWORD}
                       ).status_code == 302
    return client


def _screen(html: str) -> dict[str, list[list[str]]]:
    """Each table on the page as rows of cell texts (header included)."""
    tables = {}
    for name, body in CELLS.findall(html):
        rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
        tables[name] = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S) for r in rows]
    return tables


@pytest.mark.parametrize("name", ["rates", "containment", "ranking"])
def test_screen_and_exports_hold_the_service_numbers(app, runtime, leader, name):
    page = leader.get(f"/dashboard/{name}?{NOVEMBER}")
    assert page.status_code == 200
    screen = _screen(page.get_data(as_text=True))
    report = run(runtime, name, "jiazhou-street")
    words = words_for(runtime.rules(), "zh")
    book = load_workbook(io.BytesIO(leader.get(f"/dashboard/{name}/export.xlsx?{NOVEMBER}").data))
    exported = csv_sections(leader.get(f"/dashboard/{name}/export.csv?{NOVEMBER}").data)
    for sheet, book_sheet in zip(sheets(report, words), book.worksheets, strict=True):
        with app.test_request_context():  # durations in the page's language (Chinese)
            shown = [[c.header for c in sheet.shown]] + [
                [html.escape(shown_text(v, c.format)) for v, c in row]
                for row in sheet.page_rows()]
        assert screen[sheet.name] == shown or (not sheet.rows and screen[sheet.name][0] == shown[0])
        assert exported[sheet.title] == [[c.export_header for c in sheet.columns]] + [
            [cell_text(v, c.format) for v, c in zip(r, sheet.columns, strict=True)]
            for r in sheet.rows]
        assert [list(r) for r in book_sheet.iter_rows(values_only=True)][1:] == [
            list(r) for r in sheet.rows]


def test_charts_are_svg_files_without_script(leader):
    page = leader.get(f"/dashboard/containment?{NOVEMBER}").get_data(as_text=True)
    # Scripts only from files (the unit picker): nothing inline, which the CSP would refuse.
    assert not re.search(r"<script(?![^>]*\bsrc=)", page) and "<style" not in page
    chart = leader.get(f"/dashboard/containment/flow.svg?{NOVEMBER}")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    body = chart.get_data(as_text=True)
    assert "<script" not in body and "物业 → 小区" in body


def test_the_dashboard_needs_a_reader(app, dataset):
    assert app.test_client().get("/dashboard/rates").status_code in (302, 401)


def test_the_public_ratings_page_needs_no_sign_in(app, dataset):
    page = app.test_client().get("/ratings?year=2026&quarter=4")
    assert page.status_code == 200
    tables = _screen(page.get_data(as_text=True))
    # Q4 adds C8 (October) to huacheng: on time C1 C5 C8 of resolved C1 C2 C5 C8 and C4
    # (open, overdue): 0.3 × 3/5 + 0.4 × 1 + 0.1 × (1 − 1/3) + 0.2 × 0.85 = 81.67.
    assert [row[0] for row in tables["red_list"][1:]] == ["乐山花城物业"]
    assert tables["ratings"][1][:4] == ["1", "乐山花城物业", "81.67", "四星"]
    # pineco: one case and no owners' evaluation: 不参评, no rank and no score.
    assert tables["ratings"][2][:4] == ["", "松林物业", "", "不参评"]
