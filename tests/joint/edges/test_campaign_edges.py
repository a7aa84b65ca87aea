"""One campaign through the API, the staff page, the public page and the CLI: the same counts,
personal data only where it may be read, and a wrong field re-shown beside what was typed."""

from __future__ import annotations

import json
from datetime import timedelta

from click.testing import CliRunner

from caseflow.app import runtime_of
from caseflow.cli import main
from tests.admin.conftest import app, client, login, post  # noqa: F401


def test_the_same_counts_on_every_edge(app, client, monkeypatch):  # noqa: F811
    runtime = runtime_of(app)
    closes = (runtime.now() + timedelta(days=10)).astimezone().strftime("%Y-%m-%dT%H:%M")
    login(client, "community")
    made = post(client, "/campaigns", {"area": "jiazhou-community", "title": "改造征求意见",
                                       "complexes": "rhine, lotus", "topics": "管网，停车",
                                       "closes_at": closes})
    assert made.status_code == 302
    cid = int(made.headers["Location"].rsplit("/", 1)[1])
    client.get("/logout")
    public = client.get(f"/have-your-say/{cid}?lang=zh").get_data(as_text=True)
    assert "改造征求意见" in public and "管网" in public
    wrong = post(client, f"/have-your-say/{cid}", {"topic": "管网", "text": "  ",
                                                   "author_name": "刘女士",
                                                   "author_phone": "13800000009"})
    body = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and 'id="error-text"' in body
    assert 'value="13800000009"' in body  # what was typed is kept
    for topic, place in (("管网", "rhine"), ("管网", "lotus"), ("停车", "rhine")):
        sent = post(client, f"/have-your-say/{cid}", {"topic": topic, "text": "雨污分流",
                                                      "complex": place, "author_name": "刘女士",
                                                      "author_phone": "13800000009"})
        assert sent.status_code == 201 and 'id="sent"' in sent.get_data(as_text=True)
    api = client.get(f"/api/v1/campaigns/{cid}").get_json()
    assert api["by_topic"] == {"管网": 2, "停车": 1, "其他": 0} and api["opinions"] == []
    login(client, "community")
    page = client.get(f"/campaigns/{cid}").get_data(as_text=True)
    assert 'id="total"><strong>3</strong>' in page and "刘女士" in page
    assert client.get(f"/campaigns/{cid}/chart.svg").mimetype == "image/svg+xml"
    monkeypatch.setattr("caseflow.cli.joint.runtime", lambda: runtime)
    cli = CliRunner().invoke(main, ["campaigns", "show", str(cid), "--as", "leader"])
    shown = json.loads(cli.output)
    assert shown["by_topic"] == api["by_topic"]
    assert all("刘女士" not in o["author"] for o in shown["opinions"])  # a leader reads masked
