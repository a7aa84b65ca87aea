"""Hostile rules files: an alias bomb, a catastrophic regex, bytes that are not UTF-8.

Each is refused (or run in linear time) well under a second, with `file:line`, by
`check_rules`, by `rules check` and through `POST /api/v1/rules/explain`.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from caseflow.rules import check_rules
from caseflow.rules.loader import MAX_ALIASES, parse_yaml, read_directory
from tests.conftest import RULES_DIR

FAST = 1.0


def bomb(levels: int = 9) -> str:
    """The "billion laughs": each level lists the previous one nine times (~300 bytes)."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        previous, current = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{current}: &{current} [" + ",".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def shipped() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(RULES_DIR.glob("*.yaml"))}


def timed(action):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - started
    assert elapsed < FAST, f"took {elapsed:.2f} s"
    return result


@pytest.mark.parametrize("levels", [9, 10, 12])
def test_an_alias_bomb_is_refused_fast_at_a_line(levels: int) -> None:
    text = bomb(levels)
    assert len(text) < 500
    data, issues = timed(lambda: parse_yaml("ranking.yaml", text))
    assert data is None
    [issue] = issues
    assert issue.file == "ranking.yaml" and issue.line >= 1
    assert "refused" in issue.message


def test_too_many_aliases_are_refused_even_when_they_expand_little() -> None:
    text = "a: &a 1\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n"
    _, [issue] = timed(lambda: parse_yaml("ranking.yaml", text))
    assert f"more than {MAX_ALIASES} aliases" in issue.message and issue.line == 2


def test_a_few_aliases_are_still_fine() -> None:
    data, issues = parse_yaml("x.yaml", "base: &b {a: 1}\nother: *b\n")
    assert issues == [] and data["other"] == {"a": 1}


def test_check_rules_refuses_a_bomb_among_the_shipped_files() -> None:
    files = shipped() | {"ranking.yaml": bomb(10)}
    issues = timed(lambda: check_rules(files))
    assert [(i.file, "refused" in i.message) for i in issues] == [("ranking.yaml", True)]


def test_a_catastrophic_regex_runs_in_linear_time() -> None:
    from caseflow.domain.operators import make_check

    check = make_check("matches", "(a+)+b")
    assert timed(lambda: check("a" * 5000)) is False
    assert check("aaab") is True


def test_a_regex_re2_cannot_run_is_refused_at_its_line() -> None:
    files = shipped()
    files["routing.yaml"] = files["routing.yaml"].replace(
        "      repeat_count: {ge: 3}", "      text: {matches: '(a)\\1'}", 1)
    issues = timed(lambda: check_rules(files))
    at = files["routing.yaml"].splitlines().index("      text: {matches: '(a)\\1'}") + 1
    assert [(i.file, i.line) for i in issues] == [("routing.yaml", at)]
    assert "bad regular expression" in issues[0].message


def test_a_file_that_is_not_utf8_is_file_line_not_a_traceback(tmp_path: Path) -> None:
    for path in RULES_DIR.glob("*.yaml"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "ranking.yaml").write_bytes(b"# ok\nname: \xff\xfe\n")
    issues = timed(lambda: check_rules(tmp_path))
    assert [str(i) for i in issues] == ["ranking.yaml:2: not UTF-8 (save the file as UTF-8)"]
    with pytest.raises(Exception, match="ranking.yaml:2: not UTF-8"):
        read_directory(tmp_path)


def test_yaml_nested_thousands_deep_is_refused_not_a_traceback() -> None:
    data, [issue] = timed(lambda: parse_yaml("ranking.yaml", "a: " + "[" * 5000 + "]" * 5000))
    assert data is None and "nested too deeply" in issue.message
