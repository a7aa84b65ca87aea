"""Structure checks shared by every rules file, and the small sections: layers, categories,
roles and the optional files (calendar.yaml: rules/calendar_check.py). Every problem is
collected; nothing stops early."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import re2

from caseflow.domain import lifecycle
from caseflow.domain.conditions import COMBINATORS, OPERATORS
from caseflow.domain.operators import compile_regex
from caseflow.rules.loader import FileCheck, LDict, RuleIssue, empty_mapping, line_of

ACTIONS = frozenset(lifecycle.ACTIONS) | frozenset(
    "accept start hold resume deliberate record_decision resolve evaluate escalate return "
    "reroute request_extension approve_extension refuse_extension defer withdraw merge reject "
    "close reopen comment claim reassign supervise warn".split()
)
STATES = frozenset(lifecycle.STATES)
DEFAULT_PRIORITIES = ("normal", "urgent", "critical")
DEFAULT_NATURES = ("consultation", "help", "complaint", "report", "suggestion")
# Fact fields a condition may read; those in OPEN_FIELDS take any dotted sub-field.
FACT_FIELDS = frozenset(
    {"category", "category_family", "priority", "nature", "channel", "tags", "text", "title",
     "repeat_count", "layer", "green_channel", "reporter", "place"}
)
OPEN_FIELDS = frozenset({"reporter", "place"})


@dataclass(frozen=True)
class Layer:
    """A rung of the escalation ladder; rank 0 is the lowest."""

    id: str
    rank: int
    name_zh: str
    name_en: str
    unit_kind: str


@dataclass(frozen=True)
class Category:
    """A grievance category; sub-categories name their parent and inherit its defaults."""

    id: str
    name_zh: str
    name_en: str
    parent: str | None
    start_layer: str
    priority: str
    nature: str


@dataclass
class Refs:
    """Names defined by earlier files; None means "that file failed, do not cross-check"."""

    layers: tuple[str, ...] | None = None
    categories: frozenset[str] | None = None
    priorities: tuple[str, ...] = DEFAULT_PRIORITIES
    natures: tuple[str, ...] = DEFAULT_NATURES
    roles: frozenset[str] | None = None
    clocks: frozenset[str] | None = None
    # Category tree (child -> parent) for the routing overlap analysis; None when it failed.
    category_parents: Mapping[str, str | None] | None = None
    # Findings that do not block activation (e.g. overlapping routing rules).
    warnings: list[RuleIssue] = field(default_factory=list)


def check_condition(fc: FileCheck, spec: Any, line: int, refs: Refs, what: str = "when") -> None:
    """Validate a condition tree: combinators, fields, operators and operand types."""
    if spec is None:
        return
    m = fc.mapping(spec, line, what)
    if m is None:
        return
    for key, value in m.items():
        kline = m.line_of(key)
        if key in ("all", "any"):
            for iline, item in fc.items(value, kline, f"{what}.{key}"):
                check_condition(fc, item, iline, refs, f"{what}.{key} item")
        elif key == "not":
            check_condition(fc, value, line_of(value, kline), refs, f"{what}.not")
        elif isinstance(key, str) and _check_field_name(fc, key, kline):
            _check_test(fc, key, value, kline, refs)
        elif not isinstance(key, str):
            fc.issue(kline, f"condition key {key!r} must be a field name")


def _check_field_name(fc: FileCheck, field: str, line: int) -> bool:
    head, _, rest = field.partition(".")
    if head not in FACT_FIELDS or (rest and head not in OPEN_FIELDS) or field.endswith("."):
        fields = ", ".join(sorted(FACT_FIELDS | COMBINATORS))
        fc.issue(line, f"unknown field {field!r} in condition (known: {fields}; "
                       "reporter.* and place.* take any sub-field)")
        return False
    return True


def _check_test(fc: FileCheck, field: str, test: Any, line: int, refs: Refs) -> None:
    if isinstance(test, list):
        test = {"in": test}
    if not isinstance(test, dict):
        _check_operand(fc, field, "eq", test, line, refs)
        return
    if not test:
        fc.issue(line, f"test for {field!r} is an empty mapping")
    for op, operand in test.items():
        oline = test.line_of(op) if isinstance(test, LDict) else line
        if op not in OPERATORS:
            fc.issue(oline, f"unknown operator {op!r} for {field!r} "
                            f"(known: {', '.join(sorted(OPERATORS))})")
        else:
            _check_operand(fc, field, op, operand, oline, refs)


_SCALAR = (str, int, float, bool, type(None))


def _check_operand(fc: FileCheck, field: str, op: str, operand: Any, line: int, refs: Refs) -> None:
    what = f"{field} {op}"
    if op in ("in", "not_in", "any_word"):
        for iline, item in fc.items(operand, line, what):
            if fc.typed(item, _SCALAR[:-1], iline, f"item of {what}"):
                _check_value(fc, field, item, iline, refs)
    elif op in ("lt", "le", "gt", "ge"):
        fc.typed(operand, (int, float, str), line, what)
    elif op == "exists":
        fc.typed(operand, bool, line, what)
    elif op == "matches":
        if fc.typed(operand, str, line, what):
            try:
                compile_regex(operand)  # RE2, as evaluation does: no catastrophic backtracking
            except re2.error as exc:
                fc.issue(line, f"{what}: bad regular expression (RE2 has no backreferences "
                               f"or lookaround): {exc}")
    elif fc.typed(operand, _SCALAR, line, what) and operand is not None:
        _check_value(fc, field, operand, line, refs)


def _check_value(fc: FileCheck, field: str, value: Any, line: int, refs: Refs) -> None:
    """Values compared with category, priority, nature or layer must name something real."""
    known = {"category": refs.categories, "category_family": refs.categories,
             "priority": refs.priorities, "nature": refs.natures, "layer": refs.layers}
    if field in known:
        fc.ref(value, known[field], line, field.replace("category_family", "category"))


def build_layers(fc: FileCheck, data: LDict) -> tuple[Layer, ...]:
    """layers.yaml: an ordered list, lowest rung first."""
    fc.keys(data, ["layers"], ["layers"], "layers.yaml")
    layers: list[Layer] = []
    seen: dict[str, int] = {}
    for line, item in fc.items(data.get("layers"), data.line_of("layers"), "layers"):
        m = fc.mapping(item, line, "a layer")
        if m is None:
            continue
        fc.keys(m, ["id", "name_zh", "name_en", "unit_kind", "description"],
                ["id", "name_zh", "name_en", "unit_kind"], "layer")
        lid = fc.ident(m.get("id"), m.line_of("id"), "layer id") if "id" in m else None
        if lid in seen:
            fc.issue(m.line_of("id"), f"duplicate layer id {lid!r} (first at line {seen[lid]})")
            continue
        texts = [fc.get(m, k, str, "layer", "") for k in ("name_zh", "name_en", "unit_kind")]
        if lid:
            seen[lid] = m.line_of("id")
            layers.append(Layer(lid, len(layers), *texts))
    if not layers and "layers" in data:
        fc.issue(data.line_of("layers"), "at least one layer is required")
    return tuple(layers)


def build_categories(fc: FileCheck, data: LDict, refs: Refs) -> tuple[Category, ...]:
    """categories.yaml: categories with nested `subcategories`; sets refs.priorities/natures."""
    fc.keys(data, ["categories", "priorities", "natures"], ["categories"], "categories.yaml")
    refs.priorities = _word_list(fc, data, "priorities", DEFAULT_PRIORITIES)
    refs.natures = _word_list(fc, data, "natures", DEFAULT_NATURES)
    out: list[Category] = []
    seen: dict[str, int] = {}
    for line, item in fc.items(data.get("categories"), data.line_of("categories"), "categories"):
        _category(fc, item, line, None, refs, out, seen)
    refs.category_parents = MappingProxyType({c.id: c.parent for c in out})
    return tuple(out)


def _word_list(fc: FileCheck, data: LDict, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    if key not in data:
        return default
    words = tuple(w for line, w in fc.items(data[key], data.line_of(key), key)
                  if fc.ident(w, line, f"item of {key}"))
    return words or default


_CATEGORY_KEYS = ("id", "name_zh", "name_en", "start_layer", "priority", "nature", "description",
                  "keywords", "subcategories")


def _category(
    fc: FileCheck, item: Any, line: int, parent: Category | None, refs: Refs,
    out: list[Category], seen: dict[str, int],
) -> None:
    m = fc.mapping(item, line, "a category")
    if m is None:
        return
    required = ["id", "name_zh", "name_en"] + ([] if parent else ["start_layer"])
    fc.keys(m, _CATEGORY_KEYS, required, "category")
    cid = fc.ident(m["id"], m.line_of("id"), "category id") if "id" in m else None
    if cid in seen:
        fc.issue(m.line_of("id"), f"duplicate category id {cid!r} (first at line {seen[cid]})")
        cid = None
    name_zh, name_en = (str(fc.get(m, k, str, "category", "")) for k in ("name_zh", "name_en"))
    start = _checked(fc, m, "start_layer", refs.layers, "layer",
                     parent.start_layer if parent else "")
    priority = _checked(fc, m, "priority", refs.priorities, "priority",
                        parent.priority if parent else refs.priorities[0])
    nature = _checked(fc, m, "nature", refs.natures, "nature",
                      parent.nature if parent else "complaint")
    fc.get(m, "description", str, "category")
    fc.get(m, "keywords", list, "category")
    category = Category(cid or "", name_zh, name_en, parent.id if parent else None, start,
                        priority, nature)
    if cid:
        seen[cid] = m.line_of("id")
        out.append(category)
    for sline, sub in fc.items(m["subcategories"], m.line_of("subcategories"), "subcategories") \
            if "subcategories" in m else []:
        _category(fc, sub, sline, category, refs, out, seen)


def _checked(
    fc: FileCheck, m: LDict, key: str, known: Iterable[str] | None, kind: str, default: str
) -> str:
    value = fc.get(m, key, str, "category", None)
    if value is None:
        return default
    return value if fc.ref(value, known, m.line_of(key), kind) else default


def build_roles(
    fc: FileCheck, data: LDict
) -> tuple[Mapping[str, Mapping[str, str]], frozenset[tuple[str, str]]]:
    """roles.yaml: role names and `permissions: {action: [roles]}`."""
    fc.keys(data, ["roles", "permissions"], ["roles", "permissions"], "roles.yaml")
    roles: dict[str, dict[str, str]] = {}
    table = (fc.mapping(data.get("roles"), data.line_of("roles"), "roles")
             if "roles" in data else None) or empty_mapping()
    for rid, body in table.items():
        if not fc.ident(rid, table.line_of(rid), "role id"):
            continue
        m = fc.mapping(body, table.line_of(rid), f"role {rid!r}")
        if m is not None:
            fc.keys(m, ["name_zh", "name_en", "description"], ["name_zh", "name_en"], "role")
            roles[rid] = {k: v for k, v in m.items() if isinstance(v, str)}
    grants: set[tuple[str, str]] = set()
    perms = (fc.mapping(data.get("permissions"), data.line_of("permissions"), "permissions")
             if "permissions" in data else None) or empty_mapping()
    for action in perms:
        if action not in ACTIONS:
            fc.issue(perms.line_of(action), f"unknown action {action!r} in permissions "
                                            f"(known: {', '.join(sorted(ACTIONS))})")
            continue
        for role in fc.names(perms, action, frozenset(roles) if table else None, "role"):
            grants.add((role, action))
    return roles, frozenset(grants)


def freeze(value: Any) -> Any:
    """Deep read-only copy of loaded YAML (mappings become proxies, lists tuples)."""
    if isinstance(value, dict):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(freeze(v) for v in value)
    return value
