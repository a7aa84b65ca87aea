"""The what-if scenario runs on a tiny data set and reports replayed and moved cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import __main__ as cli
from bench import dataset


def test_the_whatif_scenario_runs_and_writes_its_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dataset, "DATA_DIR", tmp_path)
    out = tmp_path / "latest.json"
    cli.main(["whatif", "--size", "3000", "--repeat", "1", "--quick", "--json", str(out)])
    every, last_month = json.loads(out.read_text())["results"]
    for row in (every, last_month):
        assert row["scenario"].startswith("what-if") and row["median"] > 0
        assert row["baseline_median"] > 0
    assert "3,000 cases replayed" in every["note"] and "30 days" in last_month["scenario"]
