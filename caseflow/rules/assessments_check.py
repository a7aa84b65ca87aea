"""Validation of the accountability sections of ratings.yaml: `assessment`, `credit_grades`,
`complex_stars`, `accounts` and `names` (every error with its line)."""

from __future__ import annotations

from typing import Any

from caseflow.rules.loader import FileCheck, LDict

PARTS = ("cases", "owners", "experts")
CASE_PARTS = ("on_time", "response", "satisfaction", "reopen")
NOT_RATED = ("min_cases", "min_expert_sheets", "min_owner_ratings")
GRADE_FLOORS = ("min_score", "max_black")
STAR_FLOORS = ("min_score", "min_owners", "min_assessments")
STAR_BANDS = ("five", "four", "three")


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _section(fc: FileCheck, data: LDict, key: str) -> LDict | None:
    if key not in data:
        return None
    return fc.mapping(data[key], data.line_of(key), key)


def _numbers(fc: FileCheck, body: Any, line: int, what: str, names: tuple[str, ...],
             whole: bool = False, high: float | None = None) -> dict[str, float]:
    """A mapping of known names to numbers ≥ 0 (whole numbers when `whole`)."""
    body = fc.mapping(body, line, what)
    if body is None:
        return {}
    out: dict[str, float] = {}
    for name, value in body.items():
        at = body.line_of(name)
        if name not in names:
            fc.issue(at, f"unknown {what} entry {name!r} (expected: {', '.join(names)})")
        elif not (_whole(value) if whole else _number(value) and value >= 0) or (
                high is not None and value > high):
            kind = "a whole number ≥ 0" if whole else "a number ≥ 0"
            fc.issue(at, f"{what}.{name} must be {kind}"
                         + (f" and at most {high:g}" if high is not None else ""))
        else:
            out[name] = value
    return out


def _assessment(fc: FileCheck, data: LDict) -> list[str]:
    """The `assessment` section; returns the score sheet's item names."""
    body = _section(fc, data, "assessment")
    if body is None:
        return []
    fc.keys(body, ("weights", "case_weights", "min_cases_counted", "not_rated", "expert_sheet"),
            ("weights",), "assessment")
    if "min_cases_counted" in body and not _whole(body["min_cases_counted"]):
        fc.issue(body.line_of("min_cases_counted"),
                 "assessment.min_cases_counted must be a whole number ≥ 0")
    if "weights" in body and not any(_numbers(
            fc, body["weights"], body.line_of("weights"), "assessment.weights", PARTS).values()):
        fc.issue(body.line_of("weights"), "assessment.weights needs a weight above 0")
    if "case_weights" in body:
        _numbers(fc, body["case_weights"], body.line_of("case_weights"),
                 "assessment.case_weights", CASE_PARTS)
    if "not_rated" in body:
        _numbers(fc, body["not_rated"], body.line_of("not_rated"), "assessment.not_rated",
                 NOT_RATED, whole=True)
    if "expert_sheet" not in body:
        return []
    sheet = fc.mapping(body["expert_sheet"], body.line_of("expert_sheet"),
                       "assessment.expert_sheet")
    if sheet is None:
        return []
    for item, points in sheet.items():
        if not (_number(points) and points > 0):
            fc.issue(sheet.line_of(item), f"expert_sheet.{item} must be a number of points > 0")
    if all(_number(p) for p in sheet.values()) and abs(sum(sheet.values()) - 100) > 1e-9:
        fc.issue(sheet.line, f"expert_sheet items must add up to 100, not {sum(sheet.values()):g}")
    return list(sheet)


def _credit_grades(fc: FileCheck, data: LDict) -> None:
    body = _section(fc, data, "credit_grades")
    if body is None:
        return
    fc.keys(body, ("window", "min_assessments", "grades"), ("grades",), "credit_grades")
    for key in ("window", "min_assessments"):
        if key in body and not (_whole(body[key]) and body[key] >= 1):
            fc.issue(body.line_of(key), f"credit_grades.{key} must be a whole number ≥ 1")
    grades = fc.mapping(body.get("grades"), body.line_of("grades"), "credit_grades.grades")
    previous = None
    for grade, floors in (grades or {}).items():
        at = grades.line_of(grade)  # type: ignore[union-attr]
        found = _numbers(fc, floors, at, f"credit_grades.grades.{grade}", GRADE_FLOORS,
                         high=None)
        if "min_score" not in found:
            fc.issue(at, f"credit grade {grade!r} needs a min_score")
            continue
        if previous is not None and found["min_score"] > previous:
            fc.issue(at, "credit grades go from the highest to the lowest min_score")
        previous = found["min_score"]


def _complex_stars(fc: FileCheck, data: LDict) -> None:
    body = _section(fc, data, "complex_stars")
    if body is None:
        return
    fc.keys(body, ("window", "bands"), ("bands",), "complex_stars")
    if "window" in body and not (_whole(body["window"]) and body["window"] >= 1):
        fc.issue(body.line_of("window"), "complex_stars.window must be a whole number ≥ 1")
    bands = fc.mapping(body.get("bands"), body.line_of("bands"), "complex_stars.bands")
    for band, floors in (bands or {}).items():
        at = bands.line_of(band)  # type: ignore[union-attr]
        if band not in STAR_BANDS:
            fc.issue(at, f"unknown star band {band!r} (expected: {', '.join(STAR_BANDS)})")
        _numbers(fc, floors, at, f"complex_stars.bands.{band}", STAR_FLOORS)


def _accounts(fc: FileCheck, data: LDict) -> list[str]:
    """The `accounts` section; returns every category it names."""
    body = _section(fc, data, "accounts")
    if body is None:
        return []
    fc.keys(body, ("income", "expense", "remuneration"), ("income", "expense"), "accounts")
    categories: dict[str, list[str]] = {}
    for kind in ("income", "expense"):
        names = []
        for line, item in fc.items(body.get(kind, []), body.line_of(kind), f"accounts.{kind}"):
            if fc.ident(item, line, f"accounts.{kind} category"):
                names.append(item)
        categories[kind] = names
    if "remuneration" in body:
        pay = fc.mapping(body["remuneration"], body.line_of("remuneration"),
                         "accounts.remuneration")
        if pay is not None:
            fc.keys(pay, ("category", "base"), ("category", "base"), "accounts.remuneration")
            if "category" in pay:
                fc.ref(pay["category"], categories["expense"], pay.line_of("category"),
                       "expense category")
            if "base" in pay:
                fc.names(pay, "base", categories["income"], "income category")
    return categories["income"] + categories["expense"]


def check_accountability(fc: FileCheck, data: LDict) -> None:
    """Every accountability section, and a [中文, English] name for each code it uses."""
    used = _assessment(fc, data) + _accounts(fc, data)
    owners = data.get("owners_evaluation")
    if isinstance(owners, dict) and isinstance(owners.get("aspects"), list):
        used += [a for a in owners["aspects"] if isinstance(a, str)]
    _credit_grades(fc, data)
    _complex_stars(fc, data)
    names = _section(fc, data, "names") if "names" in data else None
    if names is None:
        return
    for key, pair in names.items():
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) and p
                                                                  for p in pair)):
            fc.issue(names.line_of(key), f"names.{key} must be [中文, English]")
    for key in dict.fromkeys(used):
        if key not in names:
            fc.issue(names.line, f"names has no [中文, English] for {key!r}")
