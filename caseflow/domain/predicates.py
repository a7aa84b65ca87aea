"""Conditions turned into Python source and compiled once: the fast path of every test.

A condition becomes one inline expression over the facts `f`: each field is read once into
a local, each operator is written out for its operand (`v == K`, `v >= K` behind an exact
number check, `not P.isdisjoint(v)` ...), and the uncommon value types call the reference
checks of `caseflow.domain.operators`, so the semantics stay those of `explain`. No spec
text ever reaches the source: field names and operands are closure constants, the source
holds only generated names. A whole routing table compiles into one function (`first_match`)
so that choosing among 200 rules costs no Python call per rule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from caseflow.domain.operators import (
    MISSING,
    NUMBERS,
    as_pool,
    getter,
    make_check,
    overlaps,
    step,
)

# Value classes for which `v in P` (P a frozenset) cannot raise and means the same as the
# reference check; anything else takes the reference check.
_SCALARS = frozenset({str, int, float, bool, type(None)})
_STR_OR_SEQ = frozenset({str, tuple, list})
_SEQS = frozenset({tuple, list})
_ORDER = {"lt": "<", "le": "<=", "gt": ">", "ge": ">="}
# Python's parser refuses deeper nesting; such conditions keep the reference closures.
CompileErrors = (RecursionError, SyntaxError, MemoryError)


class Source:
    """Builds the source of one generated function and the constants it closes over."""

    def __init__(self) -> None:
        self.consts: dict[str, Any] = {"_M": MISSING, "_NUM": NUMBERS, "_SCALARS": _SCALARS,
                                       "_STRSEQ": _STR_OR_SEQ, "_SEQS": _SEQS, "_step": step,
                                       "_overlaps": overlaps}
        self._locals = 0

    def const(self, value: Any) -> str:
        """A name in the generated source bound to `value`."""
        name = f"_k{len(self.consts)}"
        self.consts[name] = value
        return name

    def local(self) -> str:
        """A fresh local variable name."""
        self._locals += 1
        return f"_v{self._locals}"

    def condition(self, spec: Any) -> str:
        """A boolean expression over `f` for a (valid) condition spec; None means always."""
        if spec is None or (isinstance(spec, Mapping) and not spec):
            return "True"
        parts = []
        for key, value in spec.items():
            if key == "all":
                parts.append(self._join([self.condition(c) for c in value], "and", "True"))
            elif key == "any":
                parts.append(self._join([self.condition(c) for c in value], "or", "False"))
            elif key == "not":
                parts.append(f"(not {self.condition(value)})")
            else:
                parts.append(self.field(key, value))
        return self._join(parts, "and", "True")

    @staticmethod
    def _join(parts: list[str], word: str, empty: str) -> str:
        if not parts:
            return empty
        return parts[0] if len(parts) == 1 else "(" + f" {word} ".join(parts) + ")"

    def read(self, field: str) -> str:
        """An expression reading a (dotted) field; MISSING when absent or unreachable."""
        path = field.split(".")
        if len(path) == 1:
            return f"f.get({self.const(field)}, _M)"
        if len(path) == 2:  # reporter.elderly, place.kind: the usual depth, inlined
            inner, key = self.local(), self.const(path[1])
            return (f"({inner}.get({key}, _M) if ({inner} := f.get({self.const(path[0])}, _M))"
                    f".__class__ is dict else _step({inner}, {key}))")
        return f"{self.const(getter(field))}(f)"

    def field(self, field: str, test: Any) -> str:
        """All the operators of one field test, the field read once."""
        if isinstance(test, Mapping):
            ops = list(test.items())
        elif isinstance(test, list | tuple):
            ops = [("in", list(test))]
        else:
            ops = [("eq", test)]
        if not ops:
            return "True"
        v = self.local()
        first = f"({v} := {self.read(field)})"
        parts = [self.operator(op, operand, first if n == 0 else v, v)
                 for n, (op, operand) in enumerate(ops)]
        return self._join(parts, "and", "True")

    def operator(self, op: str, operand: Any, v0: str, v: str) -> str:
        """One operator; `v0` is the value's first evaluated use (it may assign `v`)."""
        check = self.const(make_check(op, operand))  # also refuses an unknown operator
        if op in ("eq", "ne"):
            if operand is None:
                same = f"({v0} is _M or {v} is None)"
            else:
                same = f"({v0} == {self.const(operand)})"
            return same if op == "eq" else f"(not {same})"
        if op in _ORDER:
            if operand.__class__ not in NUMBERS:
                return f"{check}({v0})"
            return (f"({v} {_ORDER[op]} {self.const(operand)} if {v0}.__class__ in _NUM "
                    f"else {check}({v}))")
        if op in ("in", "not_in"):
            pool = as_pool(operand)
            if pool.__class__ is not frozenset:
                return f"{check}({v0})"
            p = self.const(pool)
            member = f"({v} in {p} if {v0}.__class__ in _SCALARS else _overlaps({p}, {v}) " \
                     f"if {v}.__class__ in _SEQS else {self.const(make_check('in', operand))}({v}))"
            return member if op == "in" else f"(not {member})"
        if op == "contains":
            kinds = "_STRSEQ" if isinstance(operand, str) else "_SEQS"
            return f"({self.const(operand)} in {v} if {v0}.__class__ in {kinds} else {check}({v}))"
        if op in ("matches", "any_word"):
            search = self.consts[check].search  # the TextSearch's own compiled regex
            if search is None:
                return f"{check}({v0})"
            return f"({self.const(search)}({v}) is not None if {v0}.__class__ is str " \
                   f"else {check}({v}))"
        if op == "exists":
            return f"({v0} is not _M and {v} is not None)" if operand \
                else f"({v0} is _M or {v} is None)"
        return f"{check}({v0})"

    def build(self, body: Sequence[str], name: str) -> Callable[..., Any]:
        """Compile `def name(f): <body>` with the constants as its globals; return it.

        Globals, not closure cells: Python copies every cell of a closure into the frame on
        each call, which for a 200-rule table costs more than the rules themselves.
        """
        source = "\n".join([f"def {name}(f):", *(f"    {line}" for line in body)])
        namespace: dict[str, Any] = dict(self.consts)
        # Source generated from operator names and constant slots; rule values never enter
        # the text (they are passed in `namespace`), so no rules file can inject code.
        exec(compile(source, f"<condition {name}>", "exec"), namespace)  # noqa: S102
        built: Callable[..., Any] = namespace[name]
        return built

    def reuse_locals(self) -> None:
        """Start local names again: an earlier expression's locals are dead (fewer slots)."""
        self._locals = 0


def compile_test(spec: Any) -> Callable[[Mapping[str, Any]], bool]:
    """The generated predicate for one condition spec (raises CompileErrors if too deep)."""
    source = Source()
    expression = source.condition(spec)
    return source.build([f"return {expression}"], "test")


def first_match(tests: Sequence[Any]) -> Callable[[Mapping[str, Any]], int]:
    """One function returning the index of the first spec that holds, or -1.

    Each item is a spec (inlined) or a callable predicate (called as is).
    """
    source = Source()
    body = []
    for index, item in enumerate(tests):
        expression = f"{source.const(item)}(f)" if callable(item) else source.condition(item)
        body += [f"if {expression}:", f"    return {index}"]
        source.reuse_locals()
    body.append("return -1")
    return source.build(body, "first_match")
