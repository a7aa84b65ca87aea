"""What-if: replay past submissions through a candidate rule set; read-only, nothing changes.

Each submission of the period is routed twice, by the active rules and by the candidate, and
the two routes are compared: start layer and holding unit ("moved"), and the deadlines the
case would get. Comparing two replays (not the stored history) isolates the effect of the
change: cases submitted under older rule versions do not count as moved.

Built for a million cases: one streamed, set-based SELECT of only the columns routing reads
(no ORM objects), batches of `BATCH` rows, the unit tree read once, holders and clocks
memoised, and deadlines computed only for cases whose decision differs. The facts are those
of `casework.case_facts`; where history does not keep what was submitted it stands in: the
tags a routing rule added are taken off, and a priority set by a rule falls back to the
category's, and the repeat count is recounted from the 30 days before each case.
"""

from __future__ import annotations

import json
import re
from collections import Counter, deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, Text, select, type_coerce

from caseflow.domain.errors import InvalidInput
from caseflow.domain.routing import RouteDecision, RoutingRule
from caseflow.models import Case, Unit
from caseflow.rules import RuleSet, load_rules_from_texts
from caseflow.services.cases import REPEAT_WINDOW_DAYS
from caseflow.services.submission import PROPERTY_OFFICE
from caseflow.services.uow import UnitOfWork

BATCH = 5_000
EXAMPLES = 10
MAX_DAYS = 732
_SINCE = re.compile(r"^\s*(\d+)\s*([dhw])\s*$")
_UNIT_SECONDS = {"h": 3600, "d": 86400, "w": 7 * 86400}
# JSON columns are read as text where the driver allows, and "[]" / "{}" (most cases) are
# not decoded at all: decoding was a third of the time of reading the rows.
COLUMNS = (Case.ref, Case.category, Case.priority, Case.channel,
           type_coerce(Case.tags, Text).label("tags"), Case.title, Case.description,
           type_coerce(Case.reporter_attrs, Text).label("reporter_attrs"), Case.place_unit_id,
           Case.routing_rule, Case.submitted_at)
EXTRA_TAGS = frozenset({"possible_duplicate"})
Route = tuple[str, int | None]  # (start layer, holding unit id)


@dataclass(frozen=True)
class Move:
    """One replayed case the candidate routes differently (or with other deadlines)."""

    ref: str
    category: str
    rule_before: str
    rule_after: str
    layer_before: str
    layer_after: str
    unit_before: str | None
    unit_after: str | None
    deadlines_before: Mapping[str, str]
    deadlines_after: Mapping[str, str]


@dataclass
class WhatIf:
    """How a candidate rule set would have routed the submissions of a period."""

    since: datetime
    until: datetime
    active_version: str
    candidate_version: str
    cases: int = 0
    moved: int = 0
    deadlines_changed: int = 0
    rule_changed: int = 0
    by_layer: Counter[tuple[str, str]] = field(default_factory=Counter)
    by_unit: Counter[tuple[str | None, str | None]] = field(default_factory=Counter)
    by_category: Counter[str] = field(default_factory=Counter)
    examples: list[Move] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """Plain data for `--format json` and the API; moves listed most frequent first."""
        def pairs(counts: Counter[Any]) -> list[dict[str, Any]]:
            return [{"before": a, "after": b, "cases": n} for (a, b), n in counts.most_common()]

        return {
            "since": self.since.isoformat(), "until": self.until.isoformat(),
            "active_version": self.active_version, "candidate_version": self.candidate_version,
            "cases": self.cases, "moved": self.moved, "deadlines_changed": self.deadlines_changed,
            "rule_changed": self.rule_changed, "by_layer": pairs(self.by_layer),
            "by_unit": pairs(self.by_unit),
            "by_category": [{"category": c, "cases": n} for c, n in self.by_category.most_common()],
            "examples": [_move_json(m) for m in self.examples],
        }


def _move_json(move: Move) -> dict[str, Any]:
    return {"ref": move.ref, "category": move.category, "rule_before": move.rule_before,
            "rule_after": move.rule_after, "layer_before": move.layer_before,
            "layer_after": move.layer_after, "unit_before": move.unit_before,
            "unit_after": move.unit_after, "deadlines_before": dict(move.deadlines_before),
            "deadlines_after": dict(move.deadlines_after)}


def parse_since(text: str | None, now: datetime, name: str = "since") -> datetime:
    """'30d', '12h' or '2w' before `now` (default 30 days); InvalidInput naming the field."""
    found = _SINCE.match(text or "30d")
    if found is None:
        raise InvalidInput(name, "must be a number of days, hours or weeks, like 30d, 12h or 2w")
    seconds = int(found.group(1)) * _UNIT_SECONDS[found.group(2)]
    if not 0 < seconds <= MAX_DAYS * 86400:
        raise InvalidInput(name, f"must be more than nothing and at most {MAX_DAYS} days")
    return now - timedelta(seconds=seconds)


def preview(uow: UnitOfWork, active: RuleSet, files: Mapping[str, str], now: datetime,
            since: str | None = None, examples: int = EXAMPLES) -> WhatIf:
    """Check the candidate files (RulesInvalid with every issue) and replay the submissions
    of `since` (e.g. "30d") before `now` through them; read only."""
    start = parse_since(since, now)
    return replay(uow, active, load_rules_from_texts(files), start, now, examples)


def replay(uow: UnitOfWork, active: RuleSet, candidate: RuleSet, since: datetime,
           until: datetime, examples: int = EXAMPLES) -> WhatIf:
    """Route every case submitted in [since, until) by both rule sets; read only."""
    session = uow.session
    tree = _Tree(session.execute(select(Unit.id, Unit.code, Unit.kind, Unit.parent_id,
                                        Unit.attrs)).all())
    result = WhatIf(since, until, active.version, candidate.version)
    recent = _RecentCounter(session, since)
    judge = _Judge(active, candidate, tree)
    for row in _stream(session, since, until):
        result.cases += 1
        facts = judge.facts(row, recent.count(row.place_unit_id, row.category, row.submitted_at))
        judge.compare(row, facts, result, examples)
    return result


def _stream(session: Any, since: datetime, until: datetime) -> Iterator[Row[Any]]:
    statement = (select(*COLUMNS)
                 .where(Case.submitted_at >= since, Case.submitted_at < until)
                 .order_by(Case.submitted_at, Case.id)
                 .execution_options(yield_per=BATCH))
    yield from session.execute(statement)


class _RecentCounter:
    """Cases of a category at a place in the 30 days before each one (the repeat count)."""

    def __init__(self, session: Any, since: datetime) -> None:
        self._window = timedelta(days=REPEAT_WINDOW_DAYS)
        self._seen: dict[tuple[int, str], deque[datetime]] = {}
        earlier = (select(Case.place_unit_id, Case.category, Case.submitted_at)
                   .where(Case.submitted_at >= since - self._window, Case.submitted_at < since)
                   .order_by(Case.submitted_at).execution_options(yield_per=BATCH))
        for place, category, at in session.execute(earlier):
            self._seen.setdefault((place, category), deque()).append(at)

    def count(self, place: int, category: str, at: datetime) -> int:
        """How many came before `at` in the window; then `at` itself is remembered."""
        times = self._seen.setdefault((place, category), deque())
        while times and times[0] < at - self._window:
            times.popleft()
        count = len(times)
        times.append(at)
        return count


class _Tree:
    """The unit tree read once: place facts and the holder of a layer's unit kind."""

    def __init__(self, rows: Sequence[Row[Any]]) -> None:
        self.code = {r.id: r.code for r in rows}
        self._kind = {r.id: r.kind for r in rows}
        self._parent = {r.id: r.parent_id for r in rows}
        self._place = {r.id: {"kind": r.kind, "code": r.code, **(r.attrs or {})} for r in rows}
        self._office: dict[int, int] = {}
        for r in sorted(rows, key=lambda r: r.id):  # the first office (by id) of a complex
            if r.kind == PROPERTY_OFFICE and r.parent_id is not None:
                self._office.setdefault(r.parent_id, r.id)

    def place(self, unit_id: int) -> Mapping[str, Any]:
        """The `place` facts of a unit."""
        return self._place.get(unit_id, {})

    def holder(self, place: int, kind: str) -> int | None:
        """submission.Lineage.holder over the tree in memory."""
        if kind == PROPERTY_OFFICE:
            complex_id = self.holder(place, "complex")
            return self._office.get(complex_id) if complex_id is not None else None
        unit: int | None = place
        while unit is not None:
            if self._kind.get(unit) == kind:
                return unit
            unit = self._parent.get(unit)
        return None


class _Judge:
    """Routes one case by both rule sets and records how they differ."""

    def __init__(self, active: RuleSet, candidate: RuleSet, tree: _Tree) -> None:
        self.active, self.candidate, self.tree = active, candidate, tree
        self._sets_priority = frozenset(r.id for r in active.routing if r.priority is not None)
        routing = (*active.routing, *candidate.routing)
        self._added = EXTRA_TAGS | {t for r in routing for t in r.tags}
        self._same_up_to = _common_rules(active, candidate)
        # Other deadline rules or calendar: a same decision may still get other deadlines.
        self._clocks_differ = any(active.files.get(n) != candidate.files.get(n)
                                  for n in ("deadlines.yaml", "calendar.yaml", "layers.yaml"))
        self._routes: dict[tuple[int, int, str], Route] = {}
        self._clocks: dict[tuple[Any, ...], Mapping[str, str]] = {}

    def facts(self, row: Row[Any], repeat_count: int) -> dict[str, Any]:
        """casework.case_facts as submitted, as near as history keeps it."""
        priority = row.priority
        if row.routing_rule in self._sets_priority:
            category = self.active.categories.get(row.category)
            priority = category.priority if category is not None else priority
        stored = _decoded(row.tags, ())
        tags = [t for t in stored if t not in self._added] if stored else []
        return {"category": row.category, "priority": priority, "channel": row.channel,
                "tags": tags, "text": f"{row.title}\n{row.description}",
                "reporter": _decoded(row.reporter_attrs, {}),
                "place": self.tree.place(row.place_unit_id), "green_channel": False,
                "repeat_count": repeat_count}

    def compare(self, row: Row[Any], facts: dict[str, Any], result: WhatIf, examples: int) -> None:
        """Route by both; count a move, a deadline change and keep a few examples."""
        before = self.active.route(facts)
        # A rule of the common head matched: the candidate tries the same rules first.
        after = before if before.rule_id in self._same_up_to else self.candidate.route(facts)
        if before.rule_id != after.rule_id:
            result.rule_changed += 1
        route_a = self._route(0, self.active, before, row.place_unit_id)
        route_b = self._route(1, self.candidate, after, row.place_unit_id)
        same_terms = (not self._clocks_differ and route_a[0] == route_b[0]
                      and before.priority == after.priority
                      and before.green_channel == after.green_channel
                      and before.clock_overrides == after.clock_overrides)
        clocks_a = clocks_b = None
        if not same_terms:
            clocks_a = self._deadlines(self.active, before, route_a[0], facts)
            clocks_b = self._deadlines(self.candidate, after, route_b[0], facts)
            if clocks_a != clocks_b:
                result.deadlines_changed += 1
        moved = route_a != route_b
        if moved:
            result.moved += 1
            result.by_layer[(route_a[0], route_b[0])] += 1
            result.by_unit[(self._code(route_a[1]), self._code(route_b[1]))] += 1
            result.by_category[row.category] += 1
        if (moved or clocks_a != clocks_b) and len(result.examples) < examples:
            result.examples.append(Move(
                row.ref, row.category, before.rule_id, after.rule_id, route_a[0], route_b[0],
                self._code(route_a[1]), self._code(route_b[1]),
                clocks_a or self._deadlines(self.active, before, route_a[0], facts),
                clocks_b or self._deadlines(self.candidate, after, route_b[0], facts)))

    def _code(self, unit: int | None) -> str | None:
        return self.tree.code.get(unit) if unit is not None else None

    def _route(self, side: int, rules: RuleSet, decision: RouteDecision, place: int) -> Route:
        """cases._first_holder: the start layer, or the next rung with a holder here."""
        key = (side, place, decision.start_layer)
        if key not in self._routes:
            target: str | None = decision.start_layer
            found: Route = (decision.start_layer, None)
            while target is not None:
                unit = self.tree.holder(place, rules.layer(target).unit_kind)
                if unit is not None:
                    found = (target, unit)
                    break
                target = rules.next_layer(target)
            self._routes[key] = found
        return self._routes[key]

    def _deadlines(self, rules: RuleSet, decision: RouteDecision, layer: str,
                   facts: Mapping[str, Any]) -> Mapping[str, str]:
        priority = decision.priority or rules.facts_for(facts).get("priority")
        key = (id(rules), layer, facts["category"], priority, *_terms(decision))
        if key not in self._clocks:
            specs = rules.clocks_for(layer, facts["category"], priority, decision.green_channel,
                                     dict(decision.clock_overrides))
            self._clocks[key] = {spec.name: str(spec.within) for spec in specs}
        return self._clocks[key]


def _decoded(value: Any, empty: Any) -> Any:
    """A JSON column read as text (SQLite) or already decoded (PostgreSQL drivers)."""
    if value is None:
        return empty
    if value.__class__ is str:
        return empty if value in ("[]", "{}", "null") else json.loads(value)
    return value


def _common_rules(active: RuleSet, candidate: RuleSet) -> frozenset[str]:
    """Ids of the leading routing rules both sets share, condition and result alike.

    A case matched by one of them is routed alike by both, so the candidate need not route
    it again. Empty when categories or layers differ (a `$category` start then differs).
    """
    if any(active.files.get(n) != candidate.files.get(n)
           for n in ("categories.yaml", "layers.yaml")):
        return frozenset()
    same: list[str] = []
    for mine, theirs in zip(active.routing, candidate.routing, strict=False):
        if _rule_key(mine) != _rule_key(theirs):
            break
        same.append(mine.id)
    return frozenset(same)


def _rule_key(rule: RoutingRule) -> tuple[Any, ...]:
    return (rule.id, repr(rule.condition.source), rule.start_layer, rule.role,
            rule.green_channel, tuple(rule.tags), rule.priority,
            tuple(sorted((k, str(v)) for k, v in rule.clock_overrides.items())))


def _terms(decision: RouteDecision) -> tuple[Any, ...]:
    """What besides the layer decides a case's deadlines."""
    return (decision.priority, decision.green_channel,
            tuple(sorted((k, str(v)) for k, v in decision.clock_overrides.items())))
