"""A joint meeting through the pages, the API and the CLI: start a series, plan its sitting,
read the same agenda everywhere, decide an item on the page."""

from __future__ import annotations

import json
from datetime import timedelta

from click.testing import CliRunner

from caseflow.app import runtime_of
from caseflow.cli import main
from caseflow.services import tokens
from caseflow.services.users import find_user
from tests.admin.conftest import app, client, login, new_case, post  # noqa: F401


def test_a_series_its_agenda_and_a_decision_on_every_edge(app, client, monkeypatch):  # noqa: F811
    runtime = runtime_of(app)
    old, _ = new_case(app)
    login(client, "community")
    wrong = post(client, "/joint-meetings", {"area": "jiazhou-community", "kind": "four_party",
                                             "title": "四方联席会议", "frequency": "weekly",
                                             "day": "9", "at": "19:00"})
    assert wrong.status_code == 422 and 'id="error-day"' in wrong.get_data(as_text=True)
    assert 'value="四方联席会议"' in wrong.get_data(as_text=True)
    started = post(client, "/joint-meetings", {"area": "jiazhou-community", "kind": "four_party",
                                               "title": "四方联席会议", "frequency": "weekly",
                                               "day": "3", "at": "19:00"})
    assert started.status_code == 302
    runtime.clock.advance(timedelta(days=40))  # the case is now old and overdue
    monkeypatch.setattr("caseflow.cli.joint.runtime", lambda: runtime)
    planned = CliRunner().invoke(main, ["meetings", "plan-due"])
    assert planned.output.startswith("planned 1 sittings"), planned.output
    meeting_id = int(planned.output.split(": ")[1])
    with runtime.uow() as uow:
        _, secret = tokens.issue_token(uow, find_user(uow.session, "street"), runtime.now(),
                                       name="t")
    api = client.get(f"/api/v1/meetings/{meeting_id}/agenda",
                     headers={"Authorization": f"Bearer {secret}"}).get_json()
    item = next(i for i in api["items"] if i["case"] == old)
    assert item["reasons"] == ["problem", "open_long"]
    page = client.get(f"/meetings/{meeting_id}/agenda?lang=zh").get_data(as_text=True)
    assert old in page and "长期未办结" in page and "问题件或已超期" in page
    decided = post(client, f"/meetings/{meeting_id}/agenda/{item['id']}",
                   {"decision": "物业一周内答复", "task_owner": "李经理",
                    "task_due_on": "2027-01-10"}, page=f"/meetings/{meeting_id}/agenda")
    assert decided.status_code == 302
    again = client.get(f"/api/v1/meetings/{meeting_id}/agenda",
                       headers={"Authorization": f"Bearer {secret}"}).get_json()
    done = next(i for i in again["items"] if i["id"] == item["id"])
    assert done["decision"] == "物业一周内答复"
    assert done["follow_up"]["task"] == {"title": "物业一周内答复", "owner": "李经理",
                                         "due_on": "2027-01-10", "case": old}
    shown = json.loads(CliRunner().invoke(main, ["meetings", "agenda", str(meeting_id)]).output)
    assert [i["decision"] for i in shown["items"] if i["id"] == item["id"]] == ["物业一周内答复"]
