"""SQL pieces the set-based sweep shares: claims, the holder subquery, events by INSERT…SELECT.

Everything here works on SQLite and PostgreSQL; where the two differ (row locks, JSON
functions) the dialect is asked once and the matching expression is built.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    FromClause,
    Integer,
    Row,
    ScalarSelect,
    String,
    Table,
    Text,
    any_,
    bindparam,
    cast,
    exists,
    func,
    insert,
    literal,
    literal_column,
    null,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy import case as when
from sqlalchemy.orm import Session, aliased

from caseflow.db import AUTOCHECKPOINT_OFF
from caseflow.domain.metrics import late_clocks
from caseflow.domain.notes import INTERNAL
from caseflow.models import Case, CaseEvent, ClockCharge, Unit, UnitClosure
from caseflow.models.base import JSONType, UTCDateTime

cases = typing.cast(Table, Case.__table__)
events = typing.cast(Table, CaseEvent.__table__)
CHARGES = typing.cast(Table, ClockCharge.__table__)
place = Unit.__table__.alias("place")

# Core columns, not ORM attributes: claimed rows are plain tuples, read at C speed. The JSON
# only escalation conditions read comes as text, parsed when a skip rule asks for facts.
CLAIMED = (
    *(cases.c[name] for name in (
        "id", "ref", "title", "description", "category", "priority", "channel",
        "green_channel", "place_unit_id", "unit_id", "layer", "state", "supervised",
        "deadlines")),
    cast(cases.c.tags, Text).label("tags"),
    cast(cases.c.reporter_attrs, Text).label("reporter_attrs"),
    place.c.kind.label("place_kind"), place.c.code.label("place_code"),
    cast(place.c.attrs, Text).label("place_attrs"),
)


def is_postgres(session: Session) -> bool:
    """True on PostgreSQL (row locks with SKIP LOCKED, JSONB)."""
    return session.get_bind().dialect.name == "postgresql"


# About one batch's case pages (5,000 rows, most on a page of their own). It bounds the
# worker's memory: at 64 MiB the peak grew by the cache's whole size from 100,000 cases
# (whose sweep never filled it) to a million.
BATCH_CACHE_KIB = 32 * 1024

# Cases written per round of statements (an escalation group's, the auto-close's). SQLite
# holds every page one statement changes until the statement ends (for its rollback), beyond
# the page cache's bound: at a million cases each case's 13 index entries sit on pages of
# their own, so one 1,000-case UPDATE took SQLite's heap to 107 MiB with a 32 MiB cache
# (sqlite3_memory_highwater) and the worker's peak grew with the database (226 MiB against
# 154 at 100,000 cases). 250 cases a statement keep it at the cache's size; a statement's
# fixed cost (~10 µs) is nothing beside its rows'.
CHUNK = 250


def chunks(session: Session, items: Sequence[Any]) -> list[Sequence[Any]]:
    """`items` CHUNK at a time on SQLite; whole on PostgreSQL, whose server keeps a
    statement's pages in its shared buffers, not in the worker (whose peak was flat there:
    1.12× from 100,000 to 1,000,000 cases), and where each extra round costs round trips."""
    size = len(items) if is_postgres(session) else CHUNK
    return [items[start:start + size] for start in range(0, len(items), max(size, 1))]


def take_write_lock(session: Session) -> None:
    """On SQLite, become the one writer before reading candidates, so two sweepers run one
    at a time instead of both reading the same rows; PostgreSQL locks rows instead."""
    if not is_postgres(session):
        session.execute(update(cases).where(cases.c.id == -1).values(version=cases.c.version))
        # A batch's rows are read four times (claim, events, update, notifications): keep
        # their pages in SQLite's own cache (2 MB by default) rather than read them again
        # from the file each time. Bounded, so the worker's memory stays flat.
        session.execute(text(f"PRAGMA cache_size = -{BATCH_CACHE_KIB}"))
        # No checkpoint after each batch's commit (two fsyncs each, and the pages a later
        # batch dirties again copied again): `checkpoint` does one when the sweep ends.
        # Each batch stays atomic and durable in the WAL; a worker dying mid-sweep only
        # leaves a longer WAL, which the next writer's own checkpoint folds in. Marked on the
        # connection first: the pool turns them on again when it comes back (caseflow.db),
        # however the batch ends.
        session.connection().info[AUTOCHECKPOINT_OFF] = True
        session.execute(text("PRAGMA wal_autocheckpoint = 0"))


# On PostgreSQL the summary trigger updates one case_month_counts row per (month, place) of
# the cases a batch changes, in whatever order the UPDATE visits them: two workers whose
# batches share such rows would deadlock. Locked first, in key order, the second one waits.
# (SQLite has one writer: take_write_lock.) The month is the trigger's (migration 0008).
_LOCK_SUMMARIES = text("""
SELECT 1 FROM case_month_counts s
JOIN (SELECT DISTINCT to_char(submitted_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month,
             place_unit_id
      FROM cases WHERE id = ANY(:ids)) k
  ON s.month = k.month AND s.place_unit_id = k.place_unit_id
ORDER BY s.month, s.place_unit_id
FOR UPDATE OF s
""")


def lock_summaries(session: Session, rows: Sequence[Row[Any]]) -> None:
    """On PostgreSQL, lock the summary rows the claimed cases count in, in key order."""
    if rows and is_postgres(session):
        session.execute(_LOCK_SUMMARIES, {"ids": [row.id for row in rows]})


def checkpoint(session: Session) -> None:
    """On SQLite, after a sweep: checkpoint without waiting on anyone (PASSIVE)."""
    if not is_postgres(session):
        session.execute(text("PRAGMA wal_checkpoint(PASSIVE)"))


def claim(session: Session, instant: Any, now: datetime, limit: int,
          after: tuple[Any, int] | None = None) -> Sequence[Row[*tuple[Any, ...]]]:
    """Lock up to `limit` cases due by `instant` as plain rows, skipping rows others hold.

    `after` is the (instant, id) of the last row this worker claimed: rows a batch left due
    (nothing to do for them yet) sort before it and are not claimed again in this sweep.
    """
    due = cases.c[instant.key]
    query = (
        select(*CLAIMED, due.label("due"))
        .join(place, place.c.id == cases.c.place_unit_id)
        .where(due <= now)
        .order_by(due, cases.c.id)
        .limit(limit)
    )
    if after is not None:
        query = query.where(tuple_(due, cases.c.id) > tuple_(*after))
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True, of=cases)
    return session.execute(query).all()


def _parse(text: str) -> Any:
    # Most cases have no tags or attributes: skip the parser for the empty ones.
    return [] if text == "[]" else {} if text == "{}" else json.loads(text)


def facts_of(row: Row[Any]) -> dict[str, Any]:
    """The facts escalation conditions read, like casework.case_facts but from a claimed row."""
    return {
        "category": row.category,
        "priority": row.priority,
        "channel": row.channel,
        "tags": _parse(row.tags),
        "text": f"{row.title}\n{row.description}",
        "reporter": _parse(row.reporter_attrs),
        "place": {"kind": row.place_kind, "code": row.place_code, **_parse(row.place_attrs)},
        "green_channel": row.green_channel,
        "repeat_count": 0,
    }


@cache  # one statement fragment per unit kind, reused by every group of every batch
def holder_of(unit_kind: str) -> ScalarSelect[Any]:
    """The unit of `unit_kind` holding each case's place, correlated on `cases.place_unit_id`
    (services.units.holder_for in SQL: an ancestor, or the complex's property office)."""
    if unit_kind == "property_office":
        office = aliased(Unit, name="office")
        return (
            select(office.id)
            .where(office.parent_id == holder_of("complex"), office.kind == "property_office")
            .order_by(office.id)
            .limit(1)
            .correlate(cases)
            .scalar_subquery()
        )
    ancestor, closure = aliased(Unit, name="ancestor"), aliased(UnitClosure, name="closure")
    return (
        select(ancestor.id)
        .join(closure, closure.ancestor_id == ancestor.id)
        .where(closure.descendant_id == cases.c.place_unit_id, ancestor.kind == unit_kind)
        .order_by(closure.depth)
        .limit(1)
        # Explicit: nested inside json_each/EXISTS (handled_units) SQLAlchemy would otherwise
        # add `cases` to this FROM list, turning a per-case lookup into a scan of all cases.
        .correlate(cases)
        .scalar_subquery()
    )


def json_param(pg: bool, name: str) -> ColumnElement[Any]:
    """A JSON bound parameter (a dict or list) usable in a SELECT list on either database."""
    param = bindparam(name, type_=JSONType)
    return param if pg else func.json(param)


def in_ids(pg: bool, column: ColumnElement[int], name: str = "b_ids") -> ColumnElement[bool]:
    """`column` in a list of ids bound as ONE parameter (see `ids_arg`): the statement text
    stays the same whatever the list's length, so it is compiled once, not per batch."""
    if pg:
        return column == any_(bindparam(name, type_=ARRAY(Integer)))
    each = func.json_each(bindparam(name, type_=String)).table_valued("value")
    return column.in_(select(each.c.value))


def ids_arg(session: Session, ids: Sequence[int]) -> Any:
    """The value `in_ids` expects: an array on PostgreSQL, a JSON array on SQLite."""
    return list(ids) if is_postgres(session) else json.dumps(list(ids))


def with_unit(pg: bool, unit: ColumnElement[Any]) -> ColumnElement[Any]:
    """`handled_units` with `unit` appended unless already there."""
    column = cases.c.handled_units
    if pg:
        single = func.jsonb_build_array(unit)
        return when((column.op("@>")(single), column), else_=column.op("||")(single))
    each = func.json_each(column).table_valued("value")
    present = exists(select(literal_column("1")).select_from(each).where(each.c.value == unit))
    return func.iif(present, column, func.json_insert(column, "$[#]", unit))


EVENT_COLUMNS = ["case_id", "at", "actor_id", "actor_role", "actor_label", "action",
                 "from_state", "to_state", "from_layer", "to_layer", "from_unit_id",
                 "to_unit_id", "note", "data", "visibility"]


@cache  # one statement per database and target unit kind, bound anew for every group
def _events_insert(pg: bool, holder_kind: str | None) -> Any:
    frm: FromClause
    where: ColumnElement[bool]
    if holder_kind:
        # The holder once per case, kept for both the event and the filter on it: written
        # twice in one SELECT, SQLite would look it up twice.
        held = (
            select(cases.c.id.label("case_id"), holder_of(holder_kind).label("holder"))
            .where(in_ids(pg, cases.c.id))
            .cte("held")
            .prefix_with("MATERIALIZED")
        )
        frm, to_unit = cases.join(held, held.c.case_id == cases.c.id), held.c.holder
        where = held.c.holder.is_not(None)
    else:
        frm, to_unit, where = cases, cases.c.unit_id, in_ids(pg, cases.c.id)
    source = select(
        cases.c.id,
        bindparam("b_at", type_=UTCDateTime()),
        null(),
        literal("system"),
        literal("system"),
        bindparam("b_action", type_=String),
        cases.c.state,
        func.coalesce(bindparam("b_to_state", type_=String), cases.c.state),
        cases.c.layer,
        func.coalesce(bindparam("b_to_layer", type_=String), cases.c.layer),
        cases.c.unit_id,
        to_unit,
        bindparam("b_note", type_=String),
        json_param(pg, "b_data"),
        bindparam("b_visibility", type_=String),
    ).select_from(frm).where(where)
    return insert(events).from_select(EVENT_COLUMNS, source).returning(events.c.id,
                                                                       events.c.case_id)


def insert_events(
    session: Session,
    ids: Sequence[int],
    action: str,
    now: datetime,
    data: dict[str, Any],
    note: str = "",
    to_state: str | None = None,
    to_layer: str | None = None,
    holder_kind: str | None = None,
    visibility: str = INTERNAL,
) -> list[tuple[int, int]]:
    """One event per case in `ids` with INSERT…SELECT from the case rows, before they change.

    By default the case stays where it is; `to_state` and `to_layer` name where it goes, and
    `holder_kind` moves it to the unit of that kind holding its place (cases whose place
    has none get no event). The system's notes are internal unless `visibility` says public.
    Returns (event id, case id) pairs.
    """
    statement = _events_insert(is_postgres(session), holder_kind)
    return [tuple(row) for row in session.execute(statement, {
        "b_ids": ids_arg(session, ids), "b_at": now, "b_action": action,
        "b_to_state": to_state, "b_to_layer": to_layer, "b_note": note, "b_data": data,
        "b_visibility": visibility,
    })]


# The late clocks' charges on PostgreSQL: one INSERT…SELECT reading the case rows before the
# UPDATE moves them (an executemany there runs one INSERT per charge on the server: 0.76 s
# of a 4.4 s sweep at 100,000 cases).
_CHARGE_PG = text("""
INSERT INTO clock_charges (case_id, unit_id, layer, clock, due_at, ended_at, ended_by)
SELECT cases.id, cases.unit_id, cases.layer, c.key, (c.value->>'due_at')::timestamptz,
       :b_at, 'escalate'
FROM cases, jsonb_each(cases.deadlines) AS c
WHERE cases.id = ANY(:b_ids)
  AND c.value->>'stopped_at' IS NULL
  AND NOT (c.value->>'paused')::boolean
  AND (c.value->>'due_at')::timestamptz <= :b_at
""").bindparams(bindparam("b_ids", type_=ARRAY(Integer)),
                bindparam("b_at", type_=UTCDateTime()))


def charge_late_clocks(session: Session, rows: Sequence[Row[Any]], now: datetime) -> None:
    """Every running clock past its deadline ends with the escalation: one charge per clock
    of the claimed `rows` to the unit and layer the case leaves (docs/metrics.md §On time),
    as the row-by-row path does (caseflow.services.charges). Call it before the UPDATE.

    On SQLite built from the claimed rows, whose deadlines are already parsed, in one
    executemany (in SQL each case's JSON was parsed once more: 0.12 → 0.07 s at 100,000)."""
    if not rows:
        return
    if is_postgres(session):
        session.execute(_CHARGE_PG, {"b_ids": [row.id for row in rows], "b_at": now})
        return
    charges = [
        {"case_id": row.id, "unit_id": row.unit_id, "layer": row.layer, "clock": name,
         "due_at": due, "ended_at": now, "ended_by": "escalate"}
        for row in rows for name, due in sorted(late_clocks(row.deadlines, now).items())
    ]
    if charges:
        session.execute(insert(CHARGES), charges)
