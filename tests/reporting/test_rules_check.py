"""ratings.yaml and ranking.yaml are checked with file and line like the other rules."""

from __future__ import annotations

from caseflow.rules import RuleIssue, check_rules
from tests.conftest import RULES_DIR


def shipped() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in RULES_DIR.glob("*.yaml")}


def test_the_shipped_files_pass():
    assert check_rules(shipped()) == []


def test_bad_weights_and_values_are_reported_at_their_line():
    files = shipped()
    files["ratings.yaml"] = files["ratings.yaml"].replace("  reopen: 0.1", "  reopen: lots")
    files["ranking.yaml"] = files["ranking.yaml"].replace(
        "basically_satisfied: 0.9", "basically_satisfied: 9")
    issues = check_rules(files)
    ratings_line = files["ratings.yaml"].splitlines().index(
        next(x for x in files["ratings.yaml"].splitlines() if "reopen: lots" in x)) + 1
    assert RuleIssue("ratings.yaml", ratings_line,
                     "weights.reopen must be a number ≥ 0") in issues
    assert any(i.file == "ranking.yaml" and "satisfaction_values.basically_satisfied" in i.message
               for i in issues)


def _line(text: str, fragment: str) -> int:
    return next(i for i, x in enumerate(text.splitlines(), start=1) if fragment in x)


def test_the_not_rated_threshold_and_the_owners_floor_are_checked_at_their_line():
    files = shipped()
    text = files["ratings.yaml"].replace("  min_cases: 5", "  min_cases: many").replace(
        "owners_evaluation_required: false", "owners_evaluation_required: maybe").replace(
        "  min_owners_evaluation: 60", "  min_owners_evaluation: -1")
    issues = check_rules({**files, "ratings.yaml": text})
    assert RuleIssue("ratings.yaml", _line(text, "min_cases: many"),
                     "not_rated.min_cases must be a whole number ≥ 0") in issues
    assert RuleIssue("ratings.yaml", _line(text, "owners_evaluation_required: maybe"),
                     "not_rated.owners_evaluation_required must be true or false") in issues
    assert RuleIssue("ratings.yaml", _line(text, "min_owners_evaluation: -1"),
                     "red_list.min_owners_evaluation must be a number ≥ 0") in issues
