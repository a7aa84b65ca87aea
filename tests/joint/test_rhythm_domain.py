"""When a joint meeting sits next, and which cases are hard (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from caseflow.domain.rhythm import HardCaseRules, Rhythm, hard_reasons

ZONE = "Asia/Shanghai"


def test_monthly_on_the_31st_sits_on_the_last_day_of_short_months():
    rhythm = Rhythm("monthly", 31, time(19, 0), ZONE)
    after = datetime(2027, 1, 31, 12, 0, tzinfo=UTC)  # 20:00 in Beijing: after the sitting
    first = rhythm.next_after(after)
    assert first.isoformat() == "2027-02-28T19:00:00+08:00"
    assert rhythm.next_after(first).isoformat() == "2027-03-31T19:00:00+08:00"


def test_weekly_sits_on_its_weekday_strictly_after():
    rhythm = Rhythm("weekly", 3, time(9, 30), ZONE)  # Wednesdays
    wednesday = datetime(2026, 12, 9, 1, 30, tzinfo=UTC)  # 09:30 Beijing, a Wednesday
    assert rhythm.next_after(wednesday - timedelta(seconds=1)) == wednesday
    assert rhythm.next_after(wednesday).isoformat() == "2026-12-16T09:30:00+08:00"


@pytest.mark.parametrize(("frequency", "day"), [("monthly", 0), ("monthly", 32), ("weekly", 8),
                                                ("daily", 1)])
def test_an_impossible_rhythm_is_refused(frequency, day):
    with pytest.raises(ValueError):
        Rhythm(frequency, day, time(9), ZONE)


RULES = HardCaseRules(open_longer_than=timedelta(days=30), problem_cases=True,
                      escalated_above="complex", repeat_min_cases=3,
                      repeat_within=timedelta(days=90), limit=30)
NOW = datetime(2026, 12, 7, tzinfo=UTC)


def reasons(**given):
    facts = {"submitted_at": NOW - timedelta(days=1), "problem_case": False, "overdue": False,
             "layer_rank": 0, "threshold_rank": 1, "repeats": 1} | given
    return hard_reasons(RULES, NOW, **facts)


def test_an_ordinary_young_case_is_not_hard():
    assert reasons() == []


def test_each_reason_on_its_own_and_all_in_agenda_order():
    assert reasons(submitted_at=NOW - timedelta(days=31)) == ["open_long"]
    assert reasons(overdue=True) == ["problem"]
    assert reasons(problem_case=True) == ["problem"]
    assert reasons(layer_rank=2) == ["escalated"]
    assert reasons(layer_rank=1) == []  # held at the complex itself: not escalated above it
    assert reasons(repeats=3) == ["repeat"]
    assert reasons(submitted_at=NOW - timedelta(days=40), problem_case=True, layer_rank=3,
                   repeats=5) == ["problem", "escalated", "open_long", "repeat"]
