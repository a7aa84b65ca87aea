"""`caseflow assessments`, `rating-rounds` and `ledger` on a real SQLite file."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from caseflow.cli import main
from tests.factories import TREE
from tests.meetings.helpers import BALLOT_CSV

NOW = "2026-11-23T09:00:00+08:00"


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEFLOW_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("CASEFLOW_DATABASE_URL", raising=False)
    monkeypatch.setenv("CASEFLOW_NOW", NOW)
    runner = CliRunner()

    def run(*args: str, ok: bool = True):
        result = runner.invoke(main, list(args))
        assert (result.exit_code == 0) == ok, result.output
        return result

    run("init-db")
    (tmp_path / "units.yaml").write_text(TREE, encoding="utf-8")
    (tmp_path / "ballots.csv").write_text(BALLOT_CSV, encoding="utf-8")
    run("units", "import", str(tmp_path / "units.yaml"))
    run("ballots", "import", "rhine", str(tmp_path / "ballots.csv"))
    run("users", "create", "fang", "--role", "inspector", "--unit", "jiazhou-street",
        "--name", "房管所考评员", "--password", "long-enough-1")
    return run


def test_the_panel_assesses_from_the_shell(cli, tmp_path):
    cli("assessments", "open", "jiazhou-street", "2026", "4")
    cli("assessments", "open", "jiazhou-street", "2026", "4", ok=False)  # already open
    cli("rating-rounds", "open", "rhine", "2026", "年度评议")
    codes = [x for x in cli("rating-rounds", "codes", "1").output.splitlines()
             if not x.startswith("#")]
    assert codes[0] == "household,code,answered" and len(codes) == 5
    from caseflow.rules import load_rules
    from tests.conftest import RULES_DIR

    items = load_rules(RULES_DIR).ratings["assessment"]["expert_sheet"]
    scores = [f"{item}={points * 0.9:g}" for item, points in items.items()]
    too_much = cli("assessments", "sheet", "1", "rhine", *scores, "records=11", "--as", "fang",
                   ok=False)
    assert "records" in too_much.output and "10" in too_much.output
    assert "90 points" in cli("assessments", "sheet", "1", "rhine", *scores,
                              "--as", "fang").output
    cli("assessments", "publish", "1")
    shown = json.loads(cli("assessments", "show").output)
    # No owners' rating yet at Rhine: not rated, whatever the panel gave.
    assert [u["rated"] for u in shown["units"]] == [False, False]
    cli("ledger", "add", "rhine", "income", "property_fee", "5000", "2026-11-02")
    cli("ledger", "add", "rhine", "income", "nonsense", "5000", "2026-11-02", ok=False)
    cli("ledger", "ratio", "rhine", "8")
    (tmp_path / "report.txt").write_text("本月服务报告", encoding="utf-8")
    cli("ledger", "publish", "rhine", "2026-11", str(tmp_path / "report.txt"))
    cli("ledger", "add", "rhine", "income", "property_fee", "1", "2026-11-03", ok=False)
