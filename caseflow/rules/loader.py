"""Read rules files: YAML into plain data that remembers the line of every key and item."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from caseflow.domain.durations import Duration, parse_duration
from caseflow.domain.errors import RulesInvalid

REQUIRED_FILES = (
    "layers.yaml",
    "categories.yaml",
    "routing.yaml",
    "deadlines.yaml",
    "escalation.yaml",
    "roles.yaml",
    "calendar.yaml",
)
OPTIONAL_FILES = ("meetings.yaml", "voting.yaml", "ratings.yaml", "ranking.yaml",
                  "notifications.yaml", "retention.yaml", "grid.yaml")
KNOWN_FILES = REQUIRED_FILES + OPTIONAL_FILES
# Bounds on a rules file: the shipped ones are under 10 kB, use no aliases and at most ~430
# values (categories.yaml); a city with a hundred times as many categories still fits.
MAX_FILE_CHARS = 1_000_000
MAX_ALIASES = 100
MAX_NODES = 50_000
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_TYPE_NAMES = {str: "text", int: "a whole number", float: "a number", bool: "true or false",
               list: "a list", dict: "a mapping"}


@dataclass(frozen=True, order=True)
class RuleIssue:
    """One problem in a rules file; line is 1-based (0 when it concerns the whole file)."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class LDict(dict[Any, Any]):
    """A YAML mapping that knows its own line and the line of each key."""

    line: int
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        """Line of `key`, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


def empty_mapping(line: int = 0) -> LDict:
    """A mapping with nothing in it: what a missing or mistyped mapping reads as."""
    empty = LDict()
    empty.line, empty.key_lines = line, {}
    return empty


class LList(list[Any]):
    """A YAML sequence that knows its own line and the line of each item."""

    line: int
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        """Line of item `index`."""
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


def line_of(value: Any, default: int = 0) -> int:
    """Line where a loaded value starts, when it is a mapping or a sequence."""
    return getattr(value, "line", default)


class _Bounded(yaml.SafeLoader):
    """A safe loader that refuses documents whose aliases would expand without bound.

    Rules files come from users (an upload, `rules/explain`): a few hundred bytes of nested
    aliases (a "billion laughs") expand to gigabytes. Aliases are counted as they are read
    and the expanded size is counted as it is converted; either bound ends the reading.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.aliases = 0
        self.budget = MAX_NODES

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Count each alias (`*name`) before it is resolved."""
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise _TooBig(mark.line + 1, f"more than {MAX_ALIASES} aliases (*name)")
        return super().compose_node(parent, index)


class _TooBig(Exception):
    """A document over one of the bounds, at a line."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def _check_expansion(root: yaml.Node) -> None:
    """Refuse a document whose aliases would expand past MAX_NODES values, before any is
    built: sizes are summed over the graph of nodes, each node once (aliases share nodes)."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        known = sizes.get(id(node))
        if known is None:
            children: list[yaml.Node] = []
            if isinstance(node, yaml.MappingNode):
                children = [part for pair in node.value for part in pair]
            elif isinstance(node, yaml.SequenceNode):
                children = list(node.value)
            known = 1 + sum(size(child) for child in children)
            sizes[id(node)] = known
            if known > MAX_NODES:
                raise _TooBig(node.start_mark.line + 1,
                              f"the file expands to more than {MAX_NODES} values (aliases?)")
        return known

    size(root)


def decode_rules(name: str, raw: bytes) -> tuple[str, list[RuleIssue]]:
    """A rules file's bytes as text; undecodable bytes are an issue at their line."""
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        return "", [RuleIssue(name, line, "not UTF-8 (save the file as UTF-8)")]


def parse_yaml(name: str, text: str) -> tuple[Any, list[RuleIssue]]:
    """Parse one file; syntax errors become issues at their line (data is then None)."""
    if len(text) > MAX_FILE_CHARS:
        return None, [RuleIssue(name, 0, f"the file is larger than {MAX_FILE_CHARS} characters")]
    try:
        loader = _Bounded(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                _check_expansion(node)
            issues: list[RuleIssue] = []
            data = _convert(loader, node, name, issues) if node is not None else None
            return data, issues
        finally:
            loader.dispose()
    except _TooBig as exc:
        return None, [RuleIssue(name, exc.line, f"refused: {exc.reason}")]
    except RecursionError:  # PyYAML composes recursively: thousands of nested [ or {
        return None, [RuleIssue(name, 0, "refused: nested too deeply")]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        message = f"YAML syntax error: {exc.problem or exc.context or 'cannot parse'}"
        if exc.problem and exc.context and exc.context_mark is not None:
            # e.g. an unclosed "[" is found lines later; say where it was opened.
            message += f" ({exc.context} at line {exc.context_mark.line + 1})"
        return None, [RuleIssue(name, line, message)]
    except yaml.YAMLError as exc:
        return None, [RuleIssue(name, 0, f"YAML error: {exc}")]


def _convert(loader: _Bounded, node: yaml.Node, name: str, issues: list[RuleIssue]) -> Any:
    loader.budget -= 1  # every node as expanded: an alias used twice costs twice
    if loader.budget < 0:
        raise _TooBig(node.start_mark.line + 1,
                      f"the file expands to more than {MAX_NODES} values (aliases?)")
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolve `<<: *anchor` merge keys like PyYAML does
        out = LDict()
        out.line, out.key_lines = node.start_mark.line + 1, {}
        for key_node, value_node in node.value:
            key = _convert(loader, key_node, name, issues)
            line = key_node.start_mark.line + 1
            if isinstance(key, list | dict):
                issues.append(RuleIssue(name, line, "a mapping key must be a plain value"))
                continue
            if key in out:
                issues.append(RuleIssue(name, line, f"duplicate key {key!r}"))
            out[key] = _convert(loader, value_node, name, issues)
            out.key_lines[key] = line
        return out
    if isinstance(node, yaml.SequenceNode):
        items = LList()
        items.line, items.item_lines = node.start_mark.line + 1, []
        for item in node.value:
            items.append(_convert(loader, item, name, issues))
            items.item_lines.append(item.start_mark.line + 1)
        return items
    return loader.construct_object(node, deep=True)


def read_directory(directory: str | os.PathLike[str]) -> dict[str, str]:
    """Every `*.yaml` file of a directory as {filename: text}."""
    path = Path(directory)
    if not path.is_dir():
        raise FileNotFoundError(f"rules directory {str(path)!r} does not exist")
    texts, issues = {}, []
    for file in sorted(path.glob("*.yaml")):
        text, found = decode_rules(file.name, file.read_bytes())
        texts[file.name] = text
        issues += found
    if issues:
        raise RulesInvalid(issues)
    return texts


def as_texts(source: str | os.PathLike[str] | Mapping[str, str]) -> dict[str, str]:
    """Accept a directory path or an already-read {filename: text} mapping."""
    if isinstance(source, Mapping):
        return {str(k): str(v) for k, v in source.items()}
    return read_directory(source)


class FileCheck:
    """Collects issues for one file and offers typed getters that report instead of raise."""

    def __init__(self, file: str, issues: list[RuleIssue]) -> None:
        self.file = file
        self.issues = issues

    def issue(self, line: int, message: str) -> None:
        """Record one problem."""
        self.issues.append(RuleIssue(self.file, line, message))

    def typed(self, value: Any, types: type | tuple[type, ...], line: int, what: str) -> bool:
        """True if value has one of types; otherwise records 'wrong type'."""
        types = types if isinstance(types, tuple) else (types,)
        ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
        if not ok:
            want = " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in types)
            self.issue(line, f"{what} must be {want}, not {_describe(value)}")
        return ok

    def keys(self, m: LDict, allowed: Iterable[str], required: Iterable[str], what: str) -> None:
        """Report unknown keys (at their line) and missing required ones (at the mapping)."""
        allowed = set(allowed)
        for key in m:
            if key not in allowed:
                hint = ", ".join(sorted(allowed))
                self.issue(m.line_of(key), f"unknown key {key!r} in {what} (expected: {hint})")
        for key in required:
            if key not in m:
                self.issue(m.line, f"{what} is missing {key!r}")

    def get(self, m: LDict, key: str, types: Any, what: str, default: Any = None) -> Any:
        """m[key] if present and well typed, else default (and an issue when mistyped)."""
        if key not in m:
            return default
        value = m[key]
        return value if self.typed(value, types, m.line_of(key), f"{what}.{key}") else default

    def mapping(self, value: Any, line: int, what: str) -> LDict | None:
        """Value if it is a mapping, else None with an issue."""
        return value if self.typed(value, dict, line_of(value, line), what) else None

    def items(self, value: Any, line: int, what: str) -> list[tuple[int, Any]]:
        """(line, item) pairs of a list; an issue and [] when value is not a list."""
        if not self.typed(value, list, line_of(value, line), what):
            return []
        return [(value.line_of(i) if isinstance(value, LList) else line, v)
                for i, v in enumerate(value)]

    def duration(self, value: Any, line: int, what: str) -> Duration | None:
        """Parse a duration, reporting the helper's reason on failure."""
        if isinstance(value, int) and not isinstance(value, bool):
            self.issue(line, f"{what}: bad duration {value!r}: add a unit, e.g. \"{value}m\"")
            return None
        try:
            return parse_duration(value)
        except ValueError as exc:
            self.issue(line, f"{what}: bad duration: {exc}")
            return None

    def ident(self, value: Any, line: int, what: str) -> str | None:
        """A lower_snake_case identifier, or None with an issue."""
        if not self.typed(value, str, line, what):
            return None
        if not _ID.match(value):
            self.issue(line, f"{what} {value!r} must be lower_snake_case (a-z, 0-9, _)")
            return None
        return str(value)

    def ref(self, value: Any, known: Iterable[str] | None, line: int, kind: str) -> bool:
        """Check a reference to a defined name (skipped when the defining file failed)."""
        if known is None or value in known:
            return True
        self.issue(line, f"unknown {kind} {value!r} (known: {', '.join(sorted(known))})")
        return False

    def names(self, m: LDict, key: str, known: Iterable[str] | None, kind: str) -> tuple[str, ...]:
        """A list of references under m[key], each checked against known."""
        out = []
        for line, item in self.items(m[key], m.line_of(key), key) if key in m else []:
            if self.typed(item, str, line, f"{kind} in {key}") and self.ref(
                item, known, line, kind
            ):
                out.append(item)
        return tuple(out)


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    for t in (bool, str, int, float, list, dict):
        if isinstance(value, t):
            return f"{_TYPE_NAMES[t]} ({value!r})" if t not in (list, dict) else _TYPE_NAMES[t]
    return type(value).__name__
