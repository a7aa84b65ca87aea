"""The grid's API: memberships widen a token's view, 代办, households, follow-up calls."""

from __future__ import annotations

from datetime import timedelta

from caseflow.services.sweep import sweep
from tests.api.conftest import submit
from tests.factories import submission


def refs(client, headers):
    response = client.get("/api/v1/cases?per_page=100", headers=headers)
    assert response.status_code == 200, response.get_json()
    return {case["ref"] for case in response.get_json()["items"]}


def test_a_second_membership_widens_the_tokens_view_to_the_union(client, auth, users):
    rhine, lotus = submit(client), submit(client, unit="lotus")
    assert refs(client, auth["butler"]) == {rhine["ref"]}
    bad = client.post("/api/v1/grid/memberships", headers=auth["admin"],
                      json={"username": "butler", "unit": "lotus-office", "role": "boss"})
    assert bad.status_code == 422 and "role" in str(bad.get_json())
    added = client.post("/api/v1/grid/memberships", headers=auth["admin"],
                        json={"username": "butler", "unit": "lotus-office",
                              "role": "caseworker"})
    assert added.status_code == 201, added.get_json()
    assert refs(client, auth["butler"]) == {rhine["ref"], lotus["ref"]}
    listed = client.get("/api/v1/grid/memberships/butler", headers=auth["admin"]).get_json()
    assert [m["unit_code"] for m in listed] == ["lotus-office"]
    assert client.post("/api/v1/grid/memberships", headers=auth["butler"],
                       json={"username": "butler", "unit": "rhine",
                             "role": "unit_lead"}).status_code == 403


def test_a_grievance_on_a_residents_behalf_needs_consent(client, auth, users):
    body = submission(unit="rhine-b3")
    missing = client.post("/api/v1/grid/on-behalf", headers=auth["branch"], json=body)
    assert missing.status_code == 422 and "consent" in str(missing.get_json())
    made = client.post("/api/v1/grid/on-behalf", headers=auth["branch"],
                       json={**body, "consent": "signed", "consent_note": "书面委托"})
    assert made.status_code == 201, made.get_json()
    case = made.get_json()
    assert case["tracking_token"] and case["reporter"]["name"] == "刘女士"
    events = client.get(f"/api/v1/cases/{case['ref']}/events",
                        headers=auth["branch"]).get_json()
    assert events[0]["data"]["on_behalf"] == {"by": "branch", "consent": "signed"}


def test_households_are_masked_for_a_leader(client, auth, users):
    made = client.post("/api/v1/grid/households", headers=auth["branch"],
                       json={"building": "rhine-b3", "unit_number": "1单元101",
                             "contact_name": "赵先生", "contact_phone": "13700001111"})
    assert made.status_code == 201, made.get_json()
    full = client.get("/api/v1/grid/households?building=rhine-b3", headers=auth["branch"])
    masked = client.get("/api/v1/grid/households?building=rhine-b3", headers=auth["leader"])
    assert full.get_json()[0]["contact"]["phone"] == "13700001111"
    assert masked.get_json()[0]["contact"] == {"name": "赵**", "phone": "137****1111",
                                               "masked": True}


def test_a_follow_up_call_through_the_api(client, auth, users, runtime, clock):
    case = submit(client)
    version = case["version"]
    for action in ("accept", "start", "resolve"):
        done = client.post(f"/api/v1/cases/{case['ref']}/actions", headers=auth["butler"],
                           json={"action": action, "version": version})
        assert done.status_code == 200, done.get_json()
        version = done.get_json()["version"]
    clock.advance(timedelta(days=4))
    sweep(runtime.uow, runtime.rules(), runtime.now())
    calls = client.get("/api/v1/grid/follow-ups", headers=auth["dispatcher"]).get_json()
    assert [c["ref"] for c in calls] == [case["ref"]]
    wrong = client.post(f"/api/v1/grid/follow-ups/{case['ref']}", headers=auth["dispatcher"],
                        json={"outcome": "happy"})
    assert wrong.status_code == 422
    answered = client.post(f"/api/v1/grid/follow-ups/{case['ref']}",
                           headers=auth["dispatcher"], json={"outcome": "basically_satisfied"})
    assert answered.status_code == 200, answered.get_json()
    shown = client.get(f"/api/v1/cases/{case['ref']}", headers=auth["butler"]).get_json()
    assert (shown["state"], shown["satisfaction"]) == ("closed", "basically_satisfied")
    report = client.get("/api/v1/grid/reports/channels", headers=auth["leader"]).get_json()
    assert report["channels"][0]["channel"] == "follow_up_call"
    assert report["follow_ups"]["answered"] == 1
