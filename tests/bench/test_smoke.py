"""The benchmark harness runs end to end on a tiny data set (timings are not checked)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import __main__ as cli
from bench import dataset


def test_the_harness_generates_data_runs_scenarios_and_writes_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(dataset, "DATA_DIR", tmp_path)
    out = tmp_path / "latest.json"
    cli.main(["act", "submit", "routing", "sweep", "reports", "summary",
              "--size", "5000", "--repeat", "1", "--quick", "--json", str(out)])
    printed = capsys.readouterr().out
    assert "scenario" in printed and "ratio" in printed
    run = json.loads(out.read_text())
    results = run["results"]
    names = " ".join(r["scenario"] for r in results)
    for expected in ("act", "submit", "routing", "sweep", "report", "with the summaries",
                     "kept by triggers"):
        assert expected in names
    assert all(r["samples"] and r["median"] > 0 for r in results)
    # The machine's load with every run and every scenario, and a verdict for every target.
    assert run["machine"]["cpu_count"] and len(run["machine"]["load"]) == 3
    assert all(len(r["load"]["start"]) == 3 for r in results)
    verdicts = printed[printed.rindex("targets:"):]
    checked = [r for r in results if r["ok"] is not None]
    assert len([line for line in verdicts.splitlines() if line.startswith(("  met", "  MISSED"))]
               ) == len(checked)
    for r in checked:  # a missed target says what limits it (the scenarios that profile)
        if r["ok"] is False and r["scenario"].startswith(("report", "act with", "memory")):
            assert r["limits"], r["scenario"]
