"""The generated fast path agrees with the reference checks that `explain` runs."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseflow.domain.conditions import compile_condition
from caseflow.domain.predicates import first_match
from caseflow.domain.routing import Router, RoutingRule

FIELDS = ("category", "tags", "repeat_count", "reporter.age", "place.attrs.floors")
# Values of every kind a fact may hold, including the awkward ones: bools among numbers,
# unhashable members, nested mappings, strings where numbers are expected, None.
POOL = [None, True, False, 0, 1, 3, 0.5, 3.0, "noise", "起火", "a.b", "漏水了"]
INTERESTING = [*POOL, [], ["noise", 3], ("起火", 1), [[1]], {"age": 3}, {"floors": 1}]
SCALARS = st.sampled_from(POOL)
OPERANDS = {
    "eq": SCALARS, "ne": SCALARS, "lt": SCALARS, "le": SCALARS, "gt": SCALARS, "ge": SCALARS,
    "in": st.lists(st.one_of(SCALARS, st.lists(SCALARS, max_size=1)), max_size=3),
    "not_in": st.lists(SCALARS, max_size=3),
    "contains": SCALARS,
    "matches": st.sampled_from(["^no", "起火|漏水", r"\d"]),
    "exists": st.booleans(),
    "any_word": st.lists(st.sampled_from(["起火", "漏水", "a.b", ""]), max_size=3),
}


def _facts() -> list[dict[str, Any]]:
    """Every interesting value in every field (and at every step of the dotted ones)."""
    out: list[dict[str, Any]] = [{}]
    for value in INTERESTING:
        out += [{"category": value}, {"tags": value}, {"repeat_count": value},
                {"reporter": value}, {"reporter": {"age": value}}, {"place": value},
                {"place": {"attrs": value}}, {"place": {"attrs": {"floors": value}}}]
    out.append({"category": "noise", "tags": ["起火"], "repeat_count": 3,
                "reporter": {"age": 3.0}, "place": {"attrs": {"floors": 1}}})
    return out


FACTS = _facts()


def _field_test() -> st.SearchStrategy[dict[str, Any]]:
    ops = st.dictionaries(st.sampled_from(sorted(OPERANDS)), st.just(None), min_size=1,
                          max_size=3).flatmap(
        lambda keys: st.fixed_dictionaries({op: OPERANDS[op] for op in keys}))
    test = st.one_of(SCALARS, st.lists(SCALARS, max_size=3), ops)
    return st.builds(lambda field, t: {field: t}, st.sampled_from(FIELDS), test)


SPECS = st.recursive(
    _field_test(),
    lambda inner: st.one_of(
        st.builds(lambda cs: {"all": cs}, st.lists(inner, max_size=3)),
        st.builds(lambda cs: {"any": cs}, st.lists(inner, max_size=3)),
        st.builds(lambda c: {"not": c}, inner),
    ),
    max_leaves=6,
)


LIST_OPERANDS = [[], ["noise"], ["noise", 3, None], [True, 0.5], [[1], "起火"], ["起火", "a.b", ""]]
SINGLE_TESTS = [
    (op, operand)
    for op in sorted(OPERANDS)
    for operand in (
        LIST_OPERANDS if op in ("in", "not_in", "any_word")
        else ["^no", "起火|漏水", r"\d", "."] if op == "matches" else POOL
    )
]


def test_every_operator_on_every_kind_of_value_agrees_with_explain() -> None:
    for field in FIELDS:
        for op, operand in SINGLE_TESTS:
            cond = compile_condition({field: {op: operand}})
            for one in FACTS:
                assert cond(one) is cond.explain(one)[0], (field, op, operand, one)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(SPECS)
def test_generated_test_agrees_with_explain(spec: dict[str, Any]) -> None:
    cond = compile_condition(spec)
    assert cond.generated
    for one in FACTS:
        assert cond(one) is cond.explain(one)[0], (spec, one)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(SPECS, min_size=1, max_size=5))
def test_one_function_per_table_picks_the_first_match(specs: list[Any]) -> None:
    conditions = [compile_condition(s) for s in specs]
    first = first_match(specs)
    for one in FACTS:
        expected = next((i for i, c in enumerate(conditions) if c.explain(one)[0]), -1)
        assert first(one) == expected


def _nested(depth: int) -> dict[str, Any]:
    spec: dict[str, Any] = {"repeat_count": {"ge": 3}}
    for _ in range(depth):
        spec = {"not": {"not": spec}}
    return spec


def test_conditions_too_deep_to_generate_still_work() -> None:
    deep = compile_condition(_nested(300))
    assert not deep.generated  # Python's parser refuses it; the traced path decides
    assert deep({"repeat_count": 4}) and not deep({"repeat_count": 1})
    router = Router([RoutingRule("deep", deep, "street"),
                     RoutingRule("rest", compile_condition(None), "property")], {}, "property")
    assert router.route({"repeat_count": 4}).rule_id == "deep"
    assert router.route({"repeat_count": 0}).rule_id == "rest"


def test_field_names_and_operands_never_reach_the_source() -> None:
    hostile = "x'):\n    import os  #"
    cond = compile_condition({f"reporter.{hostile}": {"eq": hostile, "in": [hostile]}})
    assert cond({"reporter": {hostile: hostile}})
    assert not cond({"reporter": {"x": hostile}})
