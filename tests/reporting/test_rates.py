"""The three rates, coverage, reopen rate, durations and trend, computed by hand."""

from __future__ import annotations

from tests.reporting.helpers import rows, run


def test_rates_of_street_a_in_november(runtime, dataset):
    summary = rows(run(runtime, "rates", "jiazhou-street"), "summary")[0]
    # Submitted in November in street A: C1 C2 C3 C4 C5 C7; C7 is merged, so 5 are handled.
    assert summary == {
        "scope": "all",
        "submitted": 6,
        "response_rate": 0.6,              # on time C1 C2 C3 / due C1 C2 C3 C4(waiting) C5
        "resolution_rate": 0.6,            # resolved or closed C1 C2 C5 / handled 5
        # On time C1 C5 / resolved C1 C2 C5 + C4 (open, past its deadline: late already).
        "on_time_resolution_rate": 0.5,
        "satisfaction_rate": 1.0,          # satisfied C1 + basically C2 / evaluated 2
        "evaluation_coverage": 1.0,        # evaluated 2 / closed C1 C2
        "reopen_rate": 0.5,                # reopened C2 / ever closed C1 C2
    }


def test_no_evaluations_give_no_satisfaction_rate_rather_than_zero(runtime, dataset):
    summary = rows(run(runtime, "rates", "lotus"), "summary")[0]
    assert summary["submitted"] == 2
    assert summary["satisfaction_rate"] is None
    assert summary["evaluation_coverage"] is None
    assert summary["reopen_rate"] is None
    assert summary["response_rate"] == 0.5  # C3 on time (paused over the weekend), C4 late


def test_durations_per_layer_use_the_wall_clock(runtime, dataset):
    durations = rows(run(runtime, "rates", "jiazhou-street"), "durations")
    assert durations == [
        # First accepted in November: property C1 1 h, C2 2 h, C3 63.5 h (weekend included).
        # p90 of [1, 2, 63.5]: 2 + 0.8 × 61.5 = 51.2.
        {"layer": "property", "clock": "accept", "cases": 3, "median_hours": 2.0,
         "p90_hours": 51.2},
        {"layer": "complex", "clock": "accept", "cases": 1, "median_hours": 8.0,
         "p90_hours": 8.0},
        # Resolved in November, by the resolving layer: C1 4 h, C5 48 h, C2 24 h, C8 96 h.
        {"layer": "property", "clock": "resolve", "cases": 1, "median_hours": 4.0,
         "p90_hours": 4.0},
        {"layer": "complex", "clock": "resolve", "cases": 1, "median_hours": 48.0,
         "p90_hours": 48.0},
        {"layer": "community", "clock": "resolve", "cases": 1, "median_hours": 24.0,
         "p90_hours": 24.0},
        {"layer": "street", "clock": "resolve", "cases": 1, "median_hours": 96.0,
         "p90_hours": 96.0},
    ]


def test_monthly_trend_matches_the_summary_and_weekly_trend_splits_it(runtime, dataset):
    report = run(runtime, "rates", "jiazhou-street")
    month = rows(report, "trend")
    assert month == [{"period": "2026-11", **{
        k: v for k, v in rows(report, "summary")[0].items() if k != "scope"}}]
    weeks = rows(run(runtime, "rates", "jiazhou-street", grain="week"), "trend")
    assert [(w["period"], w["submitted"]) for w in weeks] == [
        ("2026-11-02", 2), ("2026-11-09", 2), ("2026-11-16", 2)]
    assert weeks[1]["response_rate"] == 0.0  # C5 accepted late; C7 merged is not due
