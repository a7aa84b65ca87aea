"""Leaders' pages in their own words: labels, percentages, durations, exports, the landing
page whose every number opens the list of exactly the cases it counted, the unit picker.

Dataset: tests/reporting/conftest.py (street A = jiazhou-street, now 2026-11-23 09:00).
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import fields
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import update
from werkzeug.datastructures import MultiDict
from werkzeug.security import generate_password_hash

from caseflow.admin.drill import args_of, figure_filters
from caseflow.admin.figures import words_for
from caseflow.admin.inbox import filters_from
from caseflow.app import runtime_of
from caseflow.domain.lifecycle import OPEN_STATES
from caseflow.models import User
from caseflow.services.queries import CaseFilters, list_cases
from caseflow.services.reporting.exports import FORMATS, sheets
from caseflow.services.reporting.overview import leader_overview
from caseflow.services.reporting.service import REPORTS
from caseflow.services.unit_search import find_units
from tests.reporting.helpers import csv_sections, run

PASSWORD = "password-123"
NOVEMBER = "from=2026-11-01&to=2026-11-30"
# Codes no reader should meet: every report's column, table and cell codes.
TABLES = ("by_layer", "by_unit", "oldest", "most_overdue", "summary", "trend", "durations",
          "escalation_flow", "places", "monthly_issue", "ranking", "ratings", "red_list",
          "black_list")
CELL_CODES = ("five", "four", "unrated", "in_progress", "on_hold", "basically_satisfied",
              "<1d", "1-3d", "3-7d", "7-30d", ">30d", "on_time", "green_channel")
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")  # any snake_case word
RAW_RATE = re.compile(r"(?<![\d.])0\.\d{3,}")  # 0.6667: a rate not shown as a percentage


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


def visible_text(page: str) -> str:
    """What a reader sees: the body without tags, attributes, scripts or styles."""
    body = page.split("<body>", 1)[1]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def _pages(client, lang: str) -> dict[str, str]:
    client.post("/lang", data={"lang": lang, "next": "/"})
    urls = ["/dashboard/", *(f"/dashboard/{name}?{NOVEMBER}" for name in REPORTS),
            f"/dashboard/unresolved?by=unit&level=community&{NOVEMBER}",
            f"/dashboard/unresolved?by=age&{NOVEMBER}", "/ratings?year=2026&quarter=4"]
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        found[url] = visible_text(response.get_data(as_text=True))
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_code_names_and_rates_as_percentages(leader, lang):
    for url, text in _pages(leader, lang).items():
        assert SNAKE.findall(text) == [], url
        assert RAW_RATE.findall(text) == [], url
        # In English some table codes are plain words ("ratings"): those with "_" are checked.
        codes = (*TABLES, *CELL_CODES, *FORMATS) if lang == "zh" else (
            *(c for c in (*TABLES, *FORMATS) if "_" in c), *CELL_CODES)
        for code in codes:
            assert not re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text), (url, code)
        if lang == "zh":  # no Latin letters but the brand and exports, and the dataset's
            # own titles ("case C4") and category "garbage", which the rules do not name
            words = set(re.findall(r"[A-Za-z][A-Za-z_]+", text))
            assert words <= {"caseflow", "English", "CSV", "Excel", "WPS", "XLSX", "case",
                             "garbage"}, url
    rates = _pages(leader, lang)[f"/dashboard/rates?{NOVEMBER}"]
    assert "60.0%" in rates and ("响应率" if lang == "zh" else "Response rate") in rates
    durations = "小时" if lang == "zh" else "hours"
    assert durations in rates and ("天" if lang == "zh" else "days") in rates


def test_xlsx_has_readers_headers_percent_formats_a_frozen_header_and_fitted_columns(leader):
    book = load_workbook(io.BytesIO(leader.get(f"/dashboard/rates/export.xlsx?{NOVEMBER}").data))
    summary = book.worksheets[0]
    assert summary.title == "本期三率"
    headers = [cell.value for cell in summary[1]]
    assert headers[:4] == ["范围", "受理数", "响应率", "解决率"]
    assert all(cell.font.bold for cell in summary[1])
    assert summary.freeze_panes == "A2"
    rate = summary.cell(row=2, column=3)
    assert rate.value == 0.6 and rate.number_format == "0.0%"
    assert summary.cell(row=2, column=2).number_format == "0"
    for index, header in enumerate(headers, start=1):
        width = summary.column_dimensions[summary.cell(row=1, column=index).column_letter].width
        assert width >= 2 * len(header)  # a Chinese character takes two
    durations = book.worksheets[2]
    assert [c.value for c in durations[1]][3:] == ["用时中位数（小时）", "九成案件用时（小时）"]
    assert durations.cell(row=2, column=4).number_format == "0.0"


def test_csv_starts_with_a_bom_and_is_in_the_page_language(leader):
    body = leader.get(f"/dashboard/containment/export.csv?{NOVEMBER}").data
    assert body[:3] == b"\xef\xbb\xbf"
    sections = csv_sections(body)
    assert sections["属地化解率"] == [["结案数", "小事不出小区", "难事不出社区"],
                                  ["3", "33.3%", "66.7%"]]
    leader.post("/lang", data={"lang": "en", "next": "/"})
    english = csv_sections(leader.get(f"/dashboard/containment/export.csv?{NOVEMBER}").data)
    assert english["Cases settled low on the ladder"][0] == [
        "Closed cases", "Settled within the complex", "Settled within the community"]


def test_the_cli_words_match_the_pages(runtime, dataset, app):
    report = run(runtime, "ranking", "jiazhou-street", level="complex")
    with app.test_request_context():
        from caseflow.admin.dashboard import words

        on_page = sheets(report, words())
    in_cli = sheets(report, words_for(runtime.rules(), "zh"))
    assert on_page == in_cli


def _all_counted(overview):
    yield from overview.totals.values()
    for line in overview.units:
        yield from line.figures.values()
    yield from overview.months
    yield from overview.settled


def test_every_landing_number_counts_the_cases_its_list_shows(runtime, dataset):
    leader = dataset["leader"]
    with runtime.uow() as uow:
        overview = leader_overview(uow, runtime.rules(), leader, runtime.now())
        assert overview.area["code"] == "jiazhou-street"
        assert {k: c.count for k, c in overview.totals.items()} == {
            "open": 3, "overdue": 1, "warning": 0, "supervised": 0}  # C3 C4 C5; C4 overdue
        for key, total in overview.totals.items():
            assert sum(line.figures[key].count for line in overview.units) == total.count
        for counted in _all_counted(overview):
            _, listed = list_cases(uow, leader, counted.filters, per_page=100, now=runtime.now())
            assert listed == counted.count, counted.filters
        # Street A: its community (every open case), itself, nothing held outside.
        assert [(u.code, u.held, u.figures["open"].count) for u in overview.units] == [
            ("jiazhou-community", "below", 3), ("jiazhou-street", "self", 0)]
        november = overview.months[-1]
        assert november.count == 6 and november.filters.submitted[0].isoformat() == "2026-11-01"
        within = {k: list_cases(uow, leader, c.filters, per_page=100, now=runtime.now())[1]
                  for k, c in overview.contained.items()}
    assert within == {"within_complex": 1, "within_community": 2}  # C1; C1 C2 of C1 C2 C8


def test_a_figure_link_opens_the_inbox_on_exactly_its_cases(runtime, leader, dataset):
    with runtime.uow() as uow:
        overview = leader_overview(uow, runtime.rules(), dataset["leader"], runtime.now())
    page = leader.get("/dashboard/").get_data(as_text=True)
    overdue = overview.totals["overdue"]
    link = html.escape(args_of(overdue.filters)["place"])
    assert link in page
    listed = leader.get("/inbox", query_string=args_of(overdue.filters)).get_data(as_text=True)
    refs = re.findall(r'<a class="ref" href="[^"]*">([^<]+)</a>', listed)
    assert refs == ["C4"] and 'id="figure-filters"' in listed


def test_the_landing_page_is_the_leaders_home(leader):
    assert leader.get("/").headers["Location"].endswith("/dashboard/")


@pytest.mark.parametrize("filters", [
    CaseFilters(state=OPEN_STATES, place="rhine", overdue=True, holder="lotus"),
    CaseFilters(state=("closed",), place="x", closed=(date(2026, 1, 1), date(2026, 12, 31)),
                settled_at=("property", "complex")),
    CaseFilters(state=(), place="x", warning=True, supervised=True, held_by="y",
                submitted=(date(2026, 5, 1), date(2026, 5, 31))),
])
def test_figure_filters_survive_the_inbox_link(filters):
    read = filters_from(MultiDict(args_of(filters)))
    for field in fields(CaseFilters):
        assert getattr(read, field.name) == getattr(filters, field.name), field.name


def test_no_figure_filters_leave_the_inbox_as_it_was():
    assert figure_filters(MultiDict()) == {}
    assert filters_from(MultiDict()) == CaseFilters(state=OPEN_STATES)


def test_the_unit_picker_searches_only_the_leaders_area(runtime, leader, dataset):
    with runtime.uow() as uow:
        lotus = find_units(uow, dataset["leader"], "荷花")
        assert [u.code for u in lotus] == ["lotus", "lotus-office"]
        assert find_units(uow, dataset["leader"], "松林") == []
        assert [u.code for u in find_units(uow, dataset["admin"], "松林小区")] == ["pine"]
        first = find_units(uow, dataset["leader"])[0]
    assert first.code == "jiazhou-street"  # highest in the tree first
    found = leader.get("/dashboard/units?q=莱茵").get_json()
    assert [u["code"] for u in found] == ["rhine", "rhine-office"]
    assert found[0]["kind"] == "小区" and found[0]["path"] == "嘉州街道 › 嘉州新城社区"
    page = leader.get("/dashboard/rates").get_data(as_text=True)
    assert '<select name="unit" id="unit">' in page and 'value="pine"' not in page


def test_the_unit_search_below_a_unit_outside_the_area_is_refused(leader):
    assert leader.get("/dashboard/units?unit=pine-street").status_code == 403
    inside = leader.get("/dashboard/units?unit=jiazhou-community&q=").get_json()
    assert inside[0]["code"] == "jiazhou-community"


def test_bad_figure_filters_and_units_outside_are_refused(leader):
    bad = leader.get("/inbox?submitted=2026-13-01..2026-11-30")
    assert bad.status_code == 422 and "submitted" in bad.get_data(as_text=True)
    assert leader.get("/dashboard/?unit=pine-street").status_code == 403
    assert leader.get("/dashboard/overview/trend.svg?unit=pine-street").status_code == 403
    inside = leader.get("/dashboard/?unit=jiazhou-community").get_data(as_text=True)
    assert "嘉州新城社区" in inside and 'data-unit="rhine"' in inside


def test_the_landing_chart_draws_the_rates_as_percentages(leader):
    chart = leader.get("/dashboard/overview/trend.svg")
    body = chart.get_data(as_text=True)
    assert chart.mimetype == "image/svg+xml" and "<script" not in body
    assert "响应率" in body and "100.0%" in body and "response_rate" not in body


def test_sheet_names_and_widths():
    from caseflow.services.reporting.exports import _sheet_name, _width, cell_text

    taken: set[str] = set()
    assert _sheet_name("a/b:c", taken) == "a b c"
    assert _sheet_name("A/B:C", taken) == "A B C (2)"  # Excel compares names caselessly
    assert len(_sheet_name("长" * 40, taken)) == 31
    assert _width(["响应率"]) == 8 and _width(["ab"]) == 6
    assert cell_text(0.93939, "percent") == "93.9%" and cell_text(None, "percent") == ""
    assert cell_text(51.234, "hours") == "51.2" and cell_text(94.666, "score") == "94.67"


def test_the_cli_speaks_english_when_asked(runtime, dataset, monkeypatch, database_url):
    from click.testing import CliRunner

    from caseflow.cli import main

    monkeypatch.setenv("CASEFLOW_DATABASE_URL", database_url)
    monkeypatch.setenv("CASEFLOW_NOW", "2026-11-23T09:00:00+08:00")
    result = CliRunner().invoke(main, ["report", "rates", "--unit", "jiazhou-street",
                                       "--from", "2026-11-01", "--to", "2026-11-30",
                                       "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "== Rates for the period" in result.output and "Response rate" in result.output
    assert "60.0%" in result.output and "response_rate" not in result.output
