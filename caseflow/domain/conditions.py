"""Declarative conditions compiled once into plain Python predicates (never `eval`).

Grammar (as written in YAML)::

    {all: [c, ...]}   {any: [c, ...]}   {not: c}
    {<dotted.field>: <test>}            several keys in one mapping = all of them
    test := scalar (equality) | [v, ...] (same as {in: [...]})
          | {eq|ne|lt|le|gt|ge: v, in|not_in: [..], contains: v, matches: regex,
             exists: bool, any_word: [..]}  several operators = all of them

The rules loader validates operators and fields with line numbers; `compile_condition`
assumes valid input.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Predicate = Callable[[Mapping[str, Any]], bool]
Explainer = Callable[[Mapping[str, Any]], tuple[bool, str]]

COMBINATORS = frozenset({"all", "any", "not"})
OPERATORS = frozenset(
    {"eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "contains", "matches", "exists",
     "any_word"}
)
_MISSING: Any = object()


def _always(_facts: Mapping[str, Any]) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class Condition:
    """A compiled condition: `test(facts)` is the fast path, `explain(facts)` the traced one."""

    test: Predicate
    explainer: Explainer
    always: bool
    source: Any

    def __call__(self, facts: Mapping[str, Any]) -> bool:
        """Evaluate against facts."""
        return self.test(facts)

    def explain(self, facts: Mapping[str, Any]) -> tuple[bool, str]:
        """Evaluate and say why, in one line fit for a trace."""
        return self.explainer(facts)


def is_unconditional(spec: Any) -> bool:
    """True when a `when` always matches: absent, `{}`, or `{all: []}`."""
    if spec is None or spec == {}:
        return True
    if isinstance(spec, Mapping) and len(spec) == 1 and "all" in spec:
        parts = spec["all"] or []
        return all(is_unconditional(p) for p in parts)
    return False


def compile_condition(spec: Any) -> Condition:
    """Compile a condition spec (None or `{}` means always true)."""
    if is_unconditional(spec):
        return Condition(_always, lambda _f: (True, "always"), True, spec)
    test, explainer = _compile(spec)
    return Condition(test, explainer, False, spec)


def _compile(spec: Mapping[str, Any]) -> tuple[Predicate, Explainer]:
    parts = []
    for key, value in spec.items():
        if key == "all":
            parts.append(_all([_compile(c) for c in value]))
        elif key == "any":
            parts.append(_any([_compile(c) for c in value]))
        elif key == "not":
            parts.append(_not(_compile(value)))
        else:
            parts.append(_field(key, value))
    return parts[0] if len(parts) == 1 else _all(parts)


def _chain(tests: list[Predicate], conjunction: bool) -> Predicate:
    """and/or over predicates, unrolled for up to three (a generator costs ~3x a plain `and`)."""
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        a, b = tests
        return (lambda f: a(f) and b(f)) if conjunction else (lambda f: a(f) or b(f))
    if len(tests) == 3:
        a, b, c = tests
        if conjunction:
            return lambda f: a(f) and b(f) and c(f)
        return lambda f: a(f) or b(f) or c(f)
    if conjunction:
        return (lambda f: all(t(f) for t in tests)) if tests else _always
    return lambda f: any(t(f) for t in tests)


def _all(parts: list[tuple[Predicate, Explainer]]) -> tuple[Predicate, Explainer]:
    def explain(facts: Mapping[str, Any]) -> tuple[bool, str]:
        reasons = []
        for _, ex in parts:
            ok, why = ex(facts)
            if not ok:
                return False, why
            reasons.append(why)
        return True, " and ".join(reasons) or "always"

    return _chain([p for p, _ in parts], True), explain


def _any(parts: list[tuple[Predicate, Explainer]]) -> tuple[Predicate, Explainer]:
    def explain(facts: Mapping[str, Any]) -> tuple[bool, str]:
        reasons = []
        for _, ex in parts:
            ok, why = ex(facts)
            if ok:
                return True, why
            reasons.append(why)
        return False, "none of: " + "; ".join(reasons)

    return _chain([p for p, _ in parts], False), explain


def _not(part: tuple[Predicate, Explainer]) -> tuple[Predicate, Explainer]:
    inner, inner_explain = part

    def explain(facts: Mapping[str, Any]) -> tuple[bool, str]:
        ok, why = inner_explain(facts)
        return (not ok), f"not ({why})"

    return (lambda f: not inner(f)), explain


def _getter(field: str) -> Callable[[Mapping[str, Any]], Any]:
    """A reader for a dotted field; a missing or non-mapping step yields _MISSING."""
    path = tuple(field.split("."))
    if len(path) == 1:
        key = path[0]
        return lambda f: f.get(key, _MISSING)
    if len(path) == 2:  # reporter.elderly, place.kind: the usual depth, unrolled
        head, tail = path

        def get2(facts: Mapping[str, Any]) -> Any:
            inner = facts.get(head, _MISSING)
            if inner.__class__ is dict or isinstance(inner, Mapping):
                return inner.get(tail, _MISSING)
            return _MISSING

        return get2

    def get(facts: Mapping[str, Any]) -> Any:
        value: Any = facts
        for step in path:
            if not (value.__class__ is dict or isinstance(value, Mapping)):
                return _MISSING
            value = value.get(step, _MISSING)
        return value

    return get


def _field(field: str, test_spec: Any) -> tuple[Predicate, Explainer]:
    get = _getter(field)
    if isinstance(test_spec, Mapping):
        ops = list(test_spec.items())
    elif isinstance(test_spec, list | tuple):
        ops = [("in", list(test_spec))]
    else:
        ops = [("eq", test_spec)]
    checks = [(op, operand, make_check(op, operand)) for op, operand in ops]
    test = _field_test(field, get, [c for _, _, c in checks], ops)

    def explain(facts: Mapping[str, Any]) -> tuple[bool, str]:
        value = get(facts)
        shown = "missing" if value is _MISSING else _short(value)
        for op, operand, check in checks:
            if not check(value):
                return False, f"{field}={shown} fails {op} {_short(operand)}"
        said = ", ".join(f"{op} {_short(operand)}" for op, operand, _ in checks)
        return True, f"{field}={shown} {said}"

    return test, explain


def _short(value: Any, limit: int = 60) -> str:
    """repr cut to `limit` characters so long word lists keep traces readable."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _field_test(
    field: str, get: Callable[[Mapping[str, Any]], Any], fns: list[Callable[[Any], bool]],
    ops: list[tuple[str, Any]],
) -> Predicate:
    """The fast predicate for one field; the hottest shapes are inlined."""
    if len(fns) == 1:
        op, operand = ops[0]
        if op == "eq" and operand is not None:
            if "." not in field:
                return lambda f: f.get(field, _MISSING) == operand
            return lambda f: get(f) == operand
        check = fns[0]
        return lambda f: check(get(f))

    def test(facts: Mapping[str, Any]) -> bool:
        value = get(facts)
        return all(check(value) for check in fns)

    return test


def _as_set(values: Any) -> frozenset[Any] | tuple[Any, ...]:
    try:
        return frozenset(values)
    except TypeError:  # unhashable members (e.g. nested lists): fall back to a linear scan
        return tuple(values)


def _is_seq(value: Any) -> bool:
    return isinstance(value, list | tuple | set | frozenset)


def make_check(op: str, operand: Any) -> Callable[[Any], bool]:
    """A one-argument check for one operator; the value may be _MISSING."""
    maker = _CHECKS.get(op)
    if maker is None:
        raise ValueError(f"unknown operator {op!r}")
    return maker(operand)


def _order(cmp: Callable[[Any, Any], bool]) -> Callable[[Any], Callable[[Any], bool]]:
    def make(operand: Any) -> Callable[[Any], bool]:
        def check(value: Any) -> bool:
            if value.__class__ in _NUMBERS:  # fast path; bool is excluded by exact class
                return cmp(value, operand) if operand.__class__ in _NUMBERS else False
            if value is _MISSING or value is None or isinstance(value, bool):
                return False
            try:
                return cmp(value, operand)
            except TypeError:  # e.g. a string compared with a number: simply no match
                return False

        return check

    return make


_NUMBERS = frozenset({int, float})


def _in(operand: Any) -> Callable[[Any], bool]:
    pool = _as_set(operand)

    def check(value: Any) -> bool:
        if value.__class__ is str:
            return value in pool
        if _is_seq(value):  # a list fact (e.g. tags) matches when any element is in the pool
            return any(_member(v, pool) for v in value)
        return _member(value, pool)

    return check


def _member(value: Any, pool: frozenset[Any] | tuple[Any, ...]) -> bool:
    try:
        return value in pool
    except TypeError:
        return False


def _contains(operand: Any) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        if isinstance(value, str):
            return isinstance(operand, str) and operand in value
        if _is_seq(value):
            return operand in value
        return False

    return check


def _matches(operand: Any) -> Callable[[Any], bool]:
    search = re.compile(operand).search
    return lambda v: isinstance(v, str) and search(v) is not None


def _any_word(operand: Any) -> Callable[[Any], bool]:
    # One alternation regex: a single C-level scan instead of a Python loop over words.
    words = sorted({str(w) for w in operand if str(w)}, key=len, reverse=True)
    if not words:
        return lambda _v: False
    search = re.compile("|".join(re.escape(w) for w in words)).search
    return lambda v: isinstance(v, str) and search(v) is not None


def _eq(operand: Any) -> Callable[[Any], bool]:
    # A missing field reads as null, so `{field: null}` means "absent or null".
    if operand is None:
        return lambda v: v is _MISSING or v is None
    return lambda v: v == operand


def _ne(operand: Any) -> Callable[[Any], bool]:
    inner = _eq(operand)
    return lambda v: not inner(v)


def _not_in(operand: Any) -> Callable[[Any], bool]:
    inner = _in(operand)
    return lambda v: not inner(v)


def _exists(operand: Any) -> Callable[[Any], bool]:
    want = bool(operand)
    return lambda v: (v is not _MISSING and v is not None) is want


_CHECKS: dict[str, Callable[[Any], Callable[[Any], bool]]] = {
    "eq": _eq,
    "ne": _ne,
    "lt": _order(operator.lt),
    "le": _order(operator.le),
    "gt": _order(operator.gt),
    "ge": _order(operator.ge),
    "in": _in,
    "not_in": _not_in,
    "contains": _contains,
    "matches": _matches,
    "exists": _exists,
    "any_word": _any_word,
}
