"""Shared fixtures: a fresh database per test on SQLite and PostgreSQL, a frozen clock."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from caseflow.db import make_engine
from caseflow.domain.clock import FrozenClock
from caseflow.services import migrations
from caseflow.services.runtime import Runtime
from tests.scratch import ScratchDatabase

PG_URL = os.environ.get("CASEFLOW_TEST_PG_URL", "")
RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
# A Monday morning in Beijing (01:00 UTC = 09:00 CST), inside working hours.
START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


@pytest.fixture(scope="session", autouse=True)
def instance_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """caseflow's instance folder in this process's temporary directory, not the checkout's:
    test processes (xdist workers, and the commands they start) never race to write one
    secret key file, and a clean clone gets none."""
    path = tmp_path_factory.mktemp("instance")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CASEFLOW_INSTANCE_PATH", str(path))
        yield path


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    migrations.upgrade(engine)
    engine.dispose()
    return path


def _pg_admin():  # type: ignore[no-untyped-def]
    return create_engine(
        PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )


def _pg_url(name: str) -> str:
    return PG_URL.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """One migrated PostgreSQL database: the template of this process's scratch database."""
    if not PG_URL:
        pytest.skip("no PostgreSQL server (set CASEFLOW_TEST_PG_URL or run `make test`)")
    name = f"caseflow_tpl_{uuid.uuid4().hex[:8]}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(_pg_url(name))
    migrations.upgrade(engine)
    engine.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def pg_scratch(pg_template: str) -> Iterator[ScratchDatabase]:
    """This process's PostgreSQL test database, made like the template again before each test."""
    name = f"caseflow_t_{uuid.uuid4().hex[:10]}"
    scratch = ScratchDatabase(_pg_admin(), pg_template, name, _pg_url(name))
    yield scratch
    scratch.drop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, migrated, empty database: SQLite and PostgreSQL through one fixture."""
    if request.param == "sqlite":
        target = tmp_path / "caseflow.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        return f"sqlite:///{target}"
    scratch: ScratchDatabase = request.getfixturevalue("pg_scratch")
    scratch.reset()
    return scratch.url


@pytest.fixture
def clock() -> FrozenClock:
    """Time stands still until a test moves it."""
    return FrozenClock(START)


@pytest.fixture
def runtime(database_url: str, clock: FrozenClock) -> Iterator[Runtime]:
    """A runtime on the fresh database with the shipped rules and the frozen clock."""
    rt = Runtime.from_url(database_url, RULES_DIR, clock)
    yield rt
    rt.engine.dispose()
