"""`caseflow rules check` shows warnings; `caseflow rules whatif` replays without changing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from caseflow.cli import main
from tests.cli.test_commands import cli  # noqa: F401  (the fixture)
from tests.conftest import RULES_DIR
from tests.factories import submission
from tests.services.test_whatif import NOISE_FIRST


def test_check_prints_the_overlap_warning_and_still_passes() -> None:
    result = CliRunner().invoke(main, ["rules", "check", str(RULES_DIR)])
    assert result.exit_code == 0
    assert "routing.yaml:" in result.output and "warning: overlap" in result.output
    assert "ok, version" in result.output and "1 warning(s)" in result.output


def noise_first(tmp_path) -> Path:
    """The shipped rules with noise sent to the community first, as a directory."""
    candidate = tmp_path / "candidate"
    shutil.copytree(RULES_DIR, candidate)
    routing = (candidate / "routing.yaml").read_text(encoding="utf-8")
    at = routing.index("  # 安全隐患直报街道")
    (candidate / "routing.yaml").write_text(routing[:at] + NOISE_FIRST + routing[at:],
                                            encoding="utf-8")
    return candidate


def test_whatif_as_json_counts_the_replayed_and_moved_cases(cli, tmp_path) -> None:  # noqa: F811
    body = tmp_path / "case.json"
    body.write_text(json.dumps(submission(), ensure_ascii=False), encoding="utf-8")
    assert cli("submit", str(body)).exit_code == 0
    candidate = noise_first(tmp_path)
    later = "2026-11-23T12:00:00+08:00"
    result = cli("rules", "whatif", str(candidate), "--since", "1d", "--format", "json",
                 now=later)
    assert result.exit_code == 0, result.output
    replayed = json.loads(result.output)
    assert (replayed["cases"], replayed["moved"]) == (1, 1)
    assert replayed["by_layer"] == [{"before": "property", "after": "community", "cases": 1}]
    table = cli("rules", "whatif", str(candidate), now=later)
    assert "1 routed differently" in table.output and "property -> community" in table.output
    unchanged = cli("rules", "whatif", str(RULES_DIR), "--format", "json", now=later)
    assert json.loads(unchanged.output)["moved"] == 0


def test_whatif_refuses_a_bad_period(cli) -> None:  # noqa: F811
    result = cli("rules", "whatif", str(RULES_DIR), "--since", "soon")
    assert result.exit_code != 0 and "since" in result.output


def test_whatif_on_the_demo_data_shows_a_moved_case(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CASEFLOW_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("CASEFLOW_DATABASE_URL", raising=False)
    monkeypatch.setenv("CASEFLOW_NOW", "2026-11-23T09:00:00+08:00")
    runner = CliRunner()
    assert runner.invoke(main, ["init-db"]).exit_code == 0
    seeded = runner.invoke(main, ["seed-demo"])
    assert seeded.exit_code == 0, seeded.output
    assert "[1/2]" in seeded.output and "case 1/" in seeded.output and "done in" in seeded.output
    candidate = noise_first(tmp_path)
    result = runner.invoke(main, ["rules", "whatif", str(candidate), "--since", "365d",
                                  "--format", "json"])
    assert result.exit_code == 0, result.output
    replayed = json.loads(result.output)
    assert replayed["cases"] > 0 and replayed["moved"] >= 1
    assert replayed["examples"] and replayed["examples"][0]["layer_after"] == "community"
