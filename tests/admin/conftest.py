"""An app on the fresh test database with the small Leshan tree; users sign in with PASSWORD."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update
from werkzeug.security import generate_password_hash

from caseflow.app import create_app, runtime_of
from caseflow.domain.clock import FrozenClock
from caseflow.models import User
from caseflow.services.cases import submit_case
from tests.conftest import RULES_DIR
from tests.factories import RESIDENT, build_tree, submission

PASSWORD = "password-123"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@functools.cache
def _password_hash() -> str:
    return generate_password_hash(PASSWORD, method="scrypt")


@pytest.fixture
def app(database_url: str, clock: FrozenClock) -> Iterator[Flask]:
    """The whole app, with every STAFF user of tests.factories able to sign in."""
    app = create_app({"DATABASE_URL": database_url, "RULES_DIR": str(RULES_DIR),
                      "CLOCK": clock, "TESTING": True, "SECRET_KEY": "test-secret"})
    runtime = runtime_of(app)
    build_tree(runtime)
    with runtime.uow() as uow:  # one hash for all: scrypt is deliberately slow
        uow.session.execute(update(User).values(password_hash=_password_hash()))
        uow.commit()
    yield app
    runtime.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser without cookies yet."""
    return app.test_client()


def csrf(client: FlaskClient, path: str) -> str:
    """The CSRF token a page's forms carry."""
    found = TOKEN.search(client.get(path).get_data(as_text=True))
    assert found, f"no form token on {path}"
    return found.group(1)


def post(client: FlaskClient, path: str, data: dict[str, Any], page: str | None = None) -> Any:
    """Submit a form as a browser would: with the token of the page it came from."""
    return client.post(path, data={**data, "csrf_token": csrf(client, page or path)})


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
    """Sign in through the form."""
    return post(client, "/login", {"username": username, "password": password})


def new_case(app: Flask, **overrides: Any) -> tuple[str, str]:
    """A noise grievance at the Rhine complex: (reference, tracking token)."""
    runtime = runtime_of(app)
    with runtime.uow() as uow:
        case, token = submit_case(uow, runtime.rules(), submission(**overrides), RESIDENT,
                                  runtime.now())
        return case.ref, token


def text(response: Any) -> str:
    """The page as text."""
    return response.get_data(as_text=True)
