"""The meaning of each condition operator, as one-argument checks, and dotted-field readers.

These closures are the reference semantics: `explain` runs them, and the generated fast
path (`caseflow.domain.predicates`) inlines the common cases and calls them for the rest.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

import re2

Check = Callable[[Any], bool]
OPERATORS = frozenset(
    {"eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "contains", "matches", "exists",
     "any_word"}
)
MISSING: Any = object()  # what a field that is absent (or unreachable) reads as
NUMBERS = frozenset({int, float})  # exact classes: bool is deliberately not a number here


def getter(field: str) -> Callable[[Mapping[str, Any]], Any]:
    """A reader for a dotted field; a missing or non-mapping step yields MISSING."""
    path = tuple(field.split("."))
    if len(path) == 1:
        key = path[0]
        return lambda f: f.get(key, MISSING)

    def get(facts: Mapping[str, Any]) -> Any:
        value: Any = facts
        for step in path:
            if not (value.__class__ is dict or isinstance(value, Mapping)):
                return MISSING
            value = value.get(step, MISSING)
        return value

    return get


def step(inner: Any, key: str) -> Any:
    """One step of a dotted field below the top: `inner[key]` if inner is a mapping."""
    if isinstance(inner, Mapping):
        return inner.get(key, MISSING)
    return MISSING


def make_check(op: str, operand: Any) -> Check:
    """A one-argument check for one operator; the value may be MISSING."""
    maker = _CHECKS.get(op)
    if maker is None:
        raise ValueError(f"unknown operator {op!r}")
    return maker(operand)


def as_pool(values: Any) -> frozenset[Any] | tuple[Any, ...]:
    """The operand of `in` as a set, or a tuple when a member is unhashable."""
    try:
        return frozenset(values)
    except TypeError:  # unhashable members (e.g. nested lists): fall back to a linear scan
        return tuple(values)


def word_search(words: Any) -> Callable[[str], Any] | None:
    """One alternation regex for `any_word` (a single C-level scan), None for no words."""
    unique = sorted({str(w) for w in words if str(w)}, key=len, reverse=True)
    if not unique:
        return None
    return re.compile("|".join(re.escape(w) for w in unique)).search


def _is_seq(value: Any) -> bool:
    return isinstance(value, list | tuple | set | frozenset)


def _order(cmp: Callable[[Any, Any], bool]) -> Callable[[Any], Check]:
    def make(operand: Any) -> Check:
        def check(value: Any) -> bool:
            if value.__class__ in NUMBERS:  # fast path; bool is excluded by exact class
                return cmp(value, operand) if operand.__class__ in NUMBERS else False
            if value is MISSING or value is None or isinstance(value, bool):
                return False
            try:
                return cmp(value, operand)
            except TypeError:  # e.g. a string compared with a number: simply no match
                return False

        return check

    return make


def _in(operand: Any) -> Check:
    pool = as_pool(operand)

    def check(value: Any) -> bool:
        if value.__class__ is str:
            return value in pool
        if _is_seq(value):  # a list fact (e.g. tags) matches when any element is in the pool
            return overlaps(pool, value)
        return _member(value, pool)

    return check


def overlaps(pool: frozenset[Any] | tuple[Any, ...], values: Any) -> bool:
    """Whether any of `values` is in `pool` (unhashable values are simply not in it)."""
    if pool.__class__ is frozenset:
        try:
            return not pool.isdisjoint(values)
        except TypeError:  # an unhashable element: test the others one by one
            pass
    return any(_member(v, pool) for v in values)


def _member(value: Any, pool: frozenset[Any] | tuple[Any, ...]) -> bool:
    try:
        return value in pool
    except TypeError:
        return False


def _contains(operand: Any) -> Check:
    def check(value: Any) -> bool:
        if isinstance(value, str):
            return isinstance(operand, str) and operand in value
        if _is_seq(value):
            return operand in value
        return False

    return check


class TextSearch:
    """`matches` and `any_word`: a compiled search over text; `search` is None for no words.

    The generated fast path calls `search` directly, so the regex is compiled only once.
    """

    __slots__ = ("search",)

    def __init__(self, search: Callable[[str], Any] | None) -> None:
        self.search = search

    def __call__(self, value: Any) -> bool:
        """True when `value` is text in which the search finds something."""
        return self.search is not None and isinstance(value, str) \
            and self.search(value) is not None


def compile_regex(pattern: str) -> Any:
    """A rule's regular expression, compiled by RE2: linear time in the text, whatever the
    pattern (rules are written by users; `(a+)+b` would take Python's engine exponential
    time). Raises `re2.error` for what RE2 cannot do (backreferences, lookaround)."""
    return re2.compile(pattern)


def _matches(operand: Any) -> Check:
    return TextSearch(compile_regex(operand).search)


def _any_word(operand: Any) -> Check:
    return TextSearch(word_search(operand))


def _eq(operand: Any) -> Check:
    # A missing field reads as null, so `{field: null}` means "absent or null".
    if operand is None:
        return lambda v: v is MISSING or v is None
    return lambda v: v == operand


def _ne(operand: Any) -> Check:
    inner = _eq(operand)
    return lambda v: not inner(v)


def _not_in(operand: Any) -> Check:
    inner = _in(operand)
    return lambda v: not inner(v)


def _exists(operand: Any) -> Check:
    want = bool(operand)
    return lambda v: (v is not MISSING and v is not None) is want


_CHECKS: dict[str, Callable[[Any], Check]] = {
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
