"""Report formulas: rates, percentiles, age buckets, composite scores, stars and lists.

Pure functions over counts and scores the services fetch with set-based SQL; docs/metrics.md
states each formula. A rate whose denominator is zero is `None` ("no cases"), never 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

DAY = timedelta(days=1)
# Age buckets of open cases: (label, upper bound exclusive); the last has no bound.
AGE_BUCKETS: tuple[tuple[str, timedelta | None], ...] = (
    ("<1d", DAY),
    ("1-3d", 3 * DAY),
    ("3-7d", 7 * DAY),
    ("7-30d", 30 * DAY),
    (">30d", None),
)
STAR_BANDS = ("five", "four", "three")
UNRATED = "unrated"  # rated, but below the lowest star band
# 不参评: too little data to rate (rules/ratings.yaml `not_rated`). The published term itself,
# shown as is by every edge (page, API, CSV, CLI), so no edge can turn it into a score.
NOT_RATED = "不参评"


def late_clocks(deadlines: Mapping[str, Any], now: datetime) -> dict[str, datetime]:
    """Running clocks already past their deadline at `now`, with that deadline: the clocks
    an action or an escalation ending now ends late (a paused clock is not running)."""
    late = {}
    for name, entry in deadlines.items():
        due = entry.get("due_at")
        if due and not entry.get("stopped_at") and not entry.get("paused"):
            when = datetime.fromisoformat(due)
            if when <= now:
                late[name] = when
    return late


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None when nothing was counted."""
    if not denominator:
        return None
    return numerator / denominator


def rounded(value: float | None, digits: int = 4) -> float | None:
    """Round a figure for display and export (the same rounding everywhere)."""
    return None if value is None else round(value, digits)


def age_bucket(age: timedelta) -> str:
    """The label of the bucket an open case of this age falls in."""
    for label, bound in AGE_BUCKETS:
        if bound is None or age < bound:
            return label
    raise AssertionError("the last bucket has no bound")  # pragma: no cover


def percentile(sorted_values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile, the same as PostgreSQL's percentile_cont(q)."""
    if not sorted_values:
        return None
    position = q * (len(sorted_values) - 1)
    low, high = math.floor(position), math.ceil(position)
    fraction = position - low
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * fraction


def weighted_satisfaction(counts: Mapping[str, int], values: Mapping[str, float]) -> float | None:
    """Σ count(level) × value(level) / Σ count: 基本满意 may count 0.9 of 满意."""
    evaluated = sum(counts.values())
    return ratio(sum(n * values.get(level, 0.0) for level, n in counts.items()), evaluated)


def composite_score(
    rates: Mapping[str, float | None], weights: Mapping[str, float]
) -> float | None:
    """100 × Σ w·rate / Σ w over the rates that exist (a unit with no cases of a kind is not
    punished for it); None when no weighted rate exists."""
    present = {name: w for name, w in weights.items() if rates.get(name) is not None}
    total = sum(present.values())
    if not total:
        return None
    weighted = sum(float(w) * float(rates[name] or 0) for name, w in present.items())
    return 100 * weighted / total


def star_band(score: float | None, bands: Mapping[str, float]) -> str:
    """The highest band whose floor the score reaches (five, four, three), else unrated."""
    if score is None:
        return UNRATED
    for band in STAR_BANDS:
        floor = bands.get(band)
        if floor is not None and score >= floor:
            return band
    return UNRATED


@dataclass(frozen=True)
class Ranked:
    """One entry of a ranking: key, score and its competition rank (1, 2, 2, 4)."""

    key: str
    score: float | None
    rank: int | None


def rank(scores: Iterable[tuple[str, float | None]]) -> list[Ranked]:
    """Highest score first, ties share a rank, keys break ties for a stable order; no score
    ranks last without a rank."""
    items = sorted(scores, key=lambda kv: (kv[1] is None, -(kv[1] or 0.0), kv[0]))
    out: list[Ranked] = []
    for position, (key, score) in enumerate(items, start=1):
        if score is None:
            out.append(Ranked(key, None, None))
        elif out and out[-1].score == score:
            out.append(Ranked(key, score, out[-1].rank))
        else:
            out.append(Ranked(key, score, position))
    return out


def too_little_data(cases: int, owner_evaluations: int, rule: Mapping[str, Any]) -> bool:
    """不参评: fewer cases in the period than `min_cases`, or no owners' evaluation when
    `owners_evaluation_required` (rules/ratings.yaml `not_rated`)."""
    if cases < int(rule.get("min_cases", 0)):
        return True
    return bool(rule.get("owners_evaluation_required")) and owner_evaluations == 0


def red_list(
    ranked: Sequence[Ranked], top: int, min_score: float, barred: Iterable[str] = ()
) -> list[str]:
    """红榜: the entries ranked within the top N whose score is at least the threshold, less
    the `barred` ones (e.g. a failing owners' evaluation)."""
    kept_off = set(barred)
    return [
        r.key
        for r in ranked
        if r.rank is not None and r.rank <= top and r.score is not None and r.score >= min_score
        and r.key not in kept_off
    ]


def black_list(ranked: Sequence[Ranked], below: float) -> list[str]:
    """黑榜: the entries scored below the floor (unscored entries are not listed)."""
    return [r.key for r in ranked if r.score is not None and r.score < below]
