"""Submitting, listing, reading, acting and evaluating through the API."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from caseflow.models import Case, ReadAudit
from tests.api.conftest import submit


def act(client, auth, who, ref, action, version, **extra):
    body = {"action": action, "version": version, **extra}
    return client.post(f"/api/v1/cases/{ref}/actions", json=body, headers=auth[who])


def test_a_resident_submits_without_a_token_and_gets_the_tracking_token_once(client, case, auth):
    assert case["state"] == "submitted" and case["layer"] == "property"
    assert case["unit"]["code"] == "rhine-office" and case["routing_rule"]
    assert case["version"] == 1 and len(case["tracking_token"]) > 16
    again = client.get(f"/api/v1/cases/{case['id']}", headers=auth["butler"]).get_json()
    assert again["ref"] == case["ref"] and "tracking_token" not in again


def test_a_token_comes_from_username_and_password(client, runtime, users):
    from caseflow.services.users import create_user

    with runtime.uow() as uow:
        create_user(uow, "newbutler", "新管家", "caseworker", "rhine-office", "s3cret-pass")
        uow.commit()
    response = client.post("/api/v1/auth/token",
                           json={"username": "newbutler", "password": "s3cret-pass"})
    assert response.status_code == 201
    token = response.get_json()["token"]
    listed = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200 and listed.get_json()["total"] == 0


def test_a_demo_case_goes_from_submitted_to_closed(client, auth, case):
    ref, steps = case["ref"], [("butler", "accept", {}), ("butler", "start", {}),
                               ("butler", "resolve", {"note": "已调整快递柜提示音时段"})]
    version = case["version"]
    for who, action, extra in steps:
        response = act(client, auth, who, ref, action, version, **extra)
        assert response.status_code == 200, response.get_json()
        version = response.get_json()["version"]
    rated = client.post(f"/api/v1/cases/{ref}/evaluation",
                        json={"tracking_token": case["tracking_token"],
                              "satisfaction": "satisfied", "resolution": 5})
    assert rated.status_code == 200 and rated.get_json()["state"] == "closed"
    events = client.get(f"/api/v1/cases/{ref}/events", headers=auth["butler"]).get_json()
    assert [e["action"] for e in events] == ["submit", "accept", "start", "resolve", "evaluate"]


def test_evaluation_needs_the_right_tracking_token(client, case):
    response = client.post(f"/api/v1/cases/{case['ref']}/evaluation",
                           json={"tracking_token": "guess", "satisfaction": "satisfied"})
    assert response.status_code == 403


def test_the_resident_reads_their_case_with_the_tracking_token(client, case):
    response = client.get(f"/api/v1/cases/{case['ref']}",
                          headers={"X-Tracking-Token": case["tracking_token"]})
    assert response.status_code == 200 and response.get_json()["reporter"]["name"] == "刘女士"
    wrong = client.get(f"/api/v1/cases/{case['ref']}", headers={"X-Tracking-Token": "x"})
    assert wrong.status_code == 403


def test_allowed_actions_depend_on_who_asks(client, auth, case):
    mine = client.get(f"/api/v1/cases/{case['ref']}/actions", headers=auth["butler"]).get_json()
    assert "accept" in mine["allowed"] and mine["version"] == 1
    above = client.get(f"/api/v1/cases/{case['ref']}/actions", headers=auth["street"]).get_json()
    assert "accept" not in above["allowed"]


def test_lists_mask_the_reporter_and_full_reads_are_audited(client, auth, case, runtime):
    items = client.get("/api/v1/cases", headers=auth["butler"]).get_json()["items"]
    assert items[0]["reporter"] == {"name": "刘**", "phone": "138****0001", "masked": True,
                                    "attrs": {}}
    full = client.get(f"/api/v1/cases/{case['ref']}", headers=auth["butler"]).get_json()
    assert full["reporter"]["phone"] == "13800000001"
    masked = client.get(f"/api/v1/cases/{case['ref']}", headers=auth["leader"]).get_json()
    assert masked["reporter"]["phone"] == "138****0001"
    with runtime.uow() as uow:
        audits = uow.session.scalars(select(ReadAudit)).all()
    assert [(a.case_id, a.user_id) for a in audits] == [(case["id"], auth_user(runtime, "butler"))]


def auth_user(runtime, name):
    from caseflow.services.users import find_user

    with runtime.uow() as uow:
        return find_user(uow.session, name).id


def test_the_list_filters_sorts_and_pages(client, auth, users, clock):
    first = submit(client)
    clock.advance(timedelta(minutes=5))
    submit(client, title="楼道灯不亮", description="3栋二楼楼道灯坏了一周")
    clock.advance(timedelta(days=10))  # past every deadline, inside the tokens' 30 days
    get = lambda q: client.get(f"/api/v1/cases?{q}", headers=auth["admin"]).get_json()  # noqa: E731
    assert get("")["total"] == 2
    assert get("overdue=true")["total"] == 2 and get("overdue=false")["total"] == 0
    assert get("state=submitted&layer=property")["total"] == 2
    assert get("state=closed")["total"] == 0
    assert get("unit=lotus")["total"] == 0 and get("unit=rhine")["total"] == 2
    page = get("per_page=1&page=2&sort=submitted_at")
    assert page["total"] == 2 and len(page["items"]) == 1 and page["page"] == 2
    assert get("sort=submitted_at")["items"][0]["ref"] == first["ref"]
    assert get("sort=-submitted_at")["items"][0]["ref"] != first["ref"]


def test_chinese_text_search_finds_words_inside_sentences(client, auth, users):
    submit(client)
    submit(client, title="外墙瓷砖脱落", description="5栋外墙瓷砖掉落，险些砸到人")
    search = lambda q: client.get("/api/v1/cases", query_string={"text": q},  # noqa: E731
                                  headers=auth["admin"]).get_json()
    assert [c["title"] for c in search("瓷砖掉落")["items"]] == ["外墙瓷砖脱落"]
    assert search("瓷砖")["total"] == 1  # two characters: the LIKE fallback
    assert search("噪音扰民")["total"] == 1
    assert search('"%_')["total"] == 0


def test_staff_see_only_their_jurisdiction(client, auth, case):
    assert client.get("/api/v1/cases", headers=auth["lotus-butler"]).get_json()["total"] == 0
    assert client.get("/api/v1/cases", headers=auth["community"]).get_json()["total"] == 1
    assert client.get("/api/v1/cases", headers=auth["leader"]).get_json()["total"] == 1


def test_a_retried_submission_with_the_same_key_creates_one_case(client, users, runtime):
    from tests.factories import submission

    headers = {"Idempotency-Key": "form-42"}
    first = client.post("/api/v1/cases", json=submission(), headers=headers)
    again = client.post("/api/v1/cases", json=submission(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    with runtime.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Case)) == 1
    other = client.post("/api/v1/cases", json=submission(title="别的事"), headers=headers)
    assert other.status_code == 422 and "different request" in other.get_json()["detail"]


def test_a_retried_action_with_the_same_key_acts_once(client, auth, case):
    headers = {**auth["butler"], "Idempotency-Key": "tap-1"}
    url = f"/api/v1/cases/{case['ref']}/actions"
    body = {"action": "accept", "version": 1}
    first = client.post(url, json=body, headers=headers)
    again = client.post(url, json=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.get_json()["version"] == first.get_json()["version"] == 2
    events = client.get(f"/api/v1/cases/{case['ref']}/events", headers=auth["butler"]).get_json()
    assert [e["action"] for e in events] == ["submit", "accept"]
    stale = client.post(url, json={"action": "start", "version": 1},
                        headers={**auth["butler"], "Idempotency-Key": "tap-2"})
    assert stale.status_code == 409 and stale.get_json()["current_version"] == 2


def test_units_and_rules_are_readable(client, auth, users):
    tree = client.get("/api/v1/units", headers=auth["butler"]).get_json()["units"]
    assert tree[0]["code"] == "leshan" and tree[0]["children"][0]["code"] == "shizhong"
    rules = client.get("/api/v1/rules", headers=auth["admin"]).get_json()
    assert rules["version"] and "routing.yaml" in rules["files"]


def test_rules_check_reports_issues_with_file_and_line_and_activates_nothing(client, auth, users):
    before = client.get("/api/v1/rules", headers=auth["admin"]).get_json()["version"]
    bad = client.post("/api/v1/rules/check", json={"files": {"layers.yaml": "layers: [oops"}},
                      headers=auth["admin"]).get_json()
    assert not bad["valid"] and bad["issues"][0]["file"] == "layers.yaml"
    good = client.post("/api/v1/rules/check", json={"files": {}}, headers=auth["admin"])
    checked = good.get_json()
    assert {k: checked[k] for k in ("valid", "version", "issues")} == {
        "valid": True, "version": before, "issues": []}
    assert [w["file"] for w in checked["warnings"]] == ["routing.yaml"]  # never blocking
    assert client.get("/api/v1/rules", headers=auth["admin"]).get_json()["version"] == before


def test_rules_explain_routes_a_grievance_with_a_trace(client, auth, users):
    from tests.factories import submission

    response = client.post("/api/v1/rules/explain", json={"case": submission()},
                           headers=auth["dispatcher"])
    body = response.get_json()
    assert response.status_code == 200 and body["start_layer"] == "property"
    assert body["trace"] and "accept" in body["clocks"]
