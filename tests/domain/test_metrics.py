"""Report formulas on hand-computed numbers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from caseflow.domain.metrics import (
    Ranked,
    age_bucket,
    black_list,
    composite_score,
    percentile,
    rank,
    ratio,
    red_list,
    star_band,
    weighted_satisfaction,
)

BANDS = {"five": 90, "four": 80, "three": 70}


def test_a_rate_without_cases_is_none_not_zero():
    assert ratio(0, 0) is None
    assert ratio(3, 4) == 0.75


@pytest.mark.parametrize(("hours", "bucket"), [
    (0, "<1d"), (23.9, "<1d"), (24, "1-3d"), (71.9, "1-3d"), (72, "3-7d"), (167, "3-7d"),
    (168, "7-30d"), (719, "7-30d"), (720, ">30d"), (5000, ">30d"),
])
def test_age_buckets_include_their_lower_bound(hours, bucket):
    assert age_bucket(timedelta(hours=hours)) == bucket


def test_percentiles_interpolate_like_percentile_cont():
    assert percentile([], 0.5) is None
    assert percentile([7.0], 0.9) == 7.0
    assert percentile([1.0, 2.0, 63.5], 0.5) == 2.0
    assert percentile([1.0, 2.0, 63.5], 0.9) == pytest.approx(51.2)
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5


def test_basically_satisfied_may_count_nine_tenths():
    values = {"satisfied": 1.0, "basically_satisfied": 0.9, "unsatisfied": 0.0}
    counts = {"satisfied": 6, "basically_satisfied": 3, "unsatisfied": 1}
    assert weighted_satisfaction(counts, values) == pytest.approx(0.87)
    assert weighted_satisfaction({}, values) is None


def test_the_composite_weighs_the_three_rates_10_50_40():
    weights = {"response": 10, "resolution": 50, "satisfaction": 40}
    rates = {"response": 0.9, "resolution": 0.8, "satisfaction": 0.87}
    assert composite_score(rates, weights) == pytest.approx(9 + 40 + 34.8)
    # A missing rate drops out and the others are reweighed: (10 × 0.5) / 60.
    assert composite_score({"response": 0.5, "resolution": 0.0, "satisfaction": None},
                           weights) == pytest.approx(100 / 12)
    assert composite_score({}, weights) is None


@pytest.mark.parametrize(("score", "band"), [
    (95, "five"), (90, "five"), (89.99, "four"), (80, "four"), (70, "three"),
    (69.9, "unrated"), (None, "unrated"),
])
def test_star_bands(score, band):
    assert star_band(score, BANDS) == band


def test_ties_share_a_rank_and_unscored_entries_come_last():
    assert rank([("b", 80.0), ("a", 90.0), ("c", 80.0), ("d", None), ("e", 70.0)]) == [
        Ranked("a", 90.0, 1), Ranked("b", 80.0, 2), Ranked("c", 80.0, 2),
        Ranked("e", 70.0, 4), Ranked("d", None, None)]


def test_red_list_is_the_top_n_at_or_above_the_threshold_and_black_below_the_floor():
    # Lishui: 39 companies, the top nine scoring 80 or more on the red list.
    scores = [(f"c{i:02d}", 100.0 - 2 * i) for i in range(39)]  # 100, 98, ..., 24
    ranked = rank(scores)
    assert red_list(ranked, 9, 80) == [f"c{i:02d}" for i in range(9)]
    assert red_list(rank([("x", 85.0), ("y", 79.0)]), 9, 80) == ["x"]
    assert black_list(ranked, 30) == ["c36", "c37", "c38"]
    bands = [star_band(r.score, BANDS) for r in ranked]
    assert (bands.count("five"), bands.count("four"), bands.count("three")) == (6, 5, 5)
