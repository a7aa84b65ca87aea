"""Which routing rules can never win (shadowed) and which overlap: pure analysis of `when` specs.

A rule's condition is expanded into alternatives (`any` distributes over `all`), each an
"all of these field tests". Each field's tests become one `FieldSet`, the set of values the
field may take. Rule B is *shadowed* when every alternative of B is contained in an
alternative of an earlier rule A: whatever matches B matched A first. Two alternatives
*overlap* unless some field proves them disjoint.

Exact: equality, `in`, `ne`, `not_in` on any field, numeric and text ranges (`lt le gt ge`),
`category` and `category_family` (`contains`, `in`, `not_in`, equality) resolved against the
category tree, and `any_word` / `contains` on text (a word list is implied by another when
each of its words contains one of the other's words). Conservative: `matches`, `exists`,
`not`, tests on list facts (tags) and anything else are compared as written — identical
tests imply each other, different ones prove neither containment nor disjointness — so the
analysis never reports a false shadow, and at worst misses one or warns of a possible overlap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any

CATEGORY = "category"
TEXT_FIELDS = frozenset({"text", "title"})
LIST_FIELDS = frozenset({"tags"})
MAX_ALTERNATIVES = 256  # beyond this a rule is compared only as written (one opaque test)
Bound = tuple[Any, bool] | None  # (value, inclusive)


@dataclass(frozen=True)
class FieldSet:
    """The values one field may take under a conjunction of tests (None: unrestricted)."""

    values: frozenset[Any] | None = None
    excluded: frozenset[Any] = frozenset()
    low: Bound = None
    high: Bound = None
    words: tuple[frozenset[str], ...] = ()  # text: each group needs one of its words
    opaque: frozenset[str] = frozenset()  # tests compared only as written

    def allows(self, value: Any) -> bool:
        """Whether `value` passes the set, range and exclusion parts."""
        if value in self.excluded or (self.values is not None and value not in self.values):
            return False
        if self.low is None and self.high is None:
            return True
        return _within(value, self.low, self.high)

    def within(self, other: FieldSet) -> bool:
        """Sound containment: True only when every value allowed here is allowed by other."""
        if not other.opaque <= self.opaque:
            return False
        if not all(any(_words_imply(mine, theirs) for mine in self.words)
                   for theirs in other.words):
            return False
        if self.values is not None:
            return all(other.allows(v) for v in self.values if self.allows(v))
        if other.values is not None:
            return False
        if not all(v in self.excluded or not _within(v, self.low, self.high)
                   for v in other.excluded):
            return False
        return _bound_within(self.low, other.low, low=True) and \
            _bound_within(self.high, other.high, low=False)

    def disjoint(self, other: FieldSet) -> bool:
        """Sound disjointness: True only when no value is allowed by both."""
        if self.values is not None:
            return not any(other.allows(v) for v in self.values if self.allows(v))
        if other.values is not None:
            return other.disjoint(self)
        low = _tighter(self.low, other.low, low=True)
        high = _tighter(self.high, other.high, low=False)
        return low is not None and high is not None and _empty_range(low, high)

    @property
    def restricts(self) -> bool:
        """Whether the set says anything at all."""
        return self != FieldSet()


Alternative = Mapping[str, FieldSet]


@dataclass(frozen=True)
class RuleShape:
    """One rule as the analysis sees it: where it is, its alternatives and its result."""

    id: str
    line: int
    alternatives: tuple[Alternative, ...]
    result: Any
    unconditional: bool = False


@dataclass(frozen=True)
class Finding:
    """A later rule shadowed by, or overlapping with, earlier ones."""

    kind: str  # "shadowed" | "overlap"
    rule: RuleShape
    earlier: tuple[RuleShape, ...]
    fields: tuple[str, ...] = field(default=())


def shape(rule_id: str, line: int, spec: Any, result: Any,
          parents: Mapping[str, str | None]) -> RuleShape:
    """Expand a `when` spec into alternatives of per-field value sets."""
    alternatives = _expand(spec)
    if alternatives is None:
        alternatives = [[("$rule", "as written", repr(spec))]]
    shaped = tuple(_conjunction(atoms, parents) for atoms in alternatives)
    unconditional = any(not alt for alt in shaped)
    return RuleShape(rule_id, line, shaped, result, unconditional)


def analyse(rules: Sequence[RuleShape], unique: bool = False) -> list[Finding]:
    """Shadowed rules (never win) and overlaps (different results, or any under `unique`).

    Rules after an unconditional rule are left to the catch-all check; a shadowed rule is not
    also reported as overlapping.
    """
    findings: list[Finding] = []
    for index, rule in enumerate(rules):
        earlier = [r for r in rules[:index] if not r.unconditional]
        if len(earlier) < index:
            break
        covering = _covering(rule, earlier)
        if covering:
            findings.append(Finding("shadowed", rule, covering))
            continue
        for other in earlier:
            if unique or other.result != rule.result:
                shared = _overlap(other, rule, any_field=unique)
                if shared is not None:
                    findings.append(Finding("overlap", rule, (other,), shared))
    return findings


def _covering(rule: RuleShape, earlier: Sequence[RuleShape]) -> tuple[RuleShape, ...]:
    """Earlier rules that together contain every alternative of `rule` (empty if not all)."""
    found: list[RuleShape] = []
    for alternative in rule.alternatives:
        cover = next((r for r in earlier if any(_implies(alternative, a)
                                                 for a in r.alternatives)), None)
        if cover is None:
            return ()
        if cover not in found:
            found.append(cover)
    return tuple(found)


def _implies(narrow: Alternative, wide: Alternative) -> bool:
    return all(name in narrow and narrow[name].within(values)
               for name, values in wide.items() if values.restricts)


def _overlap(a: RuleShape, b: RuleShape, any_field: bool) -> tuple[str, ...] | None:
    """The fields two rules both test where they may overlap; None when they cannot.

    Outside `unique`, rules testing different fields are not reported: ordering them is what
    first-match is for.
    """
    for left, right in product(a.alternatives, b.alternatives):
        if any(left[n].disjoint(right[n]) for n in left.keys() & right.keys()):
            continue
        shared = tuple(sorted(left.keys() & right.keys()))
        if shared or any_field:
            return shared
    return None


def _expand(spec: Any) -> list[list[tuple[str, str, Any]]] | None:
    """Alternatives of (field, operator, operand) tests; None when there are too many."""
    if spec is None or spec == {}:
        return [[]]
    if not isinstance(spec, Mapping):
        return [[("$rule", "as written", repr(spec))]]
    parts: list[list[list[tuple[str, str, Any]]]] = []
    for key, value in spec.items():
        if key == "all":
            for item in value or []:
                inner = _expand(item)
                if inner is None:
                    return None
                parts.append(inner)
        elif key == "any":
            options: list[list[tuple[str, str, Any]]] = []
            for item in value or []:
                inner = _expand(item)
                if inner is None:
                    return None
                options.extend(inner)
            parts.append(options)
        elif key == "not":
            parts.append([[("$not", "as written", repr(value))]])
        else:
            parts.append([[(key, op, operand) for op, operand in _tests(value)]])
    alternatives: list[list[tuple[str, str, Any]]] = [[]]
    for options in parts:
        alternatives = [a + o for a in alternatives for o in options]
        if len(alternatives) > MAX_ALTERNATIVES:
            return None
    return alternatives


def _tests(test: Any) -> list[tuple[str, Any]]:
    if isinstance(test, Mapping):
        return list(test.items())
    if isinstance(test, list | tuple):
        return [("in", list(test))]
    return [("eq", test)]


def _conjunction(atoms: Sequence[tuple[str, str, Any]],
                 parents: Mapping[str, str | None]) -> dict[str, FieldSet]:
    out: dict[str, FieldSet] = {}
    for name, op, operand in atoms:
        key, narrowed = _atom(name, op, operand, parents)
        out[key] = _meet(out[key], narrowed) if key in out else narrowed
    return out


def _atom(name: str, op: str, operand: Any,
          parents: Mapping[str, str | None]) -> tuple[str, FieldSet]:
    """One test as (field key, value set); category tests become sets of categories."""
    written = FieldSet(opaque=frozenset({f"{op} {operand!r}"}))
    if name in ("category", "category_family") and parents:
        chosen = _categories(name, op, operand, parents)
        return (CATEGORY, FieldSet(values=chosen)) if chosen is not None else (name, written)
    if name in TEXT_FIELDS and op in ("any_word", "contains") and _texts(operand):
        words = frozenset(str(w) for w in (operand if op == "any_word" else [operand]))
        return name, FieldSet(words=(words,))
    if name in LIST_FIELDS or name.startswith("$"):
        return name, written
    if op == "eq" and operand is not None:
        return name, FieldSet(values=frozenset({operand}))
    if op == "in" and _hashable(operand):
        return name, FieldSet(values=frozenset(operand))
    if op == "ne" and operand is not None:
        return name, FieldSet(excluded=frozenset({operand}))
    if op == "not_in" and _hashable(operand):
        return name, FieldSet(excluded=frozenset(operand))
    if op in ("ge", "gt") and not isinstance(operand, bool):
        return name, FieldSet(low=(operand, op == "ge"))
    if op in ("le", "lt") and not isinstance(operand, bool):
        return name, FieldSet(high=(operand, op == "le"))
    return name, written


def _categories(name: str, op: str, operand: Any,
                parents: Mapping[str, str | None]) -> frozenset[str] | None:
    """The categories a case may have under one category test; None when not understood."""
    everything = frozenset(parents)
    if name == "category":
        picked = {"eq": [operand], "in": operand, "ne": [operand], "not_in": operand}.get(op)
        if not isinstance(picked, list | tuple):
            return None
        chosen = frozenset(picked) & everything
        return everything - chosen if op in ("ne", "not_in") else chosen
    roots = {"contains": [operand], "in": operand, "not_in": operand}.get(op)
    if not isinstance(roots, list | tuple):
        return None
    below = frozenset(c for c in everything if _ancestors(c, parents) & set(roots))
    return everything - below if op == "not_in" else below


def _ancestors(category: str, parents: Mapping[str, str | None]) -> set[str]:
    chain = {category}
    while (parent := parents.get(category)) is not None and parent not in chain:
        chain.add(parent)
        category = parent
    return chain


def _meet(a: FieldSet, b: FieldSet) -> FieldSet:
    values = b.values if a.values is None else a.values if b.values is None \
        else a.values & b.values
    opaque = a.opaque | b.opaque
    for mine, theirs in ((a.low, b.low), (a.high, b.high)):
        if mine and theirs and not _comparable(mine[0], theirs[0]):
            # A number bound and a text bound: one is kept, the other stays "as written" so
            # the set is never wider than the tests (a wider earlier rule could hide a rule).
            opaque |= {f"range {mine!r} {theirs!r}"}
    return FieldSet(values, a.excluded | b.excluded, _tighter(a.low, b.low, low=True),
                    _tighter(a.high, b.high, low=False), a.words + b.words, opaque)


def _comparable(a: Any, b: Any) -> bool:
    try:
        a < b  # noqa: B015  (only whether it can be compared)
    except TypeError:
        return False
    return True


def _tighter(a: Bound, b: Bound, low: bool) -> Bound:
    if a is None or b is None:
        return a or b
    try:
        if a[0] == b[0]:
            return a if not a[1] else b
        return a if (a[0] > b[0]) == low else b
    except TypeError:  # a number against a text: keep one, the other is then unproven
        return a


def _bound_within(mine: Bound, theirs: Bound, low: bool) -> bool:
    """Whether the bound `mine` is at least as tight as `theirs`."""
    if theirs is None:
        return True
    if mine is None:
        return False
    try:
        if mine[0] == theirs[0]:
            return bool(theirs[1] or not mine[1])
        return bool((mine[0] > theirs[0]) == low)
    except TypeError:
        return False


def _within(value: Any, low: Bound, high: Bound) -> bool:
    if value is None or isinstance(value, bool):
        return low is None and high is None
    try:
        if low is not None and (value < low[0] or (value == low[0] and not low[1])):
            return False
        return not (high is not None and (value > high[0] or (value == high[0] and not high[1])))
    except TypeError:  # a value of another kind never passes a range test
        return False


def _empty_range(low: tuple[Any, bool], high: tuple[Any, bool]) -> bool:
    try:
        return low[0] > high[0] or (low[0] == high[0] and not (low[1] and high[1]))
    except TypeError:
        return False


def _words_imply(mine: frozenset[str], theirs: frozenset[str]) -> bool:
    """Text holding one of `mine` surely holds one of `theirs` (substring search)."""
    return bool(mine) and all(any(t in w for t in theirs) for w in mine)


def _texts(operand: Any) -> bool:
    return isinstance(operand, str) or (isinstance(operand, list | tuple)
                                        and all(isinstance(w, str) for w in operand))


def _hashable(operand: Any) -> bool:
    try:
        frozenset(operand)
    except TypeError:
        return False
    return isinstance(operand, list | tuple)
