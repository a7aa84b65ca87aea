"""The overlap analysis' value sets: containment and disjointness it can prove, and no more."""

from __future__ import annotations

import pytest

from caseflow.domain.overlap import analyse, shape

PARENTS = {"public_facilities": None, "lighting": "public_facilities",
           "elevator_fault": "public_facilities", "noise": None}


def shadowed(first: object, second: object) -> bool:
    rules = [shape("a", 1, first, "x", PARENTS), shape("b", 2, second, "y", PARENTS)]
    return any(f.kind == "shadowed" for f in analyse(rules))


def overlapping(first: object, second: object, unique: bool = False) -> bool:
    rules = [shape("a", 1, first, "x", PARENTS), shape("b", 2, second, "y", PARENTS)]
    return any(f.kind == "overlap" for f in analyse(rules, unique=unique))


@pytest.mark.parametrize(("first", "second"), [
    ({"reporter.age": {"ge": 70}}, {"reporter.age": {"ge": 80}}),
    ({"reporter.age": {"ge": 70}}, {"reporter.age": 75}),
    ({"repeat_count": {"gt": 2}}, {"repeat_count": {"ge": 3, "le": 9}}),
    ({"priority": ["urgent", "critical"]}, {"priority": "urgent", "channel": "web"}),
    ({"channel": {"ne": "phone"}}, {"channel": {"not_in": ["phone", "wechat"]}}),
    ({"channel": {"ne": "phone"}}, {"channel": "web"}),
    ({"category_family": {"contains": "public_facilities"}}, {"category": "lighting"}),
    ({"category_family": {"in": ["public_facilities"]}},
     {"category": {"in": ["lighting", "elevator_fault"]}}),
    ({"category": {"ne": "noise"}}, {"category_family": {"contains": "public_facilities"}}),
    ({"text": {"any_word": ["停电", "停水"]}}, {"text": {"any_word": ["小区停电", "又停水了"]}}),
    ({"text": {"contains": "漏"}}, {"text": {"any_word": ["漏水", "漏电"]}}),
    ({"tags": {"contains": "vip"}}, {"tags": {"contains": "vip"}, "channel": "web"}),
    ({"channel": ["web", "app"]}, {"any": [{"channel": "web"}, {"channel": "app"}]}),
])
def test_a_later_rule_inside_an_earlier_one_is_shadowed(first: object, second: object) -> None:
    assert shadowed(first, second)


@pytest.mark.parametrize(("first", "second"), [
    ({"reporter.age": {"ge": 80}}, {"reporter.age": {"ge": 70}}),
    ({"reporter.age": {"gt": 70}}, {"reporter.age": {"ge": 70}}),
    ({"category": "lighting"}, {"category_family": {"contains": "public_facilities"}}),
    ({"text": {"any_word": ["小区停电"]}}, {"text": {"any_word": ["停电"]}}),
    ({"text": {"matches": "停.电"}}, {"text": {"any_word": ["停电"]}}),
    ({"not": {"channel": "web"}}, {"channel": "phone"}),  # true, but `not` is read as written
    ({"channel": "web", "priority": "urgent"}, {"channel": "web"}),
    ({"reporter.age": {"ge": 70, "lt": "x"}}, {"reporter.age": {"ge": 80}}),  # mixed kinds
    # Each alternative must lie inside one earlier alternative: a split `any` is not joined.
    ({"any": [{"channel": "web"}, {"channel": "app"}]}, {"channel": ["web", "app"]}),
])
def test_what_cannot_be_proven_is_not_called_shadowed(first: object, second: object) -> None:
    assert not shadowed(first, second)


def test_disjoint_rules_do_not_warn_and_partial_overlaps_on_one_field_do() -> None:
    assert not overlapping({"reporter.age": {"lt": 70}}, {"reporter.age": {"ge": 70}})
    assert not overlapping({"category": "noise"}, {"category_family": {"contains": "lighting"}})
    assert overlapping({"reporter.age": {"lt": 80}}, {"reporter.age": {"ge": 70}})
    assert overlapping({"text": {"any_word": ["漏水"]}}, {"text": {"any_word": ["漏电"]}})
    assert not overlapping({"channel": "web"}, {"priority": "urgent"})  # different fields
    assert overlapping({"channel": "web"}, {"priority": "urgent"}, unique=True)


def test_rules_with_the_same_result_never_warn() -> None:
    rules = [shape("a", 1, {"priority": "urgent"}, "x", PARENTS),
             shape("b", 2, {"priority": ["urgent", "critical"]}, "x", PARENTS)]
    assert analyse(rules) == []
