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
    results = json.loads(out.read_text())["results"]
    names = " ".join(r["scenario"] for r in results)
    for expected in ("act", "submit", "routing", "sweep", "report", "with the report summary"):
        assert expected in names
    assert all(r["samples"] and r["median"] > 0 for r in results)
