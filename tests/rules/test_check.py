"""check_rules on broken copies of the shipped set: every issue, with the right file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseflow.domain.errors import RulesInvalid
from caseflow.rules import RuleIssue, check_rules, load_rules, load_rules_from_texts

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"


def shipped() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in RULES_DIR.glob("*.yaml")}


def line(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing needle ("x$": the line ends with x)."""
    if needle.endswith("$"):
        hits = [i for i, row in enumerate(text.splitlines(), 1) if row.endswith(needle[:-1])]
    else:
        hits = [i for i, row in enumerate(text.splitlines(), 1) if needle in row]
    assert len(hits) >= occurrence, f"{needle!r} not found"
    return hits[occurrence - 1]


def edit(files: dict[str, str], name: str, old: str, new: str) -> None:
    assert old in files[name], f"{old!r} not in {name}"
    files[name] = files[name].replace(old, new, 1)


def write(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def found(issues: list[RuleIssue], file: str, at: int, fragment: str) -> bool:
    return any(i.file == file and i.line == at and fragment in i.message for i in issues)


def test_every_error_is_reported_in_one_run(tmp_path: Path) -> None:
    files = shipped()
    # routing.yaml: an unknown layer, a wrong type, and a catch-all that hides later rules.
    edit(files, "routing.yaml", "      start_layer: street\n      priority: critical\n"
         "      green_channel: true\n      tags: [safety_hazard]\n",
         "      start_layer: stret\n      priority: critical\n"
         "      green_channel: true\n      tags: [safety_hazard]\n")
    edit(files, "routing.yaml", "      green_channel: true\n      tags: [green_channel]",
         "      green_channel: maybe\n      tags: [green_channel]")
    edit(files, "routing.yaml", "  - id: repeat_complaint\n",
         "  - id: early_catch_all\n    then: {start_layer: community}\n\n"
         "  - id: repeat_complaint\n")
    # deadlines.yaml: a bad duration.
    edit(files, "deadlines.yaml", "accept: 4 working hours", "accept: 4 wrking hours")
    # categories.yaml: a duplicate id.
    edit(files, "categories.yaml", "      - id: pets\n", "      - id: parking\n")
    # layers.yaml: an unknown key.
    edit(files, "layers.yaml", "    unit_kind: community\n",
         "    unit_kind: community\n    colour: red\n")
    # escalation.yaml: YAML syntax error.
    edit(files, "escalation.yaml", "  resolve: escalate\n", "  resolve: [escalate\n")

    issues = check_rules(write(tmp_path, files))
    r, d, c, la, e = (files[n] for n in ("routing.yaml", "deadlines.yaml", "categories.yaml",
                                         "layers.yaml", "escalation.yaml"))
    expected = [
        ("routing.yaml", line(r, "start_layer: stret"), "unknown layer 'stret'"),
        ("routing.yaml", line(r, "green_channel: maybe"), "must be true or false"),
        ("routing.yaml", line(r, "- id: repeat_complaint"),
         f"unreachable: rule 'early_catch_all' at line {line(r, '- id: early_catch_all')} "
         "always matches first"),
        ("routing.yaml", line(r, "- id: leak_words"), "unreachable: rule 'early_catch_all'"),
        ("routing.yaml", line(r, "- id: default"), "unreachable: rule 'early_catch_all'"),
        ("deadlines.yaml", line(d, "4 wrking hours"), "bad duration"),
        ("categories.yaml", line(c, "- id: parking$", 2),
         f"duplicate category id 'parking' (first at line {line(c, '- id: parking$')})"),
        ("layers.yaml", line(la, "colour: red"), "unknown key 'colour'"),
        ("escalation.yaml", line(e, "  respond: warn_only"),
         f"YAML syntax error: expected ',' or ']', but got ':' (while parsing a flow sequence "
         f"at line {line(e, 'resolve: [escalate')})"),
    ]
    missing = [x for x in expected if not found(issues, *x)]
    assert not missing, f"missing {missing} in {[str(i) for i in issues]}"
    assert len(issues) == len(expected), [str(i) for i in issues]
    order = ["layers.yaml", "categories.yaml", "routing.yaml", "deadlines.yaml", "escalation.yaml"]
    assert [i.file for i in issues] == sorted((i.file for i in issues), key=order.index)
    with pytest.raises(RulesInvalid) as raised:
        load_rules(tmp_path)
    assert raised.value.issues == issues
    body = raised.value.to_dict()
    assert body["code"] == "rules_invalid" and len(body["issues"]) == len(expected)
    assert set(body["issues"][0]) == {"file", "line", "message"}


def broken(name: str, old: str, new: str) -> tuple[list[RuleIssue], str]:
    files = shipped()
    edit(files, name, old, new)
    return check_rules(files), files[name]


@pytest.mark.parametrize(
    ("name", "old", "new", "needle", "fragment"),
    [
        ("routing.yaml", "category_family: {in: [falling_tiles, construction_safety]}",
         "category_family: {in: [falling_tile, construction_safety]}", "falling_tile,",
         "unknown category 'falling_tile'"),
        ("routing.yaml", "      repeat_count: {ge: 3}", "      repeat_cnt: {ge: 3}",
         "repeat_cnt", "unknown field 'repeat_cnt'"),
        ("routing.yaml", "      repeat_count: {ge: 3}", "      repeat_count: {atleast: 3}",
         "atleast", "unknown operator 'atleast'"),
        ("routing.yaml", "      repeat_count: {ge: 3}", "      text: {matches: '(unclosed'}",
         "unclosed", "bad regular expression"),
        ("routing.yaml", "      repeat_count: {ge: 3}", "      reporter.age: {exists: 3}",
         "exists: 3", "must be true or false"),
        ("routing.yaml", "      tags: [utilities]", "      tags: [utilities]\n      role: janitor",
         "janitor", "unknown role 'janitor'"),
        ("routing.yaml", "        resolve: 5 working days", "        solve: 5 working days",
         "solve: 5", "unknown clock 'solve'"),
        ("routing.yaml", "      priority: urgent\n      tags: [leak]",
         "      priority: high\n      tags: [leak]", "priority: high", "unknown priority 'high'"),
        ("routing.yaml", "  - id: leak_words", "  - id: utilities", "- id: utilities$#2",
         "duplicate rule id 'utilities'"),
        ("roles.yaml", "  warn: [system]", "  warn: [system]\n  teleport: [admin]",
         "teleport", "unknown action 'teleport'"),
        ("roles.yaml", "  warn: [system]", "  warn: [sytem]", "warn: [sytem]",
         "unknown role 'sytem'"),
        ("calendar.yaml", '  - ["13:30", "18:00"]', "  - [13:30, 18:00]", "[13:30",
         "quoted times"),
        ("calendar.yaml", "zone: Asia/Shanghai", "zone: Mars/Olympus", "zone:",
         "unknown time zone"),
        ("deadlines.yaml", "    accept: 30m\n", "    accept: 30\n", "accept: 30", "add a unit"),
        ("deadlines.yaml", "follow_up: {within: 10 working minutes, ends_on: [start]",
         "follow_up: {within: 10 working minutes, ends_on: [begin]", "ends_on: [begin]",
         "unknown action 'begin'"),
        ("deadlines.yaml",
         "follow_up: {within: 10 working minutes, ends_on: [start], calendar: property_duty}",
         "follow_up: 10m",
         "follow_up: 10m", "needs the full form"),
        ("deadlines.yaml", "warning_at: 0.8", "warning_at: 80", "warning_at",
         "between 0 and 1"),
        ("deadlines.yaml", "  city:\n", "  town:\n", "town:", "unknown layer 'town'"),
        ("deadlines.yaml", "    match: {priority: urgent}", "    match: {urgency: urgent}",
         "urgency", "unknown key 'urgency' in match"),
        ("escalation.yaml", "  accept: escalate", "  accept: explode", "accept: explode",
         "must be one of"),
        ("escalation.yaml", "    from: property\n    to: street", "    from: city\n    to: street",
         "to: street", "skip must climb"),
        ("escalation.yaml", "unsatisfied_before_escalation: 2",
         "unsatisfied_before_escalation: two", "unsatisfied_before", "must be a whole number"),
        ("escalation.yaml", "  reopen_window: 15d", "  reopen_window: fortnight",
         "reopen_window", "bad duration"),
        ("categories.yaml", "        start_layer: complex\n        nature: suggestion",
         "        start_layer: estate\n        nature: suggestion", "start_layer: estate",
         "unknown layer 'estate'"),
        ("categories.yaml", "    nature: consultation\n", "    nature: gossip\n",
         "nature: gossip", "unknown nature 'gossip'"),
        ("categories.yaml", "    name_en: Consultation\n", "    name_en: [Consultation]\n",
         "name_en: [Consultation]", "must be text"),
        ("layers.yaml", "  - id: city", "  - id: street", "id: street#2", "duplicate layer id"),
        ("layers.yaml", "    unit_kind: city\n", "", "- id: city", "missing 'unit_kind'"),
        ("meetings.yaml", "    clock: 30 days", "    clock: a month", "a month",
         "bad duration"),
        ("ratings.yaml", "red_list:", "red_list:\n  top: 1\n  top: 2\nold_list:", "top: 2",
         "duplicate key 'top'"),
    ],
)
def test_single_errors(name: str, old: str, new: str, needle: str, fragment: str) -> None:
    issues, text = broken(name, old, new)
    needle, _, nth = needle.partition("#")
    at = line(text, needle, int(nth or 1))
    assert found(issues, name, at, fragment), [str(i) for i in issues]


def test_catch_all_last_is_fine_and_when_empty_counts_as_catch_all() -> None:
    issues, text = broken("routing.yaml", "  - id: leak_words\n",
                          "  - id: anything\n    when: {}\n\n  - id: leak_words\n")
    at = line(text, "- id: anything")
    assert [i.message for i in issues] == [
        f"unreachable: rule 'anything' at line {at} always matches first "
        "(rule 'leak_words' can never match)",
        f"unreachable: rule 'anything' at line {at} always matches first "
        "(rule 'default' can never match)",
    ]
    assert broken("routing.yaml", "  - id: default\n", "  - id: default\n    when: {}\n")[0] == []


def test_yaml_syntax_error_line() -> None:
    issues, text = broken("categories.yaml", "  - id: parking\n", "  - id: parking\n   bad: [\n")
    assert len(issues) == 1
    (issue,) = issues
    assert issue.file == "categories.yaml" and "YAML syntax error" in issue.message
    assert line(text, "bad: [") <= issue.line <= line(text, "bad: [") + 2


def test_missing_unknown_and_non_mapping_files() -> None:
    files = shipped()
    del files["roles.yaml"]
    files["routings.yaml"] = "rules: []\n"
    files["voting.yaml"] = "- just\n- a list\n"
    issues = check_rules(files)
    assert RuleIssue("roles.yaml", 0, "required rules file is missing") in issues
    assert found(issues, "routings.yaml", 0, "unknown rules file")
    assert found(issues, "voting.yaml", 1, "must contain a mapping")
    assert len(issues) == 3  # no cascade from roles.yaml being absent
    with pytest.raises(RulesInvalid):
        load_rules_from_texts(files)


def test_failed_file_does_not_cascade_into_bogus_references() -> None:
    issues, _ = broken("layers.yaml", "layers:\n", "layers:\n  oops: [\n")
    assert {i.file for i in issues} == {"layers.yaml"}


def test_empty_directory_and_missing_directory(tmp_path: Path) -> None:
    issues = check_rules(tmp_path)
    assert {i.file for i in issues} == {"layers.yaml", "categories.yaml", "routing.yaml",
                                        "deadlines.yaml", "escalation.yaml", "roles.yaml",
                                        "calendar.yaml"}
    with pytest.raises(FileNotFoundError):
        check_rules(tmp_path / "nope")


def test_rules_invalid_message_names_first_issue() -> None:
    files = shipped()
    edit(files, "deadlines.yaml", "accept: 4 working hours", "accept: 4 wrking hours")
    with pytest.raises(RulesInvalid, match=r"deadlines\.yaml:\d+: .*bad duration"):
        load_rules_from_texts(files)
