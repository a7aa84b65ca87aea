"""Generated data is consistent: triggers back after the bulk load, summaries and search as if
every case had been written one by one, events that match each case's state."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from bench import dataset
from caseflow.models import Case, CaseEvent
from caseflow.services.reporting import rollup
from caseflow.services.runtime import Runtime

PG_URL = os.environ.get("CASEFLOW_TEST_PG_URL", "")


def _triggers(runtime: Runtime) -> set[str]:
    with runtime.engine.connect() as conn:
        return set(conn.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))


def _mismatched_states(session: Session) -> int:
    """Cases whose last event (comments aside) does not leave them in their state."""
    last = select(func.max(CaseEvent.id)).where(
        CaseEvent.action != "comment").group_by(CaseEvent.case_id).subquery()
    return session.scalar(
        select(func.count()).select_from(CaseEvent).join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.id.in_(select(last)), CaseEvent.to_state != Case.state)) or 0


def _summaries_as_rebuilt(runtime: Runtime) -> tuple[dict, dict]:
    """The summary tables as generated, and as `caseflow report rebuild-summary` counts them."""
    with runtime.uow() as uow:
        generated = rollup.kept(uow.session)
        rollup.rebuild(uow)
    with runtime.uow() as uow:
        return generated, rollup.kept(uow.session)


def test_generated_summaries_are_what_a_rebuild_counts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'gen.sqlite'}"
    dataset.generate(url, 2_000, seed=8)
    runtime = Runtime.from_url(url)
    generated, rebuilt = _summaries_as_rebuilt(runtime)
    assert all(generated[table] for table in generated)
    assert generated == rebuilt
    runtime.engine.dispose()


def test_generated_data_keeps_triggers_summaries_and_search(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'gen.sqlite'}"
    counts = dataset.generate(url, 3_000, seed=8)
    assert counts.cases == 3_000 and counts.events > 3 * counts.cases
    runtime = Runtime.from_url(url)
    assert {"cases_fts_ai", "case_month_counts_ai", "case_clock_times_ae"} <= _triggers(runtime)
    with runtime.engine.connect() as conn:  # the tables copied in from the second file too
        assert conn.scalar(text("PRAGMA integrity_check")) == "ok"
        conn.execute(text("INSERT INTO cases_fts(cases_fts) VALUES ('integrity-check')"))
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".events")] == []
    with runtime.uow() as uow:
        session = uow.session
        assert rollup.kept(session) == rollup.recount(session)
        title = session.scalar(select(Case.title).limit(1))
        found = session.scalar(text("SELECT count(*) FROM cases_fts WHERE cases_fts MATCH :q"),
                               {"q": f'"{title}"'})
        assert found and found > 0
        submits = session.scalar(select(func.count()).where(CaseEvent.action == "submit"))
        assert submits == 3_000
        assert _mismatched_states(session) == 0
    runtime.engine.dispose()


@pytest.mark.skipif(not PG_URL, reason="no PostgreSQL server (set CASEFLOW_TEST_PG_URL)")
def test_generated_data_on_postgresql_keeps_summaries_and_event_states() -> None:
    name = f"cfbench_test_{uuid.uuid4().hex[:8]}"
    server = PG_URL.rsplit("/", 1)[0]
    dataset._pg_admin(PG_URL, f'CREATE DATABASE "{name}"')
    try:
        dataset.generate(f"{server}/{name}", 2_000, seed=8)
        runtime = Runtime.from_url(f"{server}/{name}")
        with runtime.uow() as uow:
            assert rollup.kept(uow.session) == rollup.recount(uow.session)
            assert _mismatched_states(uow.session) == 0
            triggers = uow.session.scalar(text(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'cases'::regclass "
                "AND NOT tgisinternal AND tgenabled = 'O'"))
            assert triggers and triggers > 0
        generated, rebuilt = _summaries_as_rebuilt(runtime)
        assert all(generated[table] for table in generated)
        assert generated == rebuilt
        runtime.engine.dispose()
    finally:
        dataset._pg_admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
