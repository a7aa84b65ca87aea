"""Generated data is consistent: triggers back after the bulk load, summaries and search as if
every case had been written one by one, events that match each case's state."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select, text

from bench import dataset
from caseflow.models import Case, CaseEvent
from caseflow.services.reporting import rollup
from caseflow.services.runtime import Runtime


def _triggers(runtime: Runtime) -> set[str]:
    with runtime.engine.connect() as conn:
        return set(conn.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))


def test_generated_data_keeps_triggers_summaries_and_search(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'gen.sqlite'}"
    counts = dataset.generate(url, 3_000, seed=8)
    assert counts.cases == 3_000 and counts.events > 3 * counts.cases
    runtime = Runtime.from_url(url)
    assert {"cases_fts_ai", "case_month_counts_ai", "case_clock_times_ae"} <= _triggers(runtime)
    with runtime.uow() as uow:
        session = uow.session
        assert rollup.kept(session) == rollup.recount(session)
        title = session.scalar(select(Case.title).limit(1))
        found = session.scalar(text("SELECT count(*) FROM cases_fts WHERE cases_fts MATCH :q"),
                               {"q": f'"{title}"'})
        assert found and found > 0
        # Every case has its submit event, and its last event leaves it in its state.
        submits = session.scalar(select(func.count()).where(CaseEvent.action == "submit"))
        assert submits == 3_000
        last = select(func.max(CaseEvent.id)).where(
            CaseEvent.action != "comment").group_by(CaseEvent.case_id).subquery()
        mismatched = session.scalar(
            select(func.count()).select_from(CaseEvent).join(Case, Case.id == CaseEvent.case_id)
            .where(CaseEvent.id.in_(select(last)), CaseEvent.to_state != Case.state))
        assert mismatched == 0
    runtime.engine.dispose()
