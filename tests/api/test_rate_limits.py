"""Rate limits: the limited endpoints count their callers; a deployer's default covers every one."""

from __future__ import annotations

from caseflow.app import create_app, runtime_of
from tests.conftest import RULES_DIR


def build(database_url, clock, **config):
    # Moving windows: with fixed ones, requests either side of a wall-clock minute count apart.
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "CLOCK": clock,
                      "RULES_DIR": str(RULES_DIR), "RATELIMIT_STRATEGY": "moving-window",
                      **config})
    app.extensions["caseflow_limiter"].reset()
    return app


def test_only_the_limited_endpoints_count_without_a_default(database_url, clock):
    app = build(database_url, clock, TOKEN_RATE_LIMIT="2 per minute")
    client = app.test_client()
    login = {"username": "nobody", "password": "x"}
    tokens = [client.post("/api/v1/auth/token", json=login).status_code for _ in range(3)]
    assert tokens == [401, 401, 429]
    assert {client.get("/api/v1/units").status_code for _ in range(5)} == {401}
    runtime_of(app).engine.dispose()


def test_a_default_limit_from_the_configuration_covers_every_endpoint(database_url, clock):
    app = build(database_url, clock, RATELIMIT_DEFAULT="2 per minute")
    client = app.test_client()
    assert [client.get("/api/v1/units").status_code for _ in range(3)] == [401, 401, 429]
    runtime_of(app).engine.dispose()
