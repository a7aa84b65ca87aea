"""Assessment arithmetic (双考核, seed 002), credit grades and complex stars (seed 003): pure
functions over figures the services gather; the rules come from rules/ratings.yaml."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from caseflow.domain.metrics import (
    NOT_RATED,
    UNRATED,
    black_list,
    composite_score,
    rank,
    red_list,
    star_band,
)


@dataclass(frozen=True)
class UnitParts:
    """What an assessed unit (a complex's property team) brings to its assessment: its
    case rates (0-1), the owners' mean rating and the panel's mean sheet total (0-100)."""

    cases: int = 0
    case_rates: Mapping[str, float | None] = field(default_factory=dict)
    owners: float | None = None
    owner_ratings: int = 0
    experts: float | None = None
    expert_sheets: int = 0


@dataclass(frozen=True)
class Verdict:
    """An assessed unit's published standing."""

    rated: bool
    score: float | None
    stars: str
    rank: int | None
    red: bool
    black: bool


def lacks_data(parts: UnitParts, rule: Mapping[str, Any]) -> bool:
    """不参评: fewer cases, score sheets or owners' answers than `assessment.not_rated` asks."""
    return (parts.cases < int(rule.get("min_cases", 0))
            or parts.expert_sheets < int(rule.get("min_expert_sheets", 0))
            or parts.owner_ratings < int(rule.get("min_owner_ratings", 0)))


def case_score(parts: UnitParts, weights: Mapping[str, float],
               least: int = 1) -> float | None:
    """The case figures as one 0-100 score (`assessment.case_weights`); None with fewer
    cases than `least` (`assessment.min_cases_counted`)."""
    return composite_score(parts.case_rates, weights) if parts.cases >= max(least, 1) else None


def unit_score(parts: UnitParts, assessment: Mapping[str, Any]) -> float | None:
    """The unit's 0-100 score: the parts weighed by `assessment.weights`; a part without
    data is left out and the others re-weighed."""
    cases = case_score(parts, assessment.get("case_weights") or {},
                       int(assessment.get("min_cases_counted", 1)))
    shares = {
        "cases": None if cases is None else cases / 100,
        "owners": None if parts.owners is None else parts.owners / 100,
        "experts": None if parts.experts is None else parts.experts / 100,
    }
    return composite_score(shares, assessment.get("weights") or {})


def judge(scores: Mapping[str, float | None], settings: Mapping[str, Any]) -> dict[str, Verdict]:
    """Rank, stars, red and black lists of the units of one assessment. A score of None is
    不参评: no rank, no stars, on neither list."""
    rounded = {key: None if s is None else round(s, 2) for key, s in scores.items()}
    ranked = rank(rounded.items())
    red = settings.get("red_list") or {}
    reds = set(red_list(ranked, int(red.get("top", 9)), float(red.get("min_score", 80))))
    blacks = set(black_list(ranked, float((settings.get("black_list") or {}).get("below", 60))))
    bands = settings.get("stars") or {}
    return {
        r.key: Verdict(
            rated=r.score is not None, score=r.score,
            stars=NOT_RATED if r.score is None else star_band(r.score, bands),
            rank=r.rank, red=r.key in reds, black=r.key in blacks,
        )
        for r in ranked
    }


def _mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def credit_grade(
    history: Sequence[Sequence[tuple[float | None, bool]]], rule: Mapping[str, Any]
) -> tuple[str, dict[str, Any]]:
    """A company's credit grade from its teams' results in its last published assessments,
    newest first: one list of (score or None, on the black list) per assessment.
    The first grade of `credit_grades.grades` whose floors the company meets."""
    window = [teams for teams in history[: int(rule.get("window", 4))]]
    rated = [[s for s, _ in teams if s is not None] for teams in window]
    counted = sum(1 for scores in rated if scores)
    mean = _mean(s for scores in rated for s in scores)
    blacks = sum(1 for teams in window for _, black in teams if black)
    basis = {"assessments": counted, "mean_score": None if mean is None else round(mean, 2),
             "black": blacks}
    if mean is None or counted < int(rule.get("min_assessments", 1)):
        return NOT_RATED, basis
    for grade, floors in (rule.get("grades") or {}).items():
        if mean >= float(floors.get("min_score", 0)) and (
                "max_black" not in floors or blacks <= int(floors["max_black"])):
            return str(grade), basis
    return NOT_RATED, basis


def complex_stars(
    history: Sequence[tuple[float | None, float | None]], rule: Mapping[str, Any]
) -> str:
    """星级小区: a complex's stars from its last published results, newest first, each
    (score or None when not rated, owners' mean rating or None)."""
    window = [(s, o) for s, o in history[: int(rule.get("window", 4))] if s is not None]
    if not window:
        return NOT_RATED
    score = _mean(s for s, _ in window)
    owners = _mean(o for _, o in window if o is not None)
    for band in ("five", "four", "three"):
        floors = (rule.get("bands") or {}).get(band)
        if floors is None:
            continue
        if len(window) < int(floors.get("min_assessments", 1)):
            continue
        if score is None or score < float(floors.get("min_score", 0)):
            continue
        if "min_owners" in floors and (owners is None or owners < float(floors["min_owners"])):
            continue
        return band
    return UNRATED
