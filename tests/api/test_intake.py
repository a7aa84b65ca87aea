"""`/api/v1/intake`: Open311 reports waiting for a place, registered or dismissed by dispatchers."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from caseflow.models import Case, User
from caseflow.services import intake_requests
from caseflow.services.runtime import Runtime
from tests.factories import submission

ADDRESS = "西城区某某胡同12号院"


@pytest.fixture
def report(runtime: Runtime, users: dict[str, User]) -> int:
    """One Open311 report whose address named no place; its id."""
    raw = submission(channel="open311", title="楼道灯坏了")
    raw.pop("unit")
    with runtime.uow() as uow:
        request, _token = intake_requests.receive(uow, runtime.rules(), raw, ADDRESS, None, None,
                                                  runtime.now())
        return request.id


def cases(runtime: Runtime) -> int:
    """How many cases exist."""
    with runtime.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Case)) or 0


def test_a_dispatcher_lists_reads_and_registers(
    client: FlaskClient, auth: dict[str, Any], report: int, runtime: Runtime
) -> None:
    listed = client.get("/api/v1/intake", headers=auth["dispatcher"]).get_json()
    [item] = listed["items"]
    assert item["id"] == report and item["status"] == "waiting"
    assert item["address_string"] == ADDRESS and item["reporter"]["phone"] == "13800000001"
    assert item["case_ref"] is None
    answer = client.post(f"/api/v1/intake/{report}/register", json={"unit": "rhine-b3"},
                         headers=auth["dispatcher"])
    assert answer.status_code == 201
    case = answer.get_json()
    assert case["channel"] == "open311" and case["title"] == "楼道灯坏了"
    assert case["place"]["code"] == "rhine-b3" and case["state"] == "submitted"
    assert case["reporter"]["phone"] == "13800000001" and case["deadlines"]
    read = client.get(f"/api/v1/intake/{report}", headers=auth["dispatcher"]).get_json()
    assert read["status"] == "registered" and read["case_ref"] == case["ref"]
    assert client.get("/api/v1/intake", headers=auth["dispatcher"]).get_json()["items"] == []
    events = client.get(f"/api/v1/cases/{case['ref']}/events", headers=auth["admin"]).get_json()
    assert [event["action"] for event in events] == ["submit"]


@pytest.mark.parametrize("second", ["register", "dismiss"])
def test_a_second_decision_is_409_and_changes_nothing(
    client: FlaskClient, auth: dict[str, Any], report: int, runtime: Runtime, second: str
) -> None:
    first = client.post(f"/api/v1/intake/{report}/register", json={"unit": "rhine"},
                        headers=auth["dispatcher"])
    assert first.status_code == 201
    body = {"unit": "lotus"} if second == "register" else {"reason": "重复"}
    again = client.post(f"/api/v1/intake/{report}/{second}", json=body, headers=auth["admin"])
    assert again.status_code == 409
    assert again.mimetype == "application/problem+json"
    assert again.get_json()["code"] == "conflict"
    assert cases(runtime) == 1


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({}, 422, "unit"),
        ({"unit": ""}, 422, "unit"),
        ({"unit": "nowhere"}, 422, "unit"),
        ({"unit": "jiazhou-community"}, 422, "unit"),
        ({"unit": "rhine\x00"}, 400, "unit"),  # refused by the input cleaning
        ({"unit": 7}, 422, "unit"),
    ],
)
def test_bad_places_are_problems_and_change_nothing(
    client: FlaskClient, auth: dict[str, Any], report: int, runtime: Runtime,
    body: dict[str, Any], status: int, field: str,
) -> None:
    answer = client.post(f"/api/v1/intake/{report}/register", json=body,
                         headers=auth["dispatcher"])
    assert answer.status_code == status
    assert answer.mimetype == "application/problem+json"
    assert answer.get_json()["field"] == field
    assert cases(runtime) == 0
    assert client.get(f"/api/v1/intake/{report}",
                      headers=auth["dispatcher"]).get_json()["status"] == "waiting"


def test_dismissing_needs_a_reason_and_is_shown(
    client: FlaskClient, auth: dict[str, Any], report: int
) -> None:
    empty = client.post(f"/api/v1/intake/{report}/dismiss", json={"reason": ""},
                        headers=auth["dispatcher"])
    assert empty.status_code == 422 and empty.get_json()["field"] == "reason"
    blank = client.post(f"/api/v1/intake/{report}/dismiss", json={"reason": "   "},
                        headers=auth["dispatcher"])
    assert blank.status_code == 422 and blank.get_json()["field"] == "reason"
    done = client.post(f"/api/v1/intake/{report}/dismiss", json={"reason": "不在本市"},
                       headers=auth["dispatcher"])
    assert done.status_code == 200
    assert done.get_json()["status"] == "dismissed"
    assert done.get_json()["dismiss_reason"] == "不在本市"


def test_unknown_requests_and_other_roles(
    client: FlaskClient, auth: dict[str, Any], report: int
) -> None:
    assert client.get("/api/v1/intake/999", headers=auth["dispatcher"]).status_code == 404
    missing = client.post("/api/v1/intake/999/register", json={"unit": "rhine"},
                          headers=auth["admin"])
    assert missing.status_code == 404
    assert client.get("/api/v1/intake/99999999999", headers=auth["admin"]).status_code == 404
    assert client.get("/api/v1/intake", headers=auth["butler"]).status_code == 403
    assert client.get("/api/v1/intake").status_code == 401
    bad_json = client.post(f"/api/v1/intake/{report}/register", data="{",
                           content_type="application/json", headers=auth["admin"])
    assert bad_json.status_code == 400


def test_the_operations_are_in_the_openapi_document(client: FlaskClient) -> None:
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert set(paths["/api/v1/intake"]) >= {"get"}
    assert "get" in paths["/api/v1/intake/{request_id}"]
    for action in ("register", "dismiss"):
        operation = paths[f"/api/v1/intake/{{request_id}}/{action}"]["post"]
        success = "201" if action == "register" else "200"
        assert {success, "404", "409", "422"} <= set(operation["responses"])
