"""Hotspots, 每月一题 and the unit ranking with 数字城管 figures."""

from __future__ import annotations

from tests.reporting.helpers import rows, run


def test_hotspots_count_cases_and_repeat_complaints(runtime, dataset):
    report = run(runtime, "hotspots", "jiazhou-street")
    # rhine noise: C1 C2 C7 from phone 1 and C5 from phone 5 — 4 cases, 2 repeats.
    assert [(r["area"], r["category"], r["cases"], r["repeats"])
            for r in rows(report, "places")] == [("rhine", "noise", 4, 2),
                                                 ("lotus", "garbage", 2, 0)]
    assert rows(report, "monthly_issue") == [
        {"area": "jiazhou-community", "name": "嘉州新城社区", "category": "noise", "cases": 4}]


def test_ranking_of_complexes_with_the_composite_score(runtime, dataset):
    table = rows(run(runtime, "ranking", "jiazhou-street", level="complex"), "ranking")
    assert table == [
        # response 2/3, resolution 3/3, satisfaction (1 + 0.9)/2 = 0.95:
        # 10 × 0.6667 + 50 × 1 + 40 × 0.95 = 94.67.
        {"rank": 1, "unit": "rhine", "name": "莱茵水岸", "score": 94.67, "submitted": 4,
         "response_rate": 0.6667, "resolution_rate": 1.0, "satisfaction_score": 0.95,
         "closure_rate": 0.6667, "on_time_closure_rate": 0.3333, "rework_rate": 0.3333,
         "extension_rate": 0.3333, "deferred": 0, "late_clocks": 0},
        # No evaluation: the score reweighs response and resolution, (10 × 0.5) / 60.
        {"rank": 2, "unit": "lotus", "name": "荷花苑", "score": 8.33, "submitted": 2,
         "response_rate": 0.5, "resolution_rate": 0.0, "satisfaction_score": None,
         "closure_rate": 0.0, "on_time_closure_rate": 0.0, "rework_rate": 0.0,
         "extension_rate": 0.0, "deferred": 0, "late_clocks": 0},
    ]
