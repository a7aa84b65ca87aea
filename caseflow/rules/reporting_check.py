"""Validation of ratings.yaml and ranking.yaml: weights, star floors, list thresholds."""

from __future__ import annotations

from typing import Any

from caseflow.rules.assessments_check import check_accountability
from caseflow.rules.loader import FileCheck, LDict, RuleIssue

RATING_WEIGHTS = ("on_time", "satisfaction", "reopen", "owners_evaluation")
RANKING_WEIGHTS = ("response", "resolution", "satisfaction")
LEVELS = ("satisfied", "basically_satisfied", "unsatisfied")


def check_ratings_and_ranking(
    ratings: LDict | None, ranking: LDict | None, issues: list[RuleIssue]
) -> None:
    """Add an issue, with its line, for every malformed entry of the two files."""
    if isinstance(ratings, dict):
        _check_ratings(FileCheck("ratings.yaml", issues), ratings)
    if isinstance(ranking, dict):
        fc = FileCheck("ranking.yaml", issues)
        _numbers(fc, ranking, "weights", RANKING_WEIGHTS, 0, None)
        _numbers(fc, ranking, "satisfaction_values", LEVELS, 0, 1)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _numbers(
    fc: FileCheck, data: LDict, key: str, names: tuple[str, ...], low: float, high: float | None
) -> None:
    """`key` is a mapping of known names to numbers within [low, high]."""
    if key not in data:
        return
    body = data[key]
    if not isinstance(body, dict):
        fc.issue(data.line_of(key), f"{key} must be a mapping")
        return
    for name, value in body.items():
        line = body.line_of(name) if isinstance(body, LDict) else data.line_of(key)
        if name not in names:
            fc.issue(line, f"unknown {key} entry {name!r} (expected: {', '.join(names)})")
        elif not _number(value) or value < low or (high is not None and value > high):
            bound = f"between {low} and {high}" if high is not None else f"≥ {low}"
            fc.issue(line, f"{key}.{name} must be a number {bound}")


def _check_not_rated(fc: FileCheck, data: LDict) -> None:
    """`not_rated`: a whole `min_cases` ≥ 0 and a yes/no `owners_evaluation_required`."""
    if "not_rated" not in data:
        return
    body = data["not_rated"]
    if not isinstance(body, dict):
        fc.issue(data.line_of("not_rated"), "not_rated must be a mapping")
        return
    for name, value in body.items():
        line = body.line_of(name) if isinstance(body, LDict) else data.line_of("not_rated")
        if name == "min_cases":
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                fc.issue(line, "not_rated.min_cases must be a whole number ≥ 0")
        elif name == "owners_evaluation_required":
            if not isinstance(value, bool):
                fc.issue(line, "not_rated.owners_evaluation_required must be true or false")
        else:
            fc.issue(line, f"unknown not_rated entry {name!r} "
                           "(expected: min_cases, owners_evaluation_required)")


def _check_ratings(fc: FileCheck, data: LDict) -> None:
    _numbers(fc, data, "weights", RATING_WEIGHTS, 0, None)
    _numbers(fc, data, "stars", ("five", "four", "three"), 0, 100)
    _numbers(fc, data, "red_list", ("top", "min_score", "min_owners_evaluation"), 0, None)
    _check_not_rated(fc, data)
    _numbers(fc, data, "black_list", ("below",), 0, 100)
    check_accountability(fc, data)
    owners = data.get("owners_evaluation")
    if owners is None:
        return
    if not isinstance(owners, LDict):
        fc.issue(data.line_of("owners_evaluation"), "owners_evaluation must be a mapping")
        return
    aspects = owners.get("aspects", [])
    if not isinstance(aspects, list) or not all(isinstance(a, str) for a in aspects):
        fc.issue(owners.line_of("aspects"), "aspects must be a list of names")
    scale = owners.get("scale", [0, 100])
    if not (isinstance(scale, list) and len(scale) == 2 and all(map(_number, scale))
            and scale[0] < scale[1]):
        fc.issue(owners.line_of("scale"), "scale must be [lowest, highest]")
