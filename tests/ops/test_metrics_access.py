"""/metrics is for the holder of METRICS_TOKEN only; without one configured it is absent."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from flask import Flask

from caseflow.app import create_app
from tests.conftest import RULES_DIR

SECRET = "scrape-me-7f3a"  # noqa: S105 (a test's token)


def build(database_url: str, clock: object, **config: object) -> Flask:
    return create_app({"DATABASE_URL": database_url, "RULES_DIR": str(RULES_DIR),
                       "CLOCK": clock, "TESTING": True, "SECRET_KEY": "t", **config})


@pytest.fixture
def app(database_url: str, clock: object) -> Iterator[Flask]:
    application = build(database_url, clock, METRICS_TOKEN=SECRET)
    yield application
    application.extensions["caseflow"].engine.dispose()


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {SECRET}", "Bearer "])
def test_metrics_refuse_anyone_without_the_token(app: Flask, header: str | None) -> None:
    client = app.test_client()
    started = time.perf_counter()
    response = client.get("/metrics", headers={"Authorization": header} if header else {})
    assert time.perf_counter() - started < 1.0
    assert response.status_code == 401 and "caseflow_" not in response.get_data(as_text=True)
    assert client.get("/healthz").status_code == 200


def test_metrics_answer_the_token_holder(app: Flask) -> None:
    response = app.test_client().get("/metrics", headers={"Authorization": f"Bearer {SECRET}"})
    assert response.status_code == 200 and "caseflow_overdue_cases" in response.get_data(True)


def test_without_a_token_configured_there_are_no_metrics(database_url: str,
                                                         clock: object) -> None:
    app = build(database_url, clock)
    assert app.test_client().get("/metrics").status_code == 404
    app.extensions["caseflow"].engine.dispose()
