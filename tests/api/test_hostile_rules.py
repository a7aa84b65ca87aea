"""Hostile rules files sent to `POST /api/v1/rules/explain`: refused or answered fast, and
the server stays healthy (SQLite and PostgreSQL)."""

from __future__ import annotations

import time
from typing import Any

from flask.testing import FlaskClient

from tests.factories import submission
from tests.rules.test_hostile_rules import FAST, bomb, shipped


def test_explain_refuses_a_bomb_and_the_server_stays_healthy(client: FlaskClient,
                                                             auth: dict[str, Any]) -> None:
    started = time.perf_counter()
    response = client.post("/api/v1/rules/explain", headers=auth["admin"], json={
        "case": {"title": "噪音", "category": "noise"}, "files": {"ranking.yaml": bomb(10)}})
    elapsed = time.perf_counter() - started
    assert response.status_code == 422, response.get_json()
    assert "ranking.yaml" in response.get_json()["detail"] and elapsed < FAST
    assert client.get("/healthz").status_code == 200


def test_explain_with_a_catastrophic_regex_answers_fast(client: FlaskClient,
                                                        auth: dict[str, Any]) -> None:
    files = shipped()
    routing = files["routing.yaml"].replace("      repeat_count: {ge: 3}",
                                            "      text: {matches: '(a+)+b'}", 1)
    started = time.perf_counter()
    response = client.post("/api/v1/rules/explain", headers=auth["admin"], json={
        "case": submission(title="a" * 40, description="a" * 4000),
        "files": {"routing.yaml": routing}})
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.get_json()
    assert elapsed < FAST
    assert client.get("/healthz").status_code == 200
