"""The API and the CLI act through the one verb (`actions.act`) with the same command."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from caseflow.cli import main
from caseflow.services import actions
from caseflow.services.actions import ActionCommand


@pytest.fixture
def spied(monkeypatch):
    """Every command `actions.act` is given, in order (the real verb still runs)."""
    seen: list[ActionCommand] = []
    real = actions.act

    def spy(uow, rules, command, now):
        seen.append(command)
        return real(uow, rules, command, now)

    monkeypatch.setattr(actions, "act", spy)
    return seen


def test_the_api_and_the_cli_send_one_command_each(client, auth, case, database_url,
                                                   monkeypatch, spied):
    url = f"/api/v1/cases/{case['ref']}/actions"
    headers = {**auth["butler"], "Idempotency-Key": "tap-9"}
    accepted = client.post(url, json={"action": "accept", "version": 1, "note": "收到"},
                           headers=headers)
    assert accepted.status_code == 200 and accepted.get_json()["version"] == 2
    monkeypatch.setenv("CASEFLOW_DATABASE_URL", database_url)
    monkeypatch.setenv("CASEFLOW_NOW", "2026-11-23T09:00:00+08:00")
    started = CliRunner().invoke(main, ["act", case["ref"], "start", "--as", "butler",
                                        "--version", "2"])
    assert started.exit_code == 0, started.output
    assert json.loads(started.output)["version"] == 3
    assert [(c.case, c.action, c.expected_version, c.idempotency_key) for c in spied] == [
        (case["ref"], "accept", 1, "tap-9"), (case["ref"], "start", 2, None)]
    assert all(c.actor.username == "butler" for c in spied)
    replayed = client.post(url, json={"action": "accept", "version": 1, "note": "收到"},
                           headers=headers)
    assert replayed.get_json() == accepted.get_json()  # the first answer, not today's case
