"""The meetings API applies the one read policy: area, masks, ballots, the public notice."""

from __future__ import annotations

import pytest

from caseflow.services import tokens
from tests.meetings.helpers import add_other_city, scene


@pytest.fixture
def ids(runtime, users, auth):
    """The Rhine scene, and tokens for two Yibin caseworkers added to `auth`."""
    outsiders = add_other_city(runtime)
    with runtime.uow() as uow:
        for name, user in outsiders.items():
            _, secret = tokens.issue_token(uow, user, runtime.now(), name="test")
            auth[name] = {"Authorization": f"Bearer {secret}"}
    return scene(runtime, users["committee"])


def reads_of(ids):
    return [f"/api/v1/meetings/{ids['meeting']}", f"/api/v1/votes/{ids['vote']}",
            f"/api/v1/votes/{ids['vote']}/ballots", f"/api/v1/votes/{ids['vote']}/result"]


@pytest.mark.parametrize("who", ["yibin-butler", "yibin-city", "lotus-butler"])
def test_outsiders_get_403_and_empty_lists(client, auth, ids, who):
    for path in reads_of(ids):
        answer = client.get(path, headers=auth[who])
        assert answer.status_code == 403, (path, answer.get_json())
    for path in ("/api/v1/meetings?complex=rhine", "/api/v1/votes?complex=rhine"):
        answer = client.get(path, headers=auth[who])
        assert answer.status_code == 200 and answer.get_json() == []


@pytest.mark.parametrize("who", ["committee", "butler", "street", "leader", "admin"])
def test_the_complex_and_the_units_above_read_everything(client, auth, ids, who):
    for path in reads_of(ids):
        assert client.get(path, headers=auth[who]).status_code == 200, path
    listed = client.get("/api/v1/meetings?complex=rhine", headers=auth[who]).get_json()
    assert [m["id"] for m in listed] == [ids["meeting"]]


def test_a_leader_sees_participants_and_numbers_masked(client, auth, ids):
    meeting = client.get(f"/api/v1/meetings/{ids['meeting']}", headers=auth["leader"]).get_json()
    assert [p["name"] for p in meeting["participants"]] == ["陈**", "刘**"]
    assert "13812345678" not in meeting["minutes"] and meeting["masked"] is True
    ballots = client.get(f"/api/v1/votes/{ids['vote']}/ballots", headers=auth["leader"])
    assert {b["voter_key"]: b["proxy_holder"] for b in ballots.get_json()}["zhao"] == "赵**"


def test_the_butler_reads_the_minutes_in_full(client, auth, ids):
    meeting = client.get(f"/api/v1/meetings/{ids['meeting']}", headers=auth["butler"]).get_json()
    assert "13812345678" in meeting["minutes"] and meeting["masked"] is False


def test_the_public_notice_has_tallies_and_no_names_or_ballots(client, ids):
    answer = client.get("/api/v1/complexes/rhine/notice")
    assert answer.status_code == 200
    notice = answer.get_json()
    assert [v["id"] for v in notice["votes"]] == [ids["vote"]] and notice["votes"][0]["result"]
    body = answer.get_data(as_text=True)
    for secret in ("13812345678", "陈书记", "赵太太", "voter_key", "participants", "minutes"):
        assert secret not in body
    assert client.get(f"/api/v1/votes/{ids['vote']}/ballots").status_code == 401


def test_writes_outside_the_complex_are_refused(client, auth, ids):
    outsider = auth["yibin-butler"]
    attempts = [
        ("post", "/api/v1/meetings", {"kind": "roundtable", "complex": "rhine",
                                      "starts_at": "2026-11-25T19:00:00+08:00"}),
        ("post", f"/api/v1/meetings/{ids['meeting']}/minutes", {"minutes": "改写"}),
        ("post", "/api/v1/votes", {"complex": "rhine", "title": "再表决", "matter": "other"}),
        ("post", f"/api/v1/votes/{ids['vote']}/ballots", {"voter": "wang", "choice": "for"}),
        ("post", f"/api/v1/votes/{ids['vote']}/close", None),
        ("put", "/api/v1/complexes/rhine/ballot-list", {"parts": [
            {"code": "1", "area": "1", "owner_key": "k"}]}),
    ]
    for method, path, body in attempts:
        answer = getattr(client, method)(path, json=body, headers=outsider)
        assert answer.status_code == 403, (path, answer.get_json())
