"""Hostile request bodies and parameters: refused fast, with the field named, server healthy.

One test per class of hostile input (body size, surrogate, NUL, depth, big number), on
SQLite and PostgreSQL; each checks the status, the message, the time it took and /healthz.
"""

from __future__ import annotations

import io
import time
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.factories import submission
from tests.meetings.helpers import load_ballot_list

PROBLEM = "application/problem+json"
FAST = 1.0  # seconds: every refusal here must come well under this


def refused(client: FlaskClient, status: int, send: Any) -> dict[str, Any]:
    """Send, check a fast problem+json refusal with `status`, check the server is healthy."""
    started = time.perf_counter()
    response = send()
    elapsed = time.perf_counter() - started
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == PROBLEM
    assert elapsed < FAST, f"answered in {elapsed:.2f} s"
    assert client.get("/healthz").status_code == 200
    return response.get_json()


def test_a_body_over_the_limit_is_a_413_before_it_is_read(client: FlaskClient) -> None:
    huge = b"x" * (9 * 1024 * 1024)
    body = refused(client, 413, lambda: client.post(
        "/api/v1/cases", data=huge, content_type="text/plain"))
    assert f"limit of {8 * 1024 * 1024} bytes" in body["detail"]
    assert body["code"] == "payload_too_large"


def test_a_json_body_has_its_own_smaller_limit(client: FlaskClient) -> None:
    text = '{"title": "' + "x" * (2 * 1024 * 1024) + '"}'
    body = refused(client, 413, lambda: client.post(
        "/api/v1/cases", data=text, content_type="application/json"))
    assert f"{1024 * 1024} bytes" in body["detail"]


def test_a_body_without_content_length_is_cut_at_the_limit(client: FlaskClient) -> None:
    refused(client, 413, lambda: client.post(
        "/api/v1/cases", input_stream=io.BytesIO(b"[" + b" " * (20 * 1024 * 1024) + b"]"),
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True}))  # as gunicorn says for chunked


def test_a_photo_over_the_attachment_limit_is_a_413(client: FlaskClient, auth: dict,
                                                    case: dict) -> None:
    payload = b"x" * (9 * 1024 * 1024)
    body = refused(client, 413, lambda: client.post(
        f"/api/v1/cases/{case['ref']}/attachments", data=payload, headers={
            **auth["butler"], "Content-Type": "multipart/form-data; boundary=x"}))
    assert str(8 * 1024 * 1024 + 64 * 1024) in body["detail"]


def test_a_lone_surrogate_is_a_400_naming_the_field(client: FlaskClient, users: dict) -> None:
    text = '{"title": "ok", "description": "bad \\ud800 text"}'
    body = refused(client, 400, lambda: client.post(
        "/api/v1/cases", data=text, content_type="application/json"))
    assert body["field"] == "description" and "surrogate" in body["detail"]


def test_a_nul_byte_in_json_is_a_400_naming_the_field(client: FlaskClient, users: dict) -> None:
    bad = submission(reporter={"name": "刘\u0000女士", "phone": "13812345678"})
    body = refused(client, 400, lambda: client.post("/api/v1/cases", json=bad))
    assert body["field"] == "reporter.name" and "NUL" in body["detail"]


@pytest.mark.parametrize("path", [
    "/api/v1/meetings?complex=rh%00ine", "/api/v1/votes?complex=%00",
    "/api/v1/stats/ranking?unit=%00", "/api/v1/stats/property-ratings?unit=a%00",
])
def test_a_nul_byte_in_a_query_is_a_400_on_both_databases(client: FlaskClient, auth: dict,
                                                         path: str) -> None:
    field = path.split("?")[1].split("=")[0]
    body = refused(client, 400, lambda: client.get(path, headers=auth["admin"]))
    assert body["field"] == field and body["code"] == "malformed_input"


def test_a_nul_byte_in_a_meeting_body_is_a_400(client: FlaskClient, auth: dict) -> None:
    body = refused(client, 400, lambda: client.post(
        "/api/v1/meetings", json={"complex": "rh\u0000ine"}, headers=auth["admin"]))
    assert body["field"] == "complex"


def test_json_nested_thousands_deep_is_a_400(client: FlaskClient) -> None:
    text = "[" * 5000 + "]" * 5000
    body = refused(client, 400, lambda: client.post(
        "/api/v1/cases", data=text, content_type="application/json"))
    assert "deeper than 32" in body["detail"]
    # Brackets inside strings are text, not nesting.
    deep_text = '{"title": "' + "[" * 100 + '"}'
    response = client.post("/api/v1/cases", data=deep_text, content_type="application/json")
    assert response.status_code == 422


def test_a_5000_digit_number_is_a_400_naming_the_field(client: FlaskClient) -> None:
    text = '{"title": "x", "lat": ' + "9" * 5000 + "}"
    body = refused(client, 400, lambda: client.post(
        "/api/v1/cases", data=text, content_type="application/json"))
    assert body["field"] == "lat" and "longer than 40" in body["detail"]


def test_a_vote_closing_before_it_opens_is_refused(client: FlaskClient, auth: dict,
                                                   runtime: Any, users: dict) -> None:
    load_ballot_list(runtime, users["admin"])
    before = (runtime.now() - timedelta(days=1)).isoformat()
    body = refused(client, 422, lambda: client.post("/api/v1/votes", json={
        "complex": "rhine", "title": "换电梯", "matter": "rules_of_procedure",
        "closes_at": before}, headers=auth["admin"]))
    assert body["field"] == "closes_at" and "after the opening time" in body["detail"]
