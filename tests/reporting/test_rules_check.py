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
