"""Declarative conditions compiled once into plain Python predicates (never `eval` of spec text).

Grammar (as written in YAML)::

    {all: [c, ...]}   {any: [c, ...]}   {not: c}
    {<dotted.field>: <test>}            several keys in one mapping = all of them
    test := scalar (equality) | [v, ...] (same as {in: [...]})
          | {eq|ne|lt|le|gt|ge: v, in|not_in: [..], contains: v, matches: regex,
             exists: bool, any_word: [..]}  several operators = all of them

Each condition has two compiled forms: `test`, generated Python source compiled once
(`caseflow.domain.predicates`), and `explain`, closures over the reference checks of
`caseflow.domain.operators` that also say why. The rules loader validates operators and
fields with line numbers; `compile_condition` assumes valid input.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from caseflow.domain.operators import MISSING, OPERATORS, getter, make_check
from caseflow.domain.predicates import CompileErrors, compile_test

__all__ = ["COMBINATORS", "OPERATORS", "Condition", "compile_condition", "is_unconditional",
           "make_check"]

Predicate = Callable[[Mapping[str, Any]], bool]
Explainer = Callable[[Mapping[str, Any]], tuple[bool, str]]

COMBINATORS = frozenset({"all", "any", "not"})


def _always(_facts: Mapping[str, Any]) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class Condition:
    """A compiled condition: `test(facts)` is the fast path, `explain(facts)` the traced one.

    `generated` says that `test` was compiled from `source`, so a routing table may inline
    `source` into its own generated function instead of calling `test`.
    """

    test: Predicate
    explainer: Explainer
    always: bool
    source: Any
    generated: bool = False

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
        return Condition(_always, lambda _f: (True, "always"), True, spec, generated=True)
    explainer = _lazy_explainer(spec)
    try:
        return Condition(compile_test(spec), explainer, False, spec, generated=True)
    except CompileErrors:  # nested deeper than Python compiles: the traced path decides
        return Condition(lambda f: explainer(f)[0], explainer, False, spec)


def _lazy_explainer(spec: Mapping[str, Any]) -> Explainer:
    """The traced form, built on first use: only `POST /rules/explain` and tests need it."""
    built: list[Explainer] = []

    def explain(facts: Mapping[str, Any]) -> tuple[bool, str]:
        if not built:  # two threads racing here build equal explainers: harmless
            built.append(_explainer(spec))
        return built[0](facts)

    return explain


def _explainer(spec: Mapping[str, Any]) -> Explainer:
    parts = []
    for key, value in spec.items():
        if key == "all":
            parts.append(_all([_explainer(c) for c in value]))
        elif key == "any":
            parts.append(_any([_explainer(c) for c in value]))
        elif key == "not":
            parts.append(_not(_explainer(value)))
        else:
            parts.append(_field(key, value))
    return parts[0] if len(parts) == 1 else _all(parts)


def _all(parts: list[Explainer]) -> Explainer:
    def explain(facts: Mapping[str, Any]) -> tuple[bool, str]:
        reasons = []
        for ex in parts:
            ok, why = ex(facts)
            if not ok:
                return False, why
            reasons.append(why)
        return True, " and ".join(reasons) or "always"

    return explain


def _any(parts: list[Explainer]) -> Explainer:
    def explain(facts: Mapping[str, Any]) -> tuple[bool, str]:
        reasons = []
        for ex in parts:
            ok, why = ex(facts)
            if ok:
                return True, why
            reasons.append(why)
        return False, "none of: " + "; ".join(reasons)

    return explain


def _not(inner: Explainer) -> Explainer:
    def explain(facts: Mapping[str, Any]) -> tuple[bool, str]:
        ok, why = inner(facts)
        return (not ok), f"not ({why})"

    return explain


def _field(field: str, test_spec: Any) -> Explainer:
    get = getter(field)
    if isinstance(test_spec, Mapping):
        ops = list(test_spec.items())
    elif isinstance(test_spec, list | tuple):
        ops = [("in", list(test_spec))]
    else:
        ops = [("eq", test_spec)]
    checks = [(op, operand, make_check(op, operand)) for op, operand in ops]

    def explain(facts: Mapping[str, Any]) -> tuple[bool, str]:
        value = get(facts)
        shown = "missing" if value is MISSING else _short(value)
        for op, operand, check in checks:
            if not check(value):
                return False, f"{field}={shown} fails {op} {_short(operand)}"
        said = ", ".join(f"{op} {_short(operand)}" for op, operand, _ in checks)
        return True, f"{field}={shown} {said}"

    return explain


def _short(value: Any, limit: int = 60) -> str:
    """repr cut to `limit` characters so long word lists keep traces readable."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
