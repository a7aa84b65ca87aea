"""API fixtures: an app on the fresh database, a client, the Leshan tree and tokens by user."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from caseflow.app import create_app, runtime_of
from caseflow.domain.clock import FrozenClock
from caseflow.models import User
from caseflow.services import tokens
from caseflow.services.runtime import Runtime
from tests.conftest import RULES_DIR
from tests.factories import build_tree, submission

# Beside the STAFF of tests/factories.py: readers who see masked reporters, and a resident.
EXTRA_USERS = {
    "committee": ("owners_committee", "rhine"),
    "resident-user": ("resident", "rhine"),
}


@pytest.fixture
def app(database_url: str, clock: FrozenClock, tmp_path: Path) -> Iterator[Flask]:
    """The caseflow app on a fresh database, with attachments under tmp_path."""
    application = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "RULES_DIR": str(RULES_DIR),
            "CLOCK": clock,
            "ATTACHMENTS_DIR": str(tmp_path / "attachments"),
            "SUBMIT_RATE_LIMIT": "1000 per minute",
            # Limits count the last minute, not the minute on the wall clock: a test that
            # crosses into the next minute between two requests still sees them counted.
            "RATELIMIT_STRATEGY": "moving-window",
        }
    )
    yield application
    runtime_of(application).engine.dispose()


@pytest.fixture
def runtime(app: Flask) -> Runtime:
    """The runtime the app serves with (replaces the top-level fixture of the same name)."""
    return runtime_of(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def users(runtime: Runtime) -> dict[str, User]:
    """The Leshan tree with its staff, plus a committee member and a resident user."""
    built = build_tree(runtime)
    from caseflow.services.units import get_unit

    with runtime.uow() as uow:
        for name, (role, unit) in EXTRA_USERS.items():
            user = User(username=name, display_name=name, role=role,
                        unit_id=get_unit(uow.session, unit).id)
            uow.session.add(user)
            built[name] = user
        uow.commit()
    return built


@pytest.fixture
def auth(runtime: Runtime, users: dict[str, User]) -> dict[str, dict[str, str]]:
    """An Authorization header per user name."""
    headers = {}
    with runtime.uow() as uow:
        for name, user in users.items():
            _, secret = tokens.issue_token(uow, user, runtime.now(), name="test")
            headers[name] = {"Authorization": f"Bearer {secret}"}
    return headers


def submit(client: FlaskClient, **overrides: Any) -> dict[str, Any]:
    """Submit a grievance anonymously; returns the created case (with tracking_token)."""
    response = client.post("/api/v1/cases", json=submission(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def case(client: FlaskClient, users: dict[str, User]) -> dict[str, Any]:
    """A noise complaint at the Rhine Waterfront, held by its property office."""
    return submit(client)
