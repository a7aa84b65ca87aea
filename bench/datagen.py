"""Generate N cases with several events each, fast: sqlite3 executemany or PostgreSQL COPY.

The schema comes from the real Alembic migrations and the unit tree from the real unit
service; only the bulk rows (cases, case_events) bypass the ORM, written in chunks with the
secondary indexes dropped and rebuilt afterwards (one sort per index instead of a million
random inserts into each).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import random
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from tqdm import tqdm

from bench.classes import NOW, OVERDUE_SHARE, OVERDUE_STATES, STATE_WEIGHTS, CaseClass, Classes
from bench.tree import Tree
from caseflow.models import Case, CaseEvent
from caseflow.rules import RuleSet

CHUNK = 20_000
CASE_COLUMNS = [c.name for c in Case.__table__.columns]
EVENT_COLUMNS = [c.name for c in CaseEvent.__table__.columns]
CASE_INDEX = {name: i for i, name in enumerate(CASE_COLUMNS)}
EVENT_INDEX = {name: i for i, name in enumerate(EVENT_COLUMNS)}
# Positions of the per-case fields, looked up once (a million cases fill them in).
C_ID, C_REF, C_PLACE, C_UNIT, C_PHONE, C_CHANNEL, C_HANDLED, C_SUBMITTED, C_DESCRIPTION, \
    C_TITLE, C_ACCEPTED, C_ASSIGNEE, C_LAYER_ENTERED = (CASE_INDEX[n] for n in (
        "id", "ref", "place_unit_id", "unit_id", "reporter_phone", "channel", "handled_units",
        "submitted_at", "description", "title", "first_accepted_at", "assignee_id",
        "layer_entered_at"))
E_CASE, E_TO_UNIT, E_ROLE, E_ACTOR, E_FROM_UNIT, E_ACTION, E_AT = (EVENT_INDEX[n] for n in (
    "case_id", "to_unit_id", "actor_role", "actor_id", "from_unit_id", "action", "at"))
CHANNELS = ("web", "phone", "hotline_12345", "wechat", "app")
TITLES = {
    "noise": ("快递柜夜间提示音扰民", "楼下广场舞音量过大"),
    "facade": ("外墙瓷砖脱落", "外墙渗水"),
    "parking": ("车位被长期占用", "消防通道停车"),
    "ev_charging": ("申请安装充电桩", "电动车进楼充电"),
    "garbage_sorting": ("垃圾堆放未清运", "分类投放点异味"),
}


@dataclass
class Counts:
    """What was written."""

    cases: int = 0
    events: int = 0
    overdue: int = 0


class RowMaker:
    """Turns a case number into a case row and its event rows, from its class."""

    def __init__(self, rules: RuleSet, tree: Tree, seed: int, pg: bool) -> None:
        self.rules, self.tree, self.pg = rules, tree, pg
        self.random = random.Random(seed)
        self.classes = Classes(rules)
        self.layers = [layer.id for layer in rules.layers]
        self.categories = [c for c in rules.categories if rules.categories[c].start_layer]
        states = list(STATE_WEIGHTS)
        self.state_draw = [s for s in states for _ in range(STATE_WEIGHTS[s])]
        overdue_pool = sum(STATE_WEIGHTS[s] for s in OVERDUE_STATES) / sum(STATE_WEIGHTS.values())
        self.overdue_odds = OVERDUE_SHARE / overdue_pool
        self.start_rank = {c: self.layers.index(self._start(c)) for c in self.categories}
        self._templates: dict[Any, Any] = {}
        self._times: dict[tuple[datetime, int], Any] = {}

    def _time(self, value: datetime | None) -> Any:
        if value is None:
            return None
        return value if self.pg else value.strftime("%Y-%m-%d %H:%M:%S.%f")

    def _bool(self, value: bool | None) -> Any:
        return value if self.pg or value is None else int(value)

    def _pick(self, seq: Sequence[Any]) -> Any:
        # random.choice draws bits in Python for every call; one float is several times faster
        # and, for these short lists, just as uniform.
        return seq[int(self.random.random() * len(seq))]

    def _draw(self) -> tuple[CaseClass, int, bool]:
        r = self.random
        category = self._pick(self.categories)
        rank = self.start_rank[category]
        # 70% are still at the layer they started at; the others climbed one or more rungs.
        if r.random() >= 0.7 and rank + 1 < len(self.layers):
            rank += 1 + int(r.random() * (len(self.layers) - rank - 1))
        state = self._pick(self.state_draw)
        overdue = state in OVERDUE_STATES and r.random() < self.overdue_odds
        green = r.random() < 0.05
        bucket = int(r.random() * 4)
        return self.classes.get(self.layers[rank], category, green, state, overdue, bucket), \
            rank, overdue

    def _submitted(self, klass: CaseClass, hours: int) -> Any:
        """When a case that climbed was submitted: `hours` before it entered its layer."""
        key = (klass.started_at, hours)
        found = self._times.get(key)
        if found is None:
            found = self._times[key] = self._time(klass.started_at - timedelta(hours=hours))
        return found

    def case(self, case_id: int) -> tuple[list[Any], list[list[Any]], bool]:
        """One case row and its events; the flag says whether it is overdue."""
        r = self.random
        klass, rank, overdue = self._draw()
        place = self._pick(self.tree.places)
        holders = self.tree.holders[place]
        unit = holders[klass.layer]
        worker = self.tree.caseworkers.get(unit)
        template, event_templates, climbed = self._template(klass)
        row = template.copy()
        if climbed:
            submitted = self._submitted(klass, 1 + int(r.random() * 479))
            handled = ",".join(str(holders[layer]) for layer in self.layers[: rank + 1])
        else:
            submitted, handled = row[C_LAYER_ENTERED], str(unit)
        row[C_ID], row[C_REF] = case_id, f"CF-B{case_id:09d}"
        row[C_PLACE], row[C_UNIT] = place, unit
        row[C_PHONE], row[C_CHANNEL] = f"138{case_id:08d}", self._pick(CHANNELS)
        row[C_HANDLED], row[C_SUBMITTED] = f"[{handled}]", submitted
        row[C_DESCRIPTION] = f"{row[C_TITLE]}，请尽快处理。"
        if row[C_ACCEPTED] is not None:
            row[C_ASSIGNEE] = worker
        events = []
        for template_event in event_templates:
            event = template_event.copy()
            event[E_CASE], event[E_TO_UNIT] = case_id, unit
            if event[E_ROLE] == "caseworker":
                event[E_ACTOR], event[E_FROM_UNIT] = worker, unit
            elif event[E_ACTION] == "submit":
                event[E_AT] = submitted
            events.append(event)
        if r.random() < 0.3:
            comment = self._comment_template(klass).copy()
            comment[E_CASE], comment[E_ACTOR] = case_id, worker
            comment[E_FROM_UNIT] = comment[E_TO_UNIT] = unit
            events.append(comment)
        return row, events, overdue

    def _template(self, klass: CaseClass) -> tuple[list[Any], list[list[Any]], bool]:
        found = self._templates.get(id(klass))
        if found is None:
            found = self._templates[id(klass)] = self._build_template(klass)
        return found

    def _build_template(self, klass: CaseClass) -> tuple[list[Any], list[list[Any]], bool]:
        """The row and events every case of a class shares; per-case fields are filled later."""
        climbed = klass.layer != self._start(klass.category)
        accepted, resolved = klass.at("accept"), klass.at("resolve") or klass.at("evaluate")
        closed = klass.at("evaluate") or klass.at("withdraw") or klass.at("reject")
        family = self.rules.category_family(klass.category)[-1]
        title = self.random.choice(TITLES.get(family, ("小区公共事务诉求",)))
        values = {
            "id": None, "ref": None, "title": title, "description": "",
            "category": klass.category, "priority": klass.priority,
            "nature": self.rules.categories[klass.category].nature, "channel": "web",
            "tags": "[]", "reporter_name": "居民", "reporter_phone": "",
            "reporter_attrs": "{}", "place_unit_id": None, "unit_id": None,
            "assignee_id": None, "layer": klass.layer,
            "state": klass.state, "version": 1 + len(klass.events) + int(climbed),
            "green_channel": self._bool(klass.green), "returned": self._bool(False),
            "supervised": self._bool(False), "problem_case": self._bool(False),
            "extension_pending": self._bool(False), "rework_count": 0, "reopen_count": 0,
            "escalation_count": int(climbed), "extension_count": 0,
            "handled_units": "[]", "duplicate_of_id": None,
            "merged_into_id": None, "rules_version": self.rules.version,
            "routing_rule": "default", "clocks": klass.clocks, "deadlines": klass.deadlines,
            "next_due_at": self._time(klass.next_due_at),
            "next_warning_at": self._time(klass.next_warning_at),
            "layer_entered_at": self._time(klass.started_at), "submitted_at": None,
            "first_accepted_at": self._time(accepted),
            "accepted_on_time": self._bool(True if accepted else None),
            "resolved_on_time": self._bool(True if resolved else None),
            "resolved_at": self._time(resolved),
            "resolved_layer": klass.layer if resolved else None,
            "closed_at": self._time(closed),
            "auto_close_at": self._time(resolved + timedelta(days=7))
            if klass.state == "resolved" and resolved else None,
            "satisfaction": "satisfied" if klass.state == "closed" else None,
            "deferred_until": None, "tracking_token_hash": "",
            "updated_at": self._time(klass.events[-1][0] if klass.events else klass.started_at),
        }
        start = self._start(klass.category)
        events = [self._event(None, None, "resident", "submit", None, "submitted", None, start,
                              '{"rule": "default"}')]
        if climbed:
            events.append(self._event(self._time(klass.started_at), None, "system", "escalate",
                                      "submitted", "submitted", start, klass.layer,
                                      '{"reason": "accept_overdue"}'))
        for at, action, before, after in klass.events:
            events.append(self._event(self._time(at), None, "caseworker", action, before, after,
                                      klass.layer, klass.layer, "{}"))
        return [values[c] for c in CASE_COLUMNS], events, climbed

    def _comment_template(self, klass: CaseClass) -> list[Any]:
        key = ("comment", id(klass))
        found = self._templates.get(key)
        if found is None:
            found = self._templates[key] = self._event(
                self._time(klass.started_at + timedelta(seconds=5)), None, "caseworker",
                "comment", "submitted", "submitted", klass.layer, klass.layer, "{}")
        return found

    def _start(self, category: str) -> str:
        return self.rules.categories[category].start_layer or "property"

    @staticmethod
    def _event(at: Any, actor: int | None, role: str, action: str, before: str | None,
               after: str, from_layer: str | None, to_layer: str, data: str) -> list[Any]:
        values = {
            "id": None, "case_id": None, "at": at, "actor_id": actor,
            "actor_role": role, "actor_label": role, "action": action, "from_state": before,
            "to_state": after, "from_layer": from_layer, "to_layer": to_layer,
            "from_unit_id": None, "to_unit_id": None, "note": "", "data": data,
        }
        return [values[c] for c in EVENT_COLUMNS]


_MAKER: RowMaker | None = None  # inherited by the forked generator processes


def _make_chunk(bounds: tuple[int, int, int]) -> tuple[list, list, int]:
    first, last, seed = bounds
    assert _MAKER is not None
    _MAKER.random.seed(seed * 1_000_003 + first)  # the same data whatever the process count
    cases, events, overdue = [], [], 0
    for case_id in range(first, last):
        row, rows, late = _MAKER.case(case_id)
        cases.append(row)
        events.extend(rows)
        overdue += late
    return cases, events, overdue


def chunks(maker: RowMaker, size: int, seed: int, counts: Counts) -> Iterator[tuple[list, list]]:
    """Cases and events in chunks of CHUNK cases, made by forked processes, with a progress bar.

    The generating processes run beside the writer, so on two cores generation and writing
    overlap instead of adding up.
    """
    global _MAKER
    _MAKER = maker
    bounds = [(first, min(first + CHUNK, size + 1), seed) for first in range(1, size + 1, CHUNK)]
    workers = max(1, min(2, (os.cpu_count() or 1)))
    with mp.get_context("fork").Pool(workers) as pool, \
            tqdm(total=size, unit="case", desc="generating", leave=False) as bar:
        # At most a few chunks in flight: Pool.imap has no back-pressure, and generators
        # outrunning the writer once queued gigabytes of rows in this process.
        pending: deque[Any] = deque()
        for bound in bounds:
            pending.append(pool.apply_async(_make_chunk, (bound,)))
            if len(pending) > 2 * workers:
                yield from _take(pending.popleft().get(), counts, bar)
        while pending:
            yield from _take(pending.popleft().get(), counts, bar)


def _take(chunk: tuple[list, list, int], counts: Counts,
          bar: tqdm) -> Iterator[tuple[list, list]]:
    cases, events, overdue = chunk
    counts.cases += len(cases)
    counts.events += len(events)
    counts.overdue += overdue
    yield cases, events
    bar.update(len(cases))


def load(engine: Engine, maker: RowMaker, size: int, seed: int) -> Counts:
    """Write `size` cases and their events into the migrated database behind `engine`."""
    from bench import loaders

    counts = Counts()
    writer = loaders.PostgresLoader(engine) if maker.pg else loaders.SqliteLoader(engine)
    with writer:
        for cases, events in chunks(maker, size, seed, counts):
            writer.write("cases", CASE_COLUMNS, cases)
            # Event ids are left to the database: chunks are made apart, written in order.
            writer.write("case_events", EVENT_COLUMNS[1:], [e[1:] for e in events])
    return counts


__all__ = ["NOW", "Counts", "RowMaker", "load"]
