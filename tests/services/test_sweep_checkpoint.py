"""On SQLite the sweep turns automatic WAL checkpoints off while it writes its batches; every
connection it used goes back to the pool with them on again, even when the sweep fails."""

from __future__ import annotations

import pytest
from sqlalchemy import text

import caseflow.services.sweep as sweep_module
from caseflow.db import AUTOCHECKPOINT_PAGES
from caseflow.services.sweep import sweep


@pytest.fixture
def sqlite_runtime(runtime):
    if runtime.engine.dialect.name != "sqlite":
        pytest.skip("automatic WAL checkpoints are SQLite's")
    # Two idle connections: the pool hands them out in turn, so the sweep's batch and its
    # final checkpoint run on different ones.
    first, second = runtime.engine.connect(), runtime.engine.connect()
    first.close()
    second.close()
    return runtime


def _pooled_settings(runtime) -> list[int]:
    """wal_autocheckpoint of every connection in the pool, all checked out at once."""
    connections = [runtime.engine.connect() for _ in range(runtime.engine.pool.checkedin())]
    try:
        return [c.execute(text("PRAGMA wal_autocheckpoint")).scalar_one() for c in connections]
    finally:
        for connection in connections:
            connection.close()


def test_a_sweep_that_fails_midway_leaves_automatic_checkpoints_on(sqlite_runtime, monkeypatch):
    def fail(*_args: object) -> None:
        raise RuntimeError("the batch failed")

    monkeypatch.setattr(sweep_module, "_overdue", fail)
    with pytest.raises(RuntimeError, match="the batch failed"):
        sweep(sqlite_runtime.uow, sqlite_runtime.rules(), sqlite_runtime.now())
    settings = _pooled_settings(sqlite_runtime)
    assert len(settings) == 2
    assert settings == [AUTOCHECKPOINT_PAGES] * 2


def test_a_sweep_leaves_automatic_checkpoints_on(sqlite_runtime):
    sweep(sqlite_runtime.uow, sqlite_runtime.rules(), sqlite_runtime.now())
    assert _pooled_settings(sqlite_runtime) == [AUTOCHECKPOINT_PAGES] * 2
