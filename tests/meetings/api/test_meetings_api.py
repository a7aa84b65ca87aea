"""Meetings and votes over the JSON API: the demo story end to end, permissions, OpenAPI."""

from __future__ import annotations

from tests.api.conftest import submit
from tests.meetings.helpers import BALLOT_CSV

PEOPLE = [{"name": "陈书记", "role": "party_member"}, {"name": "刘女士", "role": "resident_rep"}]


def working_case(client, auth) -> str:
    case = submit(client)
    ref, version = case["ref"], case["version"]
    for action in ("accept", "start"):
        done = client.post(
            f"/api/v1/cases/{ref}/actions",
            json={"action": action, "version": version},
            headers=auth["butler"],
        )
        assert done.status_code == 200, done.get_json()
        version = done.get_json()["version"]
    return ref


def test_a_roundtable_a_fund_vote_and_a_decision_move_the_case(client, auth):
    ref = working_case(client, auth)
    planned = client.post(
        "/api/v1/meetings",
        headers=auth["butler"],
        json={
            "kind": "roundtable",
            "case": ref,
            "starts_at": "2026-11-25T19:00:00+08:00",
            "place": "小区议事厅",
            "agenda": "快递柜噪音",
            "participants": PEOPLE,
        },
    )
    assert planned.status_code == 201, planned.get_json()
    meeting = planned.get_json()
    assert (meeting["round"], meeting["complex"], meeting["case"]) == (1, "rhine", ref)
    assert (
        client.get(f"/api/v1/cases/{ref}", headers=auth["butler"]).get_json()["state"]
        == "deliberating"
    )
    minutes = client.post(
        f"/api/v1/meetings/{meeting['id']}/minutes",
        headers=auth["butler"],
        json={"minutes": "同意表决使用维修资金"},
    )
    assert minutes.status_code == 200 and minutes.get_json()["status"] == "held"

    imported = client.put(
        "/api/v1/complexes/rhine/ballot-list",
        data=BALLOT_CSV,
        content_type="text/csv",
        headers=auth["committee"],
    )
    assert imported.get_json() == {"complex": "rhine", "parts": 6}
    vote = client.post(
        "/api/v1/votes",
        headers=auth["committee"],
        json={
            "complex": "rhine",
            "title": "维修资金更换快递柜",
            "matter": "use_maintenance_fund",
            "fund_amount": "8600.00",
            "meeting_id": meeting["id"],
        },
    ).get_json()
    for voter, choice in (("wang", "for"), ("li", "for"), ("zhao", "against")):
        cast = client.post(
            f"/api/v1/votes/{vote['id']}/ballots",
            headers=auth["committee"],
            json={"voter": voter, "choice": choice},
        )
        assert cast.status_code == 201, cast.get_json()
    again = client.post(
        f"/api/v1/votes/{vote['id']}/ballots",
        headers=auth["committee"],
        json={"voter": "3-1-102", "choice": "against"},
    )
    assert again.status_code == 409
    changed = client.put(
        f"/api/v1/votes/{vote['id']}/ballots/zhao",
        headers=auth["committee"],
        json={"choice": "abstain", "channel": "written"},
    )
    assert changed.status_code == 200 and changed.get_json()["history"][0]["choice"] == "against"
    closed = client.post(f"/api/v1/votes/{vote['id']}/close", headers=auth["committee"])
    assert closed.status_code == 200 and closed.get_json()["result"]["passed"] is True
    late = client.put(
        f"/api/v1/votes/{vote['id']}/ballots/zhao",
        headers=auth["committee"],
        json={"choice": "for"},
    )
    assert late.status_code == 409
    result = client.get(f"/api/v1/votes/{vote['id']}/result", headers=auth["butler"]).get_json()
    assert result["final"] is True and len(result["checks"]) == 4

    decided = client.post(
        f"/api/v1/meetings/{meeting['id']}/decision",
        headers=auth["butler"],
        json={
            "outcome": "resolved",
            "decisions": ["更换静音快递柜"],
            "tasks": [{"title": "更换", "owner": "物业", "due_on": "2026-12-01"}],
        },
    )
    assert decided.status_code == 200, decided.get_json()
    assert (
        client.get(f"/api/v1/cases/{ref}", headers=auth["butler"]).get_json()["state"] == "resolved"
    )

    notice = client.get("/api/v1/complexes/rhine/notice")  # no login
    assert notice.status_code == 200
    body = notice.get_json()
    assert [v["fund_amount"] for v in body["votes"]] == ["8600.00"]
    assert body["meetings"][0]["decisions"] == ["更换静音快递柜"]


def test_outsiders_get_403_and_anonymous_401(client, auth):
    client.put(
        "/api/v1/complexes/rhine/ballot-list",
        json={"parts": [{"code": "1-101", "area": "90.5", "owner_key": "wu"}]},
        headers=auth["committee"],
    )
    vote = client.post(
        "/api/v1/votes",
        headers=auth["branch"],
        json={"complex": "rhine", "title": "选聘物业", "matter": "choose_property_company"},
    ).get_json()
    url = f"/api/v1/votes/{vote['id']}/ballots"
    ballot = {"voter": "wu", "choice": "for"}
    assert client.post(url, json=ballot, headers=auth["lotus-butler"]).status_code == 403
    assert client.post(url, json=ballot, headers=auth["leader"]).status_code == 403
    assert client.post(url, json=ballot).status_code == 401
    assert client.post(url, json=ballot, headers=auth["butler"]).status_code == 201


def test_a_csv_file_upload_replaces_the_ballot_list(client, auth):
    from io import BytesIO

    sent = client.put(
        "/api/v1/complexes/rhine/ballot-list",
        headers=auth["branch"],
        data={"file": (BytesIO(BALLOT_CSV.encode("utf-8-sig")), "rhine.csv")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 200 and sent.get_json()["parts"] == 6


def test_the_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/meetings",
        "/api/v1/meetings/{meeting_id}/decision",
        "/api/v1/votes/{vote_id}/ballots",
        "/api/v1/votes/{vote_id}/close",
        "/api/v1/votes/{vote_id}/result",
        "/api/v1/complexes/{code}/notice",
        "/api/v1/complexes/{code}/ballot-list",
    ):
        assert path in paths
