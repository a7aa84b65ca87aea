"""`caseflow users create` and `caseflow tokens create|revoke|list`, then the API with it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from caseflow.cli import main


@pytest.fixture
def cli_env(database_url, users, monkeypatch):
    """The CLI pointed at the test database."""
    monkeypatch.setenv("CASEFLOW_DATABASE_URL", database_url)
    monkeypatch.setenv("CASEFLOW_NOW", "2026-11-23T09:00:00+08:00")
    return CliRunner()


def test_create_a_user_then_a_token_then_revoke_it(cli_env, client):
    made = cli_env.invoke(main, ["users", "create", "zhang", "--role", "caseworker",
                                 "--unit", "rhine-office", "--password-stdin"],
                          input="a-long-password\n")
    assert made.exit_code == 0, made.output
    issued = cli_env.invoke(main, ["tokens", "create", "zhang", "--name", "phone", "--days", "7"])
    assert issued.exit_code == 0, issued.output
    token = json.loads(issued.output)
    headers = {"Authorization": f"Bearer {token['token']}"}
    assert client.get("/api/v1/cases", headers=headers).status_code == 200
    listed = json.loads(cli_env.invoke(main, ["tokens", "list", "--user", "zhang"]).output)
    assert listed[0]["name"] == "phone" and "token" not in listed[0]
    assert cli_env.invoke(main, ["tokens", "revoke", str(token["id"])]).exit_code == 0
    assert client.get("/api/v1/cases", headers=headers).status_code == 401
    login = client.post("/api/v1/auth/token",
                        json={"username": "zhang", "password": "a-long-password"})
    assert login.status_code == 201


def test_bad_input_is_one_plain_line(cli_env):
    result = cli_env.invoke(main, ["users", "create", "li", "--role", "caseworker",
                                   "--unit", "nowhere", "--password", "a-long-password"])
    assert result.exit_code == 1 and "unknown unit" in result.output
    result = cli_env.invoke(main, ["tokens", "create", "nobody"])
    assert result.exit_code == 1 and "not found" in result.output


def test_a_user_created_without_a_role_gets_the_least_one(cli_env):
    made = cli_env.invoke(main, ["users", "create", "wu", "--unit", "rhine-office",
                                 "--password-stdin"], input="a-long-password\n")
    assert made.exit_code == 0, made.output
    assert "(leader," in made.output
