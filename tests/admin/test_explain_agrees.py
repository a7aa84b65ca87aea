"""The CLI, the API and the rules page's dry run show the same full routing trace."""

from __future__ import annotations

import html
import json
import re

from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from caseflow.app import runtime_of
from caseflow.cli import main
from caseflow.models import User
from caseflow.services import tokens
from tests.admin.conftest import login, post, text
from tests.conftest import RULES_DIR
from tests.factories import submission

TITLE, DESCRIPTION = "快递柜夜间噪音扰民", "楼下快递柜每晚响，老人睡不着。"


def api_trace(app: Flask, client: FlaskClient) -> list[str]:
    runtime = runtime_of(app)
    with runtime.uow() as uow:
        admin = uow.session.query(User).filter_by(username="admin").one()
        _, secret = tokens.issue_token(uow, admin, runtime.now(), name="test")
    case = submission(title=TITLE, description=DESCRIPTION,
                      reporter={"name": "刘女士", "phone": "13800000001", "elderly": True})
    response = client.post("/api/v1/rules/explain", json={"case": case},
                           headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["trace"]


def page_trace(client: FlaskClient) -> list[str]:
    login(client, "admin")
    body = text(post(client, "/admin/rules/dry-run",
                     {"category": "noise", "channel": "web", "unit": "rhine",
                      "text": f"{TITLE}\n{DESCRIPTION}", "elderly": "1"}))
    listed = re.search(r'<ol class="trace">(.*?)</ol>', body, re.S)
    assert listed, body
    return [html.unescape(item) for item in re.findall(r"<li[^>]*>(.*?)</li>", listed.group(1))]


def cli_trace() -> list[str]:
    facts = {"category": "noise", "channel": "web", "tags": [], "text": f"{TITLE}\n{DESCRIPTION}",
             "reporter": {"elderly": True}, "green_channel": False, "repeat_count": 0}
    result = CliRunner().invoke(main, ["rules", "explain", "-", "--dir", str(RULES_DIR)],
                                input=json.dumps(facts, ensure_ascii=False))
    assert result.exit_code == 0, result.output
    return result.output[: result.output.index("{")].strip().splitlines()


def test_the_three_traces_are_equal_and_list_every_rule_tried(app: Flask,
                                                              client: FlaskClient) -> None:
    from_api = api_trace(app, client)
    assert from_api == page_trace(client) == cli_trace()
    # Each rule before the match is there with the condition that failed, then the match.
    assert [line.split(":")[0] for line in from_api] == [
        "✘ safety_hazard", "✘ danger_words", "✔ vulnerable_reporter"]
    assert "fails" in from_api[0] and "reporter.elderly=True" in from_api[-1]
