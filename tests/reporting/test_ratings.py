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
    # huacheng: on time C1 C5 of resolved C1 C2 C5 and C4 (open, overdue) = 0.5;
    # 0.3 × 0.5 + 0.4 × 1 + 0.1 × (1 − 0.5) + 0.2 × 0.85 = 0.77.
    assert table[0] == {
        "rank": 1, "company": "huacheng", "name": "乐山花城物业", "score": 77.0,
        "stars": "three", "rated": True, "cases": 6, "on_time_rate": 0.5,
        "satisfaction_rate": 1.0, "reopen_rate": 0.5, "owners_evaluation": 85.0,
        "owner_evaluations": 2, "late_clocks": 0}
    # pineco: one case (fewer than the 5 ratings.yaml asks) and no owners' evaluation:
    # 不参评 — no score, no rank, no stars, though every rate is perfect.
    assert table[1] == {
        "rank": None, "company": "pineco", "name": "松林物业", "score": None,
        "stars": "不参评", "rated": False, "cases": 1, "on_time_rate": 1.0,
        "satisfaction_rate": 1.0, "reopen_rate": 0.0, "owners_evaluation": None,
        "owner_evaluations": 0, "late_clocks": 0}
    assert rows(report, "red_list") == []  # 77 < 80
    assert rows(report, "black_list") == []


def _ratings(runtime, **changes):
    settings = dict(runtime.rules().ratings) | changes
    with runtime.uow() as uow:
        return ratings_report(uow, Period.from_dates(*NOVEMBER), runtime.now(), settings)


def test_thresholds_come_from_the_settings(runtime, dataset):
    report = _ratings(runtime, red_list={"top": 9, "min_score": 75},
                      black_list={"below": 80})
    assert [r["company"] for r in rows(report, "red_list")] == ["huacheng"]
    assert [r["company"] for r in rows(report, "black_list")] == ["huacheng"]


def test_without_a_data_threshold_a_single_perfect_case_scores_100(runtime, dataset):
    report = _ratings(runtime, not_rated={"min_cases": 0, "owners_evaluation_required": False})
    pine = next(r for r in rows(report, "ratings") if r["company"] == "pineco")
    assert (pine["rank"], pine["score"], pine["stars"], pine["rated"]) == (1, 100.0, "five", True)
    assert [r["company"] for r in rows(report, "red_list")] == ["pineco"]


def test_not_rated_companies_are_on_neither_list(runtime, dataset):
    report = _ratings(runtime, black_list={"below": 101})
    assert [r["company"] for r in rows(report, "black_list")] == ["huacheng"]
    assert "pineco" not in [r["company"] for r in rows(report, "red_list")]


def test_a_failing_owners_evaluation_keeps_a_company_off_the_red_list(runtime, dataset):
    red = {"top": 9, "min_score": 70}
    assert [r["company"] for r in rows(_ratings(runtime, red_list=red), "red_list")] == [
        "huacheng"]
    # The owners gave huacheng 85: below a floor of 90 it stays off, rank 1 or not.
    barred = _ratings(runtime, red_list=red | {"min_owners_evaluation": 90})
    assert rows(barred, "red_list") == []
    assert rows(barred, "ratings")[0]["rank"] == 1


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
    # pineco now has an owners' evaluation, but one case is still too little to rate.
    shown = rows(run(runtime, "property-ratings"), "ratings")
    assert [(r["company"], r["score"], r["stars"], r["owners_evaluation"]) for r in shown] == [
        ("huacheng", 77.0, "three", 85.0), ("pineco", None, "不参评", 60.0)]
    # With one case enough: 0.3 + 0.4 + 0.1 + 0.2 × 0.6 = 0.92.
    report = _ratings(runtime, not_rated={"min_cases": 1, "owners_evaluation_required": True})
    assert [(r["company"], r["score"], r["stars"]) for r in rows(report, "ratings")] == [
        ("pineco", 92.0, "five"), ("huacheng", 77.0, "three")]
