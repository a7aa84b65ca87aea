"""`caseflow report ...` prints and exports the service's numbers; `ratings import` loads CSV."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from caseflow.cli import main
from tests.reporting.helpers import rows, run

NOVEMBER = ["--from", "2026-11-01", "--to", "2026-11-30"]


@pytest.fixture
def cli(database_url, dataset, monkeypatch):
    monkeypatch.setenv("CASEFLOW_DATABASE_URL", database_url)
    monkeypatch.setenv("CASEFLOW_NOW", "2026-11-23T09:00:00+08:00")
    return CliRunner()


def test_json_output_is_the_report(cli, runtime):
    result = cli.invoke(main, ["report", "rates", "--unit", "jiazhou-street", *NOVEMBER,
                               "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["tables"]["summary"]["rows"] == rows(
        run(runtime, "rates", "jiazhou-street"), "summary")


def test_table_and_xlsx_output(cli, runtime, tmp_path):
    table = cli.invoke(main, ["report", "containment", "--unit", "jiazhou-street", *NOVEMBER])
    # In the readers' words: titles and headers in Chinese, rates as percentages.
    assert "== 属地化解率" in table.output and "66.7%" in table.output
    assert "within_complex" not in table.output and "0.6667" not in table.output
    target = tmp_path / "ranking.xlsx"
    made = cli.invoke(main, ["report", "ranking", "--level", "complex", "--unit", "jiazhou-street",
                             *NOVEMBER,
                             "--format", "xlsx", "--output", str(target)])
    assert made.exit_code == 0, made.output
    sheet = list(load_workbook(target).worksheets[0].iter_rows(values_only=True))
    assert sheet[0][:4] == ("名次", "单位代码", "单位", "得分")
    assert sheet[1][:4] == (1, "rhine", "莱茵水岸", 94.67)


def test_unresolved_keeps_working_and_bad_units_are_plain_errors(cli):
    result = cli.invoke(main, ["report", "unresolved", "--by", "age", "--format", "csv"])
    assert result.exit_code == 0 and "1至3天,2,1" in result.output
    bad = cli.invoke(main, ["report", "rates", "--unit", "nowhere"])
    assert bad.exit_code == 1 and "nowhere" in bad.output


def test_ratings_import(cli, runtime, tmp_path):
    aspects = runtime.rules().ratings["owners_evaluation"]["aspects"]
    path = tmp_path / "owners.csv"
    path.write_text("company,year,complex," + ",".join(aspects) + "\n"
                    + "pineco,2026,pine," + ",".join("60" for _ in aspects) + "\n",
                    encoding="utf-8")
    result = cli.invoke(main, ["ratings", "import", str(path)])
    assert result.exit_code == 0 and "imported 1" in result.output


def test_a_company_with_too_little_data_prints_not_rated(cli):
    for fmt in ("table", "csv"):
        result = cli.invoke(main, ["report", "property-ratings", *NOVEMBER, "--format", fmt])
        assert result.exit_code == 0, result.output
        line = next(x for x in result.output.splitlines() if "pineco" in x)
        assert "不参评" in line and "五星" not in line and "five" not in line
        if fmt == "csv":  # rank, company, name, score, stars: no rank and no score
            assert line.split(",")[:5] == ["", "pineco", "松林物业", "", "不参评"]
