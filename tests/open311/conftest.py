"""A live caseflow server on 127.0.0.1 for GeoReport clients, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update
from werkzeug.serving import make_server

from caseflow.app import create_app
from caseflow.domain.clock import FrozenClock
from caseflow.models import Case, Unit, User
from caseflow.services import tokens
from caseflow.services.cases import submit_case
from caseflow.services.runtime import Runtime
from caseflow.services.units import import_units, parse_units
from tests.conftest import RULES_DIR
from tests.factories import RESIDENT, build_tree, submission

# Rhine Waterfront and Lotus Garden in Leshan, and a second city to test jurisdictions.
COORDINATES = {"rhine": (29.5820, 103.7610), "lotus": (29.6000, 103.7400)}
ZIGONG = """
units:
  - code: zigong
    name: 自贡市
    kind: city
    children:
      - code: ziliujing
        name: 自流井区
        kind: district
        children:
          - code: xinjie
            name: 新街街道
            kind: street
            children:
              - code: xinghe-community
                name: 星河社区
                kind: community
                children:
                  - {code: xinghe, name: 星河家园, kind: complex,
                     latitude: 29.3400, longitude: 104.7700}
"""


@pytest.fixture
def app(database_url: str, clock: FrozenClock) -> Iterator[Flask]:
    """The app on a fresh database holding the Leshan tree (with coordinates) and Zigong."""
    flask_app = create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "RULES_DIR": RULES_DIR, "CLOCK": clock}
    )
    rt: Runtime = flask_app.extensions["caseflow"]
    build_tree(rt)
    with rt.uow() as uow:
        import_units(uow, *parse_units(ZIGONG, "zigong.yaml"))
        for code, (lat, lon) in COORDINATES.items():
            uow.session.execute(
                update(Unit).where(Unit.code == code).values(latitude=lat, longitude=lon)
            )
        uow.commit()
    yield flask_app
    rt.engine.dispose()


@pytest.fixture
def rt(app: Flask) -> Runtime:
    """The app's runtime: database, rules and the frozen clock."""
    return app.extensions["caseflow"]


@pytest.fixture
def users(rt: Runtime) -> dict[str, User]:
    """The tree's staff by username."""
    with rt.uow() as uow:
        return {user.username: user for user in uow.session.scalars(select(User))}


@pytest.fixture
def server(app: Flask) -> Iterator[str]:
    """The app served on an ephemeral port in a thread; yields the Open311 root URL."""
    # make_server binds and listens before it returns, so no readiness poll is needed.
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/open311/v2"
    httpd.shutdown()
    thread.join(timeout=10)
    httpd.server_close()


def issue(rt: Runtime, username: str = "dispatcher", **options: Any) -> str:
    """A fresh API token secret for a user (allowed to submit unless told otherwise)."""
    options.setdefault("can_submit", True)
    with rt.uow() as uow:
        user = uow.session.scalar(select(User).where(User.username == username))
        assert user is not None
        return tokens.issue_token(uow, user, rt.now(), name="open311 test", **options)[1]


@pytest.fixture
def api_key(rt: Runtime) -> str:
    """An intake system's API token allowed to submit."""
    return issue(rt)


def file_case(rt: Runtime, **overrides: Any) -> tuple[Case, str]:
    """Submit a grievance the ordinary way; returns the case and its tracking token."""
    with rt.uow() as uow:
        return submit_case(uow, rt.rules(), submission(**overrides), RESIDENT, rt.now())
