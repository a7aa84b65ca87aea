"""Unresolved cases now: counts by dimension, age buckets, oldest and most overdue."""

from __future__ import annotations

import pytest

from tests.reporting.helpers import rows, run


@pytest.mark.parametrize(("by", "expected"), [
    ("layer", [("property", 2, 1), ("complex", 1, 0), ("total", 3, 1)]),
    ("age", [("1-3d", 2, 1), ("7-30d", 1, 0), ("total", 3, 1)]),
    ("state", [("in_progress", 1, 0), ("resolved", 1, 0), ("submitted", 1, 1),
               ("total", 3, 1)]),
    ("overdue", [("on_time", 2, 0), ("overdue", 1, 1), ("total", 3, 1)]),
    ("category", [("garbage", 2, 1), ("noise", 1, 0), ("total", 3, 1)]),
])
def test_open_cases_of_street_a_by_dimension(runtime, dataset, by, expected):
    table = rows(run(runtime, "unresolved", "jiazhou-street", by=by), f"by_{by}")
    assert [(r["key"], r["open"], r["overdue"]) for r in table] == expected


def test_open_cases_roll_up_to_the_community(runtime, dataset):
    table = rows(run(runtime, "unresolved", by="unit", level="community"), "by_unit")
    assert [(r["key"], r["open"]) for r in table] == [("jiazhou-community", 3), ("total", 3)]


def test_oldest_and_most_overdue_are_listed(runtime, dataset):
    report = run(runtime, "unresolved", "jiazhou-street")
    assert [r["ref"] for r in rows(report, "oldest")] == ["C5", "C3", "C4"]
    assert [(r["ref"], r["overdue_days"]) for r in rows(report, "most_overdue")] == [
        ("C4", 1.0)]
