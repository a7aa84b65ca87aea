"""Every error answers application/problem+json naming the field and the reason."""

from __future__ import annotations

import pytest
from flask import Flask

from caseflow.app import create_app
from tests.conftest import RULES_DIR
from tests.factories import submission

PROBLEM = "application/problem+json"


def problem_of(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["detail"] and body["code"]
    return body


def test_unparsable_json_is_a_400(client, auth, case):
    response = client.post(
        f"/api/v1/cases/{case['ref']}/actions", data="{not json", headers=auth["butler"],
        content_type="application/json",
    )
    assert "not be parsed" in problem_of(response, 400)["detail"]


def test_missing_and_invalid_fields_are_422_naming_the_field(client, users):
    body = problem_of(client.post("/api/v1/cases", json={"title": "x"}), 422)
    assert body["field"] in ("category", "unit", "reporter")
    bad_phone = submission(reporter={"name": "刘女士", "phone": "not-a-phone"})
    body = problem_of(client.post("/api/v1/cases", json=bad_phone), 422)
    assert body["field"] == "reporter.phone" and body["code"] == "invalid_input"
    body = problem_of(client.post("/api/v1/cases", json=submission(category="nope")), 422)
    assert body["field"] == "category"


def test_no_token_or_a_bad_token_is_a_401_with_a_challenge(client, users):
    response = client.get("/api/v1/cases")
    assert problem_of(response, 401)["code"] == "unauthenticated"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    response = client.get("/api/v1/cases", headers={"Authorization": "Bearer cf_wrong"})
    assert problem_of(response, 401)["detail"] == "the token is unknown or revoked"
    response = client.get("/api/v1/cases", headers={"Authorization": "Basic abc"})
    problem_of(response, 401)


def test_wrong_password_is_a_401(client, users):
    response = client.post("/api/v1/auth/token", json={"username": "butler", "password": "x"})
    assert problem_of(response, 401)["detail"] == "wrong username or password"


def test_outside_the_jurisdiction_is_a_403(client, auth, case):
    response = client.get(f"/api/v1/cases/{case['ref']}", headers=auth["lotus-butler"])
    assert problem_of(response, 403)["code"] == "forbidden"


def test_unknown_case_and_unknown_path_are_404(client, auth, users):
    body = problem_of(client.get("/api/v1/cases/CF-NOPE", headers=auth["admin"]), 404)
    assert body["code"] == "not_found"
    problem_of(client.get("/api/v1/nothing-here"), 404)


def test_wrong_method_is_a_405(client, users):
    problem_of(client.delete("/api/v1/cases"), 405)


def test_stale_version_is_a_409_with_the_current_version_and_changes_nothing(client, auth, case):
    url = f"/api/v1/cases/{case['ref']}/actions"
    assert client.post(url, json={"action": "accept", "version": 1},
                       headers=auth["butler"]).status_code == 200
    body = problem_of(
        client.post(url, json={"action": "comment", "note": "hi", "version": 1},
                    headers=auth["butler"]), 409
    )
    assert body["current_version"] == 2
    events = client.get(f"/api/v1/cases/{case['ref']}/events", headers=auth["butler"])
    assert [e["action"] for e in events.get_json()] == ["submit", "accept"]


def test_an_action_not_allowed_now_is_a_422_listing_the_allowed(client, auth, case):
    response = client.post(f"/api/v1/cases/{case['ref']}/actions",
                           json={"action": "resolve", "version": 1}, headers=auth["butler"])
    body = problem_of(response, 422)
    assert body["code"] == "action_not_allowed" and "accept" in body["allowed"]


def test_a_body_over_the_limit_is_a_413(database_url, clock):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "CLOCK": clock,
                      "RULES_DIR": str(RULES_DIR), "MAX_CONTENT_LENGTH": 1000})
    response = app.test_client().post("/api/v1/cases", json=submission(description="长" * 2000))
    assert "1000 bytes" in problem_of(response, 413)["detail"]


def test_too_many_anonymous_submissions_are_a_429(database_url, clock):
    # A moving window: with a fixed one, requests either side of a wall-clock minute count apart.
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "CLOCK": clock,
                      "RULES_DIR": str(RULES_DIR), "SUBMIT_RATE_LIMIT": "2 per minute",
                      "RATELIMIT_STRATEGY": "moving-window"})
    client = app.test_client()
    statuses = [client.post("/api/v1/cases", json={}).status_code for _ in range(3)]
    assert statuses == [422, 422, 429]
    problem_of(client.post("/api/v1/cases", json={}), 429)


@pytest.mark.parametrize("path", ["/api/v1/cases/1/explode"])
def test_an_unexpected_error_is_a_500_without_internals(database_url, clock, path):
    app: Flask = create_app({"DATABASE_URL": database_url, "CLOCK": clock,
                             "RULES_DIR": str(RULES_DIR)})

    @app.get(path)
    def explode():  # a stand-in for a bug
        raise RuntimeError("secret internals")

    response = app.test_client().get(path)
    body = problem_of(response, 500)
    assert "secret" not in response.get_data(as_text=True) and body["code"] == "internal_error"


def test_paths_outside_the_api_keep_their_own_pages(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.mimetype != PROBLEM


def test_nul_characters_are_a_400_naming_the_field_not_a_database_error(client, auth, case):
    body = problem_of(client.post("/api/v1/cases", json=submission(title="噪音\x00")), 400)
    assert body["field"] == "title"
    body = problem_of(client.post(f"/api/v1/cases/{case['ref']}/actions", headers=auth["butler"],
                                  json={"action": "comment", "note": "x", "version": 1,
                                        "data": {"k": ["a\x00"]}}), 400)
    assert body["field"] == "data.k[0]"
    problem_of(client.get("/api/v1/cases", query_string={"text": "a\x00b"},
                          headers=auth["admin"]), 400)
    problem_of(client.get("/api/v1/cases/CF%00X", headers=auth["admin"]), 400)
