"""One lockout policy on every sign-in door, per account and source, with backoff and alert.

The web form and `POST /api/v1/auth/token` count failures together; an attacker's address
is locked out, the account's owner signing in from elsewhere is not.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from caseflow.domain.clock import FrozenClock
from tests.admin.conftest import PASSWORD, login

ATTACKER, OWNER = "203.0.113.9", "198.51.100.7"


def browser(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def token(client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
    return client.post("/api/v1/auth/token", json={"username": username, "password": password})


def healthy(client: FlaskClient) -> None:
    assert client.get("/healthz").status_code == 200


def test_failures_on_the_form_lock_the_api_door_too_for_that_source(app: Flask) -> None:
    attacker = browser(app, ATTACKER)
    for _ in range(5):
        assert login(attacker, "butler", "wrong-password").status_code == 401
    started = time.perf_counter()
    refused = token(attacker, "butler")  # the right password, from the locked address
    assert time.perf_counter() - started < 1.0
    assert refused.status_code == 403 and refused.get_json()["code"] == "account_locked"
    assert login(attacker, "butler").status_code == 403
    healthy(attacker)


def test_failures_on_the_api_lock_the_form_too(app: Flask) -> None:
    attacker = browser(app, ATTACKER)
    for _ in range(5):
        assert token(attacker, "butler", "wrong-password").status_code == 401
    assert login(attacker, "butler").status_code == 403
    assert token(attacker, "butler").status_code == 403


def test_a_stranger_cannot_lock_the_owner_out(app: Flask) -> None:
    attacker, owner = browser(app, ATTACKER), browser(app, OWNER)
    for _ in range(12):
        login(attacker, "admin", "guess")
        token(attacker, "admin", "guess")
    assert login(owner, "admin").status_code == 302
    assert token(owner, "admin").status_code == 201


def test_each_lockout_in_a_row_lasts_twice_as_long(app: Flask, clock: FrozenClock) -> None:
    attacker = browser(app, ATTACKER)
    for _ in range(5):
        token(attacker, "butler", "wrong")
    clock.advance(timedelta(minutes=16))  # the first lockout (15 min) is over
    for _ in range(5):
        token(attacker, "butler", "wrong")
    clock.advance(timedelta(minutes=16))
    assert token(attacker, "butler").status_code == 403  # the second lasts 30 minutes
    clock.advance(timedelta(minutes=15))
    assert token(attacker, "butler").status_code == 201


def test_a_lockout_alerts_the_administrators(app: Flask,
                                             caplog: pytest.LogCaptureFixture) -> None:
    attacker = browser(app, ATTACKER)
    with caplog.at_level(logging.WARNING, logger="caseflow.security"):
        for _ in range(5):
            token(attacker, "admin", "guess")
    [record] = [r for r in caplog.records if getattr(r, "alert", "") == "sign_in_locked"]
    assert record.username == "admin" and record.source == ATTACKER


def test_unknown_usernames_are_counted_too(app: Flask) -> None:
    attacker = browser(app, ATTACKER)
    for _ in range(5):
        assert token(attacker, "nobody", "guess").status_code == 401
    assert token(attacker, "nobody", "guess").status_code == 403
    healthy(attacker)


def test_behind_a_trusted_proxy_the_source_is_the_forwarded_address(
        database_url: str, clock: FrozenClock) -> None:
    from caseflow.app import create_app
    from tests.conftest import RULES_DIR

    app = create_app({"DATABASE_URL": database_url, "RULES_DIR": str(RULES_DIR),
                      "CLOCK": clock, "TESTING": True, "TRUSTED_PROXIES": 1})
    client = app.test_client()
    for _ in range(5):
        client.post("/api/v1/auth/token", json={"username": "x", "password": "y"},
                    headers={"X-Forwarded-For": ATTACKER})
    locked = client.post("/api/v1/auth/token", json={"username": "x", "password": "y"},
                         headers={"X-Forwarded-For": ATTACKER})
    other = client.post("/api/v1/auth/token", json={"username": "x", "password": "y"},
                        headers={"X-Forwarded-For": OWNER})
    assert (locked.status_code, other.status_code) == (403, 401)
    app.extensions["caseflow"].engine.dispose()
