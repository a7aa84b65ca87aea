"""Property-company ratings: score, stars, red and black lists, owners' evaluations."""

from __future__ import annotations

import pytest

from caseflow.domain.errors import InvalidInput
from caseflow.services.reporting.common import Period
from caseflow.services.reporting.evaluations import (
    add_owner_evaluation,
    import_owner_evaluations,
)
from caseflow.services.reporting.ratings import ratings_report
from tests.reporting.helpers import NOVEMBER, rows, run


def test_company_scores_stars_and_lists(runtime, dataset):
    report = run(runtime, "property-ratings")
    table = rows(report, "ratings")
    # pineco: every rate perfect, no owners' evaluation → 100 over the other weights.
    assert table[0] | {} == {
        "rank": 1, "company": "pineco", "name": "松林物业", "score": 100.0, "stars": "five",
        "cases": 1, "on_time_rate": 1.0, "satisfaction_rate": 1.0, "reopen_rate": 0.0,
        "owners_evaluation": None, "owner_evaluations": 0}
    # huacheng: 0.3 × 2/3 + 0.4 × 1 + 0.1 × (1 − 0.5) + 0.2 × 0.85 = 0.82.
    assert table[1] == {
        "rank": 2, "company": "huacheng", "name": "乐山花城物业", "score": 82.0,
        "stars": "four", "cases": 6, "on_time_rate": 0.6667, "satisfaction_rate": 1.0,
        "reopen_rate": 0.5, "owners_evaluation": 85.0, "owner_evaluations": 2}
    assert [r["company"] for r in rows(report, "red_list")] == ["pineco", "huacheng"]
    assert rows(report, "black_list") == []


def test_thresholds_come_from_the_settings(runtime, dataset):
    settings = dict(runtime.rules().ratings) | {
        "red_list": {"top": 9, "min_score": 90}, "black_list": {"below": 85}}
    with runtime.uow() as uow:
        report = ratings_report(uow, Period.from_dates(*NOVEMBER), runtime.now(), settings)
    assert [r["company"] for r in rows(report, "red_list")] == ["pineco"]
    assert [r["company"] for r in rows(report, "black_list")] == ["huacheng"]


def test_an_evaluation_needs_every_aspect_within_the_scale(runtime, dataset):
    settings = runtime.rules().ratings
    aspects = settings["owners_evaluation"]["aspects"]
    with runtime.uow() as uow, pytest.raises(InvalidInput, match="missing"):
        add_owner_evaluation(uow, settings, "pineco", 2026, {aspects[0]: 50}, runtime.now())
    with runtime.uow() as uow, pytest.raises(InvalidInput, match="between"):
        add_owner_evaluation(
            uow, settings, "pineco", 2026, dict.fromkeys(aspects, 101), runtime.now())


def test_csv_import_feeds_the_owners_component(runtime, dataset):
    aspects = runtime.rules().ratings["owners_evaluation"]["aspects"]
    text = "company,year,complex," + ",".join(aspects) + "\n"
    text += "pineco,2026,pine," + ",".join("60" for _ in aspects) + "\n"
    with runtime.uow() as uow:
        assert import_owner_evaluations(uow, runtime.rules().ratings, text, runtime.now(),
                                        "x.csv") == 1
    pine = rows(run(runtime, "property-ratings"), "ratings")
    # 0.3 + 0.4 + 0.1 + 0.2 × 0.6 = 0.92
    assert [(r["company"], r["score"], r["stars"]) for r in pine] == [
        ("pineco", 92.0, "five"), ("huacheng", 82.0, "four")]
