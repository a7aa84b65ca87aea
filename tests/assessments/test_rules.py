"""ratings.yaml's accountability sections are checked with file and line."""

from __future__ import annotations

from caseflow.rules import check_rules
from caseflow.rules.loader import read_directory
from tests.conftest import RULES_DIR


def _issues(old: str, new: str) -> list[str]:
    files = read_directory(RULES_DIR)
    assert old in files["ratings.yaml"]
    files["ratings.yaml"] = files["ratings.yaml"].replace(old, new)
    return [str(issue) for issue in check_rules(files)]


def _line(text: str) -> int:
    lines = read_directory(RULES_DIR)["ratings.yaml"].splitlines()
    return next(n for n, line in enumerate(lines, start=1) if text in line)


def test_the_shipped_rules_pass():
    assert check_rules(RULES_DIR) == []


def test_a_sheet_that_does_not_add_up_to_a_hundred():
    issues = _issues("    records: 10 ", "    records: 12 ")
    assert issues == [f"ratings.yaml:{_line('  expert_sheet:') + 1}: expert_sheet items must "
                      "add up to 100, not 102"]


def test_grades_out_of_order_and_unknown_weights():
    issues = _issues("    AA: {min_score: 85", "    AA: {min_score: 95")
    assert issues == [f"ratings.yaml:{_line('    AA:')}: credit grades go from the highest to "
                      "the lowest min_score"]
    issues = _issues("    experts: 0.4 ", "    panel: 0.4 ")
    assert len(issues) == 1 and "unknown assessment.weights entry 'panel'" in issues[0]
    assert issues[0].startswith(f"ratings.yaml:{_line('    experts: 0.4')}:")


def test_every_code_needs_its_two_names():
    issues = _issues("  maintenance: [维修养护, Maintenance]\n", "")
    assert issues and "names has no [中文, English] for 'maintenance'" in issues[0]
    issues = _issues("    base: [property_fee]", "    base: [rent]")
    assert "unknown income category 'rent'" in issues[0]
