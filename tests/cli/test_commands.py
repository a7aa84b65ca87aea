"""The `caseflow` command line, end to end on a real SQLite file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from caseflow.cli import main
from tests.conftest import RULES_DIR
from tests.factories import TREE, submission

NOW = "2026-11-23T09:00:00+08:00"


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """Run `caseflow ...` against a fresh instance folder; returns a runner function."""
    monkeypatch.setenv("CASEFLOW_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("CASEFLOW_DATABASE_URL", raising=False)
    monkeypatch.setenv("CASEFLOW_NOW", NOW)
    runner = CliRunner()

    def run(*args: str, input: str | None = None, now: str | None = None):
        if now:
            monkeypatch.setenv("CASEFLOW_NOW", now)
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    assert run("init-db").exit_code == 0
    units = tmp_path / "units.yaml"
    units.write_text(TREE, encoding="utf-8")
    assert run("units", "import", str(units)).exit_code == 0
    return run


def test_rules_check_passes_on_the_shipped_set():
    result = CliRunner().invoke(main, ["rules", "check", str(RULES_DIR)])
    assert result.exit_code == 0
    assert "ok, version" in result.output


def test_a_broken_rules_copy_is_refused_with_every_error_listed(tmp_path):
    broken = tmp_path / "rules"
    shutil.copytree(RULES_DIR, broken)
    routing = broken / "routing.yaml"
    routing.write_text(routing.read_text(encoding="utf-8").replace(
        "start_layer: street", "start_layer: moon", 1), encoding="utf-8")
    deadlines = broken / "deadlines.yaml"
    deadlines.write_text(deadlines.read_text(encoding="utf-8").replace(
        "resolve: 3 working days", "resolve: soon", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["rules", "check", str(broken)])
    assert result.exit_code == 1
    assert "routing.yaml:" in result.output and "moon" in result.output
    assert "deadlines.yaml:" in result.output and "soon" in result.output
    assert "nothing was loaded" in result.output


def test_activating_a_broken_set_changes_nothing(cli, tmp_path):
    before = cli("rules", "explain", "-", input=json.dumps({"category": "noise"}))
    broken = tmp_path / "broken"
    shutil.copytree(RULES_DIR, broken)
    (broken / "layers.yaml").write_text("layers: [\n", encoding="utf-8")
    result = cli("rules", "activate", str(broken))
    assert result.exit_code == 1
    assert "layers.yaml:" in result.output
    after = cli("rules", "explain", "-", input=json.dumps({"category": "noise"}))
    assert before.output == after.output


def test_explain_prints_the_trace_and_decision():
    facts = {"category": "noise", "text": "楼下快递柜半夜响", "reporter": {"elderly": True}}
    result = CliRunner().invoke(main, ["rules", "explain", "-", "--dir", str(RULES_DIR)],
                                input=json.dumps(facts, ensure_ascii=False))
    assert result.exit_code == 0
    assert "✔" in result.output and "✘" in result.output
    decision = json.loads(result.output[result.output.index("{"):])
    assert decision["start_layer"] == "property" and decision["green_channel"] is True


def test_submit_then_sweep_twice_escalates_once(cli, tmp_path):
    body = tmp_path / "case.json"
    body.write_text(json.dumps(submission(), ensure_ascii=False), encoding="utf-8")
    submitted = cli("submit", str(body))
    assert submitted.exit_code == 0
    case = json.loads(submitted.output)
    assert case["layer"] == "property" and case["tracking_token"]
    later = "2026-11-23T10:00:00+08:00"  # the butler's 30-minute accept clock has run out
    first = cli("sweep", now=later)
    assert "escalated 1" in first.output
    second = cli("sweep", now=later)
    assert "escalated 0" in second.output
    report = json.loads(cli("report", "unresolved", "--by", "layer", "--format", "json").output)
    rows = report["tables"]["by_layer"]["rows"]
    assert rows[0] == {"key": "complex", "open": 1, "overdue": 0}
    assert rows[-1] == {"key": "total", "open": 1, "overdue": 0}


def test_act_refuses_an_unknown_user_with_a_plain_message(cli, tmp_path):
    body = tmp_path / "case.json"
    body.write_text(json.dumps(submission(), ensure_ascii=False), encoding="utf-8")
    ref = json.loads(cli("submit", str(body)).output)["ref"]
    result = CliRunner().invoke(main, ["act", ref, "accept", "--as", "nobody"])
    assert result.exit_code == 1
    assert "not_found" in result.output


def test_units_import_reads_csv(cli, tmp_path):
    csv_file = tmp_path / "units.csv"
    csv_file.write_text(
        "code,name,kind,parent,property_company,latitude,longitude\n"
        "new-complex,新小区,complex,jiazhou-community,,29.55,103.76\n"
        "new-b1,1栋,building,new-complex,,,\n", encoding="utf-8")
    result = cli("units", "import", str(csv_file))
    assert result.exit_code == 0 and "imported 2 units" in result.output
    assert Path(csv_file).exists()
