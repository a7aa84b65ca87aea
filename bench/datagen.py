"""Generate N cases with several events each, fast: the database expands them from templates.

The schema comes from the real Alembic migrations and the unit tree from the real unit
service; only the bulk rows (cases, case_events) bypass the ORM. Every case of a class
shares its row and its events but for a few fields (id, place, unit, caseworker, channel,
submission time), so the generating processes draw only those few fields per case, and the
database writes the full rows with two INSERT…SELECTs per chunk that join them to the class
templates (see `loaders`): no wide row is ever built, pickled or bound in Python.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import zlib
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import product
from typing import Any

from sqlalchemy import Engine
from tqdm import tqdm

from bench.classes import (
    FINAL_STATES,
    NOW,
    OVERDUE_SHARE,
    OVERDUE_STATES,
    STATE_WEIGHTS,
    CaseClass,
    Classes,
)
from bench.tree import Tree
from caseflow.models import Case, CaseEvent
from caseflow.rules import RuleSet

CHUNK = 20_000
CASE_COLUMNS = [c.name for c in Case.__table__.columns]
EVENT_COLUMNS = [c.name for c in CaseEvent.__table__.columns]
# One drawn case: what differs between cases of the same class (`loaders.CASE_FIELDS`).
Drawn = tuple[int, int, int, int, int | None, str, Any, str, int]
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
        self._texts: dict[datetime, str] = {}

    def warm(self) -> None:
        """Compute every class a case can draw now, once, before the generating processes
        fork: each of them (and the writer) would otherwise compute them all again."""
        for category in self.categories:
            for layer in self.layers[self.start_rank[category]:]:
                for green, state in product((False, True), STATE_WEIGHTS):
                    overdue = (False, True) if state in OVERDUE_STATES else (False,)
                    buckets = range(4) if state in FINAL_STATES else (0,)
                    for late, bucket in product(overdue, buckets):
                        self.classes.get(layer, category, green, state, late, bucket)

    def _time(self, value: datetime | None) -> Any:
        if value is None or self.pg:
            return value
        found = self._texts.get(value)  # thousands of classes share a few hundred instants
        if found is None:
            found = self._texts[value] = value.strftime("%Y-%m-%d %H:%M:%S.%f")
        return found

    def _bool(self, value: bool | None) -> Any:
        return value if self.pg or value is None else int(value)

    def _pick(self, seq: Sequence[Any]) -> Any:
        # random.choice draws bits in Python for every call; one float is several times faster
        # and, for these short lists, just as uniform.
        return seq[int(self.random.random() * len(seq))]

    def _draw(self) -> tuple[tuple[Any, ...], CaseClass, int, bool]:
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
        if state not in FINAL_STATES:  # only final classes have age buckets (`Classes.get`):
            bucket = 0  # one key, one template per class
        key = (self.layers[rank], category, green, state, overdue, bucket)
        return key, self.classes.get(*key), rank, overdue

    def _submitted(self, klass: CaseClass, hours: int) -> Any:
        """When a case that climbed was submitted: `hours` before it entered its layer."""
        key = (klass.started_at, hours)
        found = self._times.get(key)
        if found is None:
            found = self._times[key] = self._time(klass.started_at - timedelta(hours=hours))
        return found

    def case(self, case_id: int, key_index: dict[tuple[Any, ...], int]) -> tuple[Drawn, bool]:
        """One case's own fields, its class as an index into `key_index` (filled as classes
        appear), and whether it is overdue."""
        r = self.random
        key, klass, rank, overdue = self._draw()
        place = self._pick(self.tree.places)
        holders = self.tree.holders[place]
        unit = holders[klass.layer]
        if klass.layer != self.layers[self.start_rank[klass.category]]:  # it climbed
            submitted = self._submitted(klass, 1 + int(r.random() * 479))
            handled = ",".join(str(holders[layer]) for layer in self.layers[: rank + 1])
        else:
            submitted, handled = self._time(klass.started_at), str(unit)
        index = key_index.setdefault(key, len(key_index))
        comment = int(r.random() < 0.3)
        return (case_id, index, place, unit, self.tree.caseworkers.get(unit),
                self._pick(CHANNELS), submitted, f"[{handled}]", comment), overdue

    def templates(self, key: tuple[Any, ...]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """A class's case row and its events (the comment last, flagged), as column dicts."""
        klass = self.classes.get(*key)
        row, events = self._build_template(klass)
        comment = self._event(self._time(klass.started_at + timedelta(seconds=5)), None,
                              "caseworker", "comment", "submitted", "submitted", klass.layer,
                              klass.layer, "{}")
        flagged = [e | {"comment": 0} for e in events] + [comment | {"comment": 1}]
        return row, [e | {"seq": n} for n, e in enumerate(flagged)]

    def _build_template(self, klass: CaseClass) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The row and events every case of a class shares; per-case fields are filled later."""
        climbed = klass.layer != self._start(klass.category)
        accepted, resolved = klass.at("accept"), klass.at("resolve") or klass.at("evaluate")
        closed = klass.at("evaluate") or klass.at("withdraw") or klass.at("reject")
        family = self.rules.category_family(klass.category)[-1]
        titles = TITLES.get(family, ("小区公共事务诉求",))
        # Fixed per class, whichever process meets it first.
        title = titles[zlib.crc32(f"{klass.category}/{klass.layer}/{klass.state}".encode())
                       % len(titles)]
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
            "overdue_from": self._time(klass.overdue_from),
            "warning_from": self._time(klass.warning_from),
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
        return values, events

    def _start(self, category: str) -> str:
        return self.rules.categories[category].start_layer or "property"

    @staticmethod
    def _event(at: Any, actor: int | None, role: str, action: str, before: str | None,
               after: str, from_layer: str | None, to_layer: str, data: str) -> dict[str, Any]:
        return {
            "id": None, "case_id": None, "at": at, "actor_id": actor,
            "actor_role": role, "actor_label": role, "action": action, "from_state": before,
            "to_state": after, "from_layer": from_layer, "to_layer": to_layer,
            "from_unit_id": None, "to_unit_id": None, "note": "", "data": data,
        }


_MAKER: RowMaker | None = None  # inherited by the forked generator processes


def _make_chunk(bounds: tuple[int, int, int]) -> tuple[list[Drawn], list[Any], int]:
    first, last, seed = bounds
    assert _MAKER is not None
    _MAKER.random.seed(seed * 1_000_003 + first)  # the same data whatever the process count
    key_index: dict[tuple[Any, ...], int] = {}
    drawn, overdue = [], 0
    for case_id in range(first, last):
        row, late = _MAKER.case(case_id, key_index)
        drawn.append(row)
        overdue += late
    return drawn, list(key_index), overdue


def chunks(maker: RowMaker, size: int, seed: int) -> Iterator[tuple[list[Drawn], list[Any], int]]:
    """Drawn cases in chunks of CHUNK, made by forked processes, with a progress bar.

    The generating processes run beside the writer, so on two cores generation and writing
    overlap instead of adding up.
    """
    global _MAKER
    _MAKER = maker
    if size >= 10 * CHUNK:  # small runs (the tests) meet only some of the classes
        maker.warm()
    bounds = [(first, min(first + CHUNK, size + 1), seed) for first in range(1, size + 1, CHUNK)]
    workers = max(1, min(2, (os.cpu_count() or 1)))
    with mp.get_context("fork").Pool(workers) as pool, \
            tqdm(total=size, unit="case", desc="generating", leave=False) as bar:
        # At most a few chunks in flight: Pool.imap has no back-pressure.
        pending: deque[Any] = deque()
        for bound in bounds:
            pending.append(pool.apply_async(_make_chunk, (bound,)))
            if len(pending) > 2 * workers:
                yield (done := pending.popleft().get())
                bar.update(len(done[0]))
        while pending:
            yield (done := pending.popleft().get())
            bar.update(len(done[0]))


def load(engine: Engine, maker: RowMaker, size: int, seed: int) -> Counts:
    """Write `size` cases and their events into the migrated database behind `engine`."""
    from bench import loaders

    counts = Counts()
    class_ids: dict[tuple[Any, ...], int] = {}
    event_counts: dict[int, int] = {}
    writer = loaders.PostgresLoader(engine) if maker.pg else loaders.SqliteLoader(engine)
    with writer:
        for drawn, keys, overdue in chunks(maker, size, seed):
            new = []
            for key in keys:
                if key not in class_ids:
                    class_ids[key] = len(class_ids) + 1
                    row, events = maker.templates(key)
                    new.append((class_ids[key], row, events))
                    event_counts[class_ids[key]] = len(events) - 1  # the comment is optional
            writer.add_classes(new)
            local = [class_ids[key] for key in keys]
            rows = [(r[0], local[r[1]], *r[2:]) for r in drawn]
            writer.write_cases(rows)
            counts.cases += len(rows)
            counts.events += sum(event_counts[r[1]] + r[-1] for r in rows)
            counts.overdue += overdue
    return counts


__all__ = ["NOW", "Counts", "RowMaker", "load"]
