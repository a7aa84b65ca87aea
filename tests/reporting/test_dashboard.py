"""The dashboard shows the service's numbers, charts as SVG files, exports equal to screen."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import update
from werkzeug.security import generate_password_hash

from caseflow.app import runtime_of
from caseflow.models import User
from tests.reporting.helpers import run

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
def test_screen_and_exports_hold_the_service_numbers(runtime, leader, name):
    page = leader.get(f"/dashboard/{name}?{NOVEMBER}")
    assert page.status_code == 200
    screen = _screen(page.get_data(as_text=True))
    report = run(runtime, name, "jiazhou-street")
    book = load_workbook(io.BytesIO(leader.get(f"/dashboard/{name}/export.xlsx?{NOVEMBER}").data))
    exported = leader.get(f"/dashboard/{name}/export.csv?{NOVEMBER}").get_data(as_text=True)
    sections = dict(s.split("\n", 1) for s in exported.split("# ")[1:])
    for t in report.tables:
        shown = [list(t.columns)] + [["" if r[c] is None else str(r[c]) for c in t.columns]
                                     for r in t.rows]
        assert screen[t.name] == shown or (not t.rows and screen[t.name][0] == shown[0])
        assert [row for row in csv.reader(io.StringIO(sections[t.name])) if row] == shown
        sheet = [list(r) for r in book[t.name].iter_rows(values_only=True)]
        assert sheet == [list(t.columns), *[[r[c] for c in t.columns] for r in t.rows]]


def test_charts_are_svg_files_without_script(leader):
    page = leader.get(f"/dashboard/containment?{NOVEMBER}").get_data(as_text=True)
    assert "<script" not in page and "<style" not in page
    chart = leader.get(f"/dashboard/containment/flow.svg?{NOVEMBER}")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    body = chart.get_data(as_text=True)
    assert "<script" not in body and "property → complex" in body


def test_the_dashboard_needs_a_reader(app, dataset):
    assert app.test_client().get("/dashboard/rates").status_code in (302, 401)


def test_the_live_company_ratings_are_on_the_dashboard(leader):
    # /ratings shows published assessments only (tests/assessments); the live figures of
    # the period are the staff dashboard's.
    assert leader.get("/ratings").status_code == 200
    page = leader.get("/dashboard/property-ratings?from=2026-10-01&to=2026-12-31")
    assert page.status_code == 200
    tables = _screen(page.get_data(as_text=True))
    # Q4 adds C8 (October) to huacheng: on time C1 C5 C8 of resolved C1 C2 C5 C8 and C4
    # (open, overdue): 0.3 × 3/5 + 0.4 × 1 + 0.1 × (1 − 1/3) + 0.2 × 0.85 = 81.67.
    assert [row[0] for row in tables["red_list"][1:]] == ["huacheng"]
    assert tables["ratings"][1][:5] == ["1", "huacheng", "乐山花城物业", "81.67", "four"]
    # pineco lies outside the leader's district (its 不参评 row: tests/reporting/test_ratings).
    assert "pineco" not in [row[1] for row in tables["ratings"][1:]]
