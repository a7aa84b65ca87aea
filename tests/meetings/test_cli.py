"""`caseflow ballots import` reads a CSV into the complex's ballot list."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from caseflow.cli import main
from tests.factories import build_tree
from tests.meetings.helpers import BALLOT_CSV


@pytest.fixture
def env(runtime, monkeypatch, tmp_path):
    build_tree(runtime)
    monkeypatch.setattr("caseflow.cli.meetings.runtime", lambda: runtime)
    path = tmp_path / "rhine.csv"
    path.write_text(BALLOT_CSV, encoding="utf-8")
    return path


def test_a_ballot_list_is_imported_and_listed(env):
    runner = CliRunner()
    done = runner.invoke(main, ["ballots", "import", "rhine", str(env)])
    assert done.exit_code == 0, done.output
    assert "rhine: 6 exclusive parts imported" in done.output
    listed = runner.invoke(main, ["ballots", "list", "rhine"])
    assert '"owner_key": "developer"' in listed.output and '"area": "100.00"' in listed.output


def test_an_unknown_complex_is_a_plain_error(env):
    done = CliRunner().invoke(main, ["ballots", "import", "nowhere", str(env)])
    assert done.exit_code == 1 and "not_found: unit nowhere not found" in done.output
