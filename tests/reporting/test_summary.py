"""The summary tables equal a count from scratch, whichever writer changed the cases."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, func, select, update

from caseflow.cli import main
from caseflow.models import Case, CaseEvent, CaseMonthCount
from caseflow.services.cases import submit_case
from caseflow.services.reporting.common import Period
from caseflow.services.reporting.rates import _from_seconds, _from_times
from caseflow.services.reporting.rollup import kept, rebuild, recount, split
from caseflow.services.reporting.summaries import count_swept
from caseflow.services.sweep import sweep
from tests.factories import RESIDENT, build_tree, submission
from tests.reporting.helpers import act_as_anyone, rows, run

# Actions tried at random, with the data some of them need.
MOVES = (
    ("accept", {}), ("start", {}), ("resolve", {}), ("accept", {}), ("start", {}),
    ("resolve", {}), ("comment", {}), ("escalate", {}),
    ("evaluate", {"satisfaction": "satisfied"}), ("evaluate", {"satisfaction": "unsatisfied"}),
    ("evaluate", {"satisfaction": "basically_satisfied"}), ("reopen", {}), ("close", {}),
    ("hold", {}), ("resume", {}), ("withdraw", {}), ("return", {}),
    ("request_extension", {"extra": "1 working day"}), ("approve_extension", {}),
    ("defer", {}), ("reject", {}),
)
PLACES = ("rhine", "rhine-b3", "lotus")
CATEGORIES = ("noise", "express_locker_noise", "facade", "parking")


def _same(runtime) -> None:
    with runtime.uow() as uow:
        assert kept(uow.session) == recount(uow.session)


def test_the_hand_made_dataset_is_counted_exactly(runtime, dataset):
    _same(runtime)


def test_a_random_mix_of_submits_actions_sweeps_and_reopenings_keeps_it_exact(runtime, clock):
    users = build_tree(runtime)
    rules, chance = runtime.rules(), random.Random(5)
    refs: list[str] = []
    for step in range(200):
        if step % 3 == 0:
            with runtime.uow() as uow:
                body = submission(category=chance.choice(CATEGORIES),
                                  unit=chance.choice(PLACES))
                case = submit_case(uow, rules, body, RESIDENT, clock.now())[0]
                refs.append(case.ref)
        action, data = chance.choice(MOVES)
        act_as_anyone(runtime, users, chance.choice(refs), action, data)
        if step % 10 == 9:
            clock.advance(timedelta(hours=chance.randrange(1, 24 * 6)))
            sweep(runtime.uow, rules, clock.now())
    with runtime.uow() as uow:
        states = set(uow.session.scalars(select(Case.state)))
    assert len(states) >= 4, states  # the mix reached several states
    _same(runtime)


def test_set_based_updates_counted_by_their_writer_and_deletes_are_counted_too(
    runtime, dataset
):
    with runtime.uow() as uow:
        submitted = list(uow.session.scalars(select(Case.id).where(Case.state == "submitted")))
        count_swept(uow.session, submitted, {"state": "withdrawn", "accepted_on_time": False})
        uow.session.execute(update(Case).where(Case.id.in_(submitted)).values(
            state="withdrawn", accepted_on_time=False))
        first = uow.session.scalar(select(func.min(Case.id)))
        uow.session.execute(delete(CaseEvent).where(CaseEvent.case_id == first))
        uow.session.execute(delete(Case).where(Case.id == first))
        uow.commit()
    _same(runtime)


def test_rebuild_counts_the_summary_again(runtime, dataset, database_url, monkeypatch):
    before = rows(run(runtime, "rates", "jiazhou-street"), "summary")
    with runtime.uow() as uow:
        uow.session.execute(delete(CaseMonthCount))
        uow.commit()
    assert rows(run(runtime, "rates", "jiazhou-street"), "summary") != before
    monkeypatch.setenv("CASEFLOW_DATABASE_URL", database_url)
    result = CliRunner().invoke(main, ["report", "rebuild-summary"])
    assert result.exit_code == 0, result.output
    assert "counted 2026-11" in result.output and "rebuilt the summary" in result.output
    assert rows(run(runtime, "rates", "jiazhou-street"), "summary") == before
    with runtime.uow() as uow:
        assert rebuild(uow)["months"] >= 1
    _same(runtime)


@pytest.mark.parametrize(("first", "last", "months", "edges"), [
    (date(2026, 11, 1), date(2026, 11, 30), ["2026-11"], 0),
    (date(2025, 12, 1), date(2026, 11, 30), ["2025-12"] + [f"2026-{m:02d}" for m in range(1, 12)],
     0),
    (date(2026, 10, 15), date(2026, 11, 30), ["2026-11"], 1),
    (date(2026, 10, 15), date(2026, 12, 3), ["2026-11"], 2),
    (date(2026, 11, 2), date(2026, 11, 29), [], 1),
])
def test_a_period_splits_into_whole_months_and_edges(first, last, months, edges):
    period = Period.from_dates(first, last)
    found, spans = split(period)
    assert (found, len(spans)) == (months, edges)
    covered = sorted([Period.from_dates(date.fromisoformat(f"{m}-01"), date.fromisoformat(
        f"{m}-01") + timedelta(days=27)).start for m in found] + [s.start for s in spans])
    assert covered[0] == period.start


def test_whole_month_percentiles_equal_those_read_from_every_clock_time(runtime, dataset):
    period = Period.from_dates(date(2026, 11, 1), date(2026, 11, 30))
    with runtime.uow() as uow:
        for clock in ("accept", "resolve"):
            by_value = _from_seconds(uow, ["2026-11"], clock)
            assert by_value and by_value == _from_times(uow, period, None, clock)
