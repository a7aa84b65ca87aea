"""Condition grammar: combinators, field tests, operators, dotted fields and explanations."""

from __future__ import annotations

import pytest

from caseflow.domain.conditions import compile_condition, is_unconditional, make_check

FACTS = {
    "category": "falling_tiles",
    "category_family": ("falling_tiles", "facade"),
    "priority": "critical",
    "text": "3栋外墙瓷砖脱落，差点砸到老人",
    "tags": ["safety_hazard", "repeat"],
    "repeat_count": 3,
    "reporter": {"elderly": True, "age": 78, "name": "张阿姨"},
    "place": {"kind": "building", "code": "LS-3", "attrs": {"old_complex": True, "floors": 18}},
    "channel": None,
}


def check(spec: object, facts: dict | None = None) -> bool:
    return compile_condition(spec)(FACTS if facts is None else facts)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"category": "falling_tiles"}, True),
        ({"category": "noise"}, False),
        ({"category": ["noise", "falling_tiles"]}, True),  # a list means `in`
        ({"priority": {"eq": "critical"}}, True),
        ({"priority": {"ne": "critical"}}, False),
        ({"priority": {"ne": "normal"}}, True),
        ({"repeat_count": {"ge": 3}}, True),
        ({"repeat_count": {"gt": 3}}, False),
        ({"repeat_count": {"lt": 4, "ge": 2}}, True),  # several operators: all of them
        ({"repeat_count": {"le": 2}}, False),
        ({"category": {"in": ["facade", "falling_tiles"]}}, True),
        ({"category": {"not_in": ["facade", "falling_tiles"]}}, False),
        ({"tags": {"in": ["safety_hazard", "x"]}}, True),  # a list fact: any element
        ({"tags": {"not_in": ["x", "y"]}}, True),
        ({"tags": {"contains": "repeat"}}, True),  # list membership
        ({"category_family": {"contains": "facade"}}, True),
        ({"text": {"contains": "瓷砖"}}, True),  # substring
        ({"text": {"contains": "漏水"}}, False),
        ({"text": {"matches": r"\d栋"}}, True),
        ({"text": {"matches": r"^外墙"}}, False),
        ({"text": {"any_word": ["坠落", "脱落", "起火"]}}, True),
        ({"text": {"any_word": ["漏水", "停电"]}}, False),
        ({"reporter.elderly": True}, True),
        ({"reporter.age": {"ge": 70}}, True),
        ({"place.attrs.old_complex": True}, True),
        ({"place.attrs.floors": {"gt": 10, "lt": 20}}, True),
        ({"place.attrs.lift": {"exists": True}}, False),
        ({"place.attrs.lift": {"exists": False}}, True),
        ({"channel": {"exists": True}}, False),  # null counts as absent
        ({"channel": None}, True),
        ({"missing_field": None}, True),  # a missing field reads as null
        ({"reporter.name.first": "张"}, False),  # walking through a string: missing
    ],
)
def test_field_tests(spec: dict, expected: bool) -> None:
    assert check(spec) is expected


def test_combinators_and_implicit_all() -> None:
    assert check({"all": [{"category": "falling_tiles"}, {"reporter.elderly": True}]})
    assert not check({"all": [{"category": "falling_tiles"}, {"reporter.elderly": False}]})
    assert check({"any": [{"category": "noise"}, {"repeat_count": {"ge": 3}}]})
    assert not check({"any": [{"category": "noise"}, {"repeat_count": {"ge": 9}}]})
    assert check({"not": {"category": "noise"}})
    assert not check({"category": "falling_tiles", "priority": "normal"})
    assert check({"category": "falling_tiles", "priority": "critical"})
    nested = {"any": [{"not": {"all": [{"tags": {"contains": "x"}}]}}, {"category": "noise"}]}
    assert check(nested)


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5])
def test_unrolled_combinators_agree_with_generic(size: int) -> None:
    parts = [{"repeat_count": {"ge": i % 4}} for i in range(size)]
    assert check({"all": parts}) is True
    assert check({"all": [*parts, {"repeat_count": {"ge": 99}}]}) is False
    misses = [{"repeat_count": {"ge": 90 + i}} for i in range(size)]
    assert check({"any": misses}) is False
    assert check({"any": [*misses, {"repeat_count": 3}]}) is True


def test_ordering_tests_never_raise_on_mismatched_types() -> None:
    facts = {"n": "abc", "b": True, "none": None}
    assert not check({"n": {"gt": 3}}, facts)
    assert not check({"b": {"ge": 0}}, facts)  # booleans are not numbers here
    assert not check({"none": {"lt": 1}}, facts)
    assert not check({"absent": {"lt": 1}}, facts)
    assert check({"n": {"ge": "abb"}}, facts)  # strings order among themselves


def test_in_with_unhashable_values_does_not_crash() -> None:
    assert check({"x": {"in": [[1], 2]}}, {"x": 2})
    assert not check({"x": {"in": ["a"]}}, {"x": {"not": "hashable"}})


def test_any_word_on_chinese_text() -> None:
    cond = compile_condition({"text": {"any_word": ["起火", "着火", "燃气泄漏", "a.b"]}})
    assert cond({"text": "楼道里着火了！"})
    assert cond({"text": "闻到燃气泄漏的味道"})
    assert not cond({"text": "火车太吵"})  # words, not single characters
    assert not cond({"text": "axb"})  # words are literal, not regexes
    assert cond({"text": "a.b"})
    assert not cond({"text": None})
    assert not cond({})


def test_regex_is_compiled_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import re2  # rule regexes are RE2's (linear time), not Python's

    calls = []
    real = re2.compile
    monkeypatch.setattr(re2, "compile", lambda *a, **k: calls.append(a) or real(*a, **k))
    cond = compile_condition({"text": {"matches": r"(瓷砖|外墙).*(脱落|掉)"}})
    compiled = len(calls)
    for _ in range(50):
        assert cond({"text": "外墙瓷砖脱落"})
    assert len(calls) == compiled == 1


def test_unconditional_forms() -> None:
    for spec in (None, {}, {"all": []}, {"all": [{}, {"all": []}]}):
        assert is_unconditional(spec)
        cond = compile_condition(spec)
        assert cond.always and cond({}) and cond.explain({}) == (True, "always")
    assert not is_unconditional({"any": []})
    assert not compile_condition({"any": []})({})
    assert not is_unconditional({"category": "x"})


def test_explain_says_why() -> None:
    cond = compile_condition(
        {"any": [{"reporter.elderly": True}, {"reporter.disabled": True}]}
    )
    ok, why = cond.explain({"reporter": {"disabled": True}})
    assert ok and why == "reporter.disabled=True eq True"
    ok, why = cond.explain({"reporter": {}})
    assert not ok
    assert why.startswith("none of: reporter.elderly=missing fails eq True")

    cond = compile_condition({"all": [{"category": "noise"}, {"repeat_count": {"ge": 3}}]})
    assert cond.explain({"category": "noise", "repeat_count": 1}) == (
        False, "repeat_count=1 fails ge 3")
    ok, why = cond.explain({"category": "noise", "repeat_count": 5})
    assert ok and why == "category='noise' eq 'noise' and repeat_count=5 ge 3"

    ok, why = compile_condition({"not": {"category": "noise"}}).explain({"category": "x"})
    assert ok and why == "not (category='x' fails eq 'noise')"


def test_explain_agrees_with_test() -> None:
    specs = [
        {"text": {"any_word": ["脱落"]}, "priority": {"in": ["urgent", "critical"]}},
        {"any": [{"place.attrs.old_complex": True}, {"repeat_count": {"gt": 5}}]},
        {"not": {"tags": {"contains": "repeat"}}},
    ]
    for spec in specs:
        cond = compile_condition(spec)
        for facts in (FACTS, {}, {"text": "脱落", "priority": "normal"}):
            assert cond.explain(facts)[0] is cond(facts)


def test_long_operands_are_shortened_in_reasons() -> None:
    words = [f"词{i}" for i in range(40)]
    _, why = compile_condition({"text": {"any_word": words}}).explain({"text": "无关"})
    assert why.endswith("...") and len(why) < 120


def test_unknown_operator_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown operator"):
        make_check("like", "x")
