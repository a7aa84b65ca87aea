"""`caseflow grid …` on a real SQLite file: memberships, a follow-up call, notices."""

from __future__ import annotations

import json

from tests.cli.test_commands import cli  # noqa: F401 (the fixture)
from tests.factories import submission


def test_memberships_and_a_follow_up_call_from_the_command_line(cli, tmp_path):  # noqa: F811
    for name, role, unit in (("wang", "caseworker", "rhine-office"),
                             ("zhou", "dispatcher", "jiazhou-street")):
        made = cli("users", "create", name, "--role", role, "--unit", unit,
                   "--password", "long enough pw")
        assert made.exit_code == 0, made.output
    added = cli("grid", "add-membership", "wang", "rhine-b3", "butler")
    assert added.exit_code == 0 and "butler at rhine-b3" in added.output
    refused = cli("grid", "add-membership", "wang", "rhine", "liaison")
    assert refused.exit_code != 0 and "building" in refused.output
    listed = cli("grid", "memberships", "wang").output
    assert "caseworker" in listed and "butler" in listed
    body = tmp_path / "case.json"
    body.write_text(json.dumps(submission(), ensure_ascii=False), encoding="utf-8")
    ref = json.loads(cli("submit", str(body)).output)["ref"]
    for action in ("accept", "start", "resolve"):
        assert cli("act", ref, action, "--as", "wang").exit_code == 0
    swept = cli("sweep", now="2026-11-27T10:00:00+08:00")
    assert "follow-up calls 1" in swept.output
    waiting = cli("grid", "follow-ups", "--as", "zhou").output
    assert ref in waiting and "13800000001" in waiting
    answered = cli("grid", "answer", ref, "satisfied", "--as", "zhou")
    assert answered.exit_code == 0 and "satisfied" in answered.output
    assert "0 call(s) waiting" in cli("grid", "follow-ups", "--as", "zhou").output
    notified = cli("grid", "notify")
    assert notified.exit_code == 0 and "sent 0" in notified.output  # no provider shipped
