"""Fixtures of the production-mode tests."""

from __future__ import annotations

import sys

import pytest
from click.testing import CliRunner

from caseflow.cli import main


@pytest.fixture
def cli(database_url, clock, monkeypatch):
    """Run a command on the test database at the frozen time; close its engine afterwards."""
    import caseflow.cli.common as common

    made = []

    def tracked():
        made.append(common.runtime())
        return made[-1]

    for name in ("caseflow.cli.ops", "caseflow.cli.outbox"):
        monkeypatch.setattr(sys.modules[name], "runtime", tracked)

    def run(*args):
        env = {"CASEFLOW_DATABASE_URL": database_url, "CASEFLOW_NOW": clock.now().isoformat()}
        result = CliRunner().invoke(main, list(args), env=env)
        for rt in made:
            rt.engine.dispose()
        assert result.exit_code == 0, result.output
        return result.output

    return run
