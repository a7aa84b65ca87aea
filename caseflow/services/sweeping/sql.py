"""SQL pieces the set-based sweep shares: claims, the holder subquery, events by INSERT…SELECT.

Everything here works on SQLite and PostgreSQL; where the two differ (row locks, JSON
functions) the dialect is asked once and the matching expression is built.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    ScalarSelect,
    cast,
    exists,
    func,
    insert,
    literal,
    literal_column,
    null,
    select,
    update,
)
from sqlalchemy import case as when
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session, aliased

from caseflow.models import Case, CaseEvent, Unit, UnitClosure
from caseflow.models.base import UTCDateTime

cases = Case.__table__
events = CaseEvent.__table__
Place = aliased(Unit, name="place")

CLAIMED = (
    Case.id, Case.ref, Case.title, Case.description, Case.category, Case.priority,
    Case.channel, Case.tags, Case.reporter_attrs, Case.green_channel, Case.place_unit_id,
    Case.unit_id, Case.layer, Case.state, Case.supervised, Case.deadlines,
    Place.kind.label("place_kind"), Place.code.label("place_code"),
    Place.attrs.label("place_attrs"),
)


def is_postgres(session: Session) -> bool:
    """True on PostgreSQL (row locks with SKIP LOCKED, JSONB)."""
    return session.get_bind().dialect.name == "postgresql"


def take_write_lock(session: Session) -> None:
    """On SQLite, become the one writer before reading candidates, so two sweepers run one
    at a time instead of both reading the same rows; PostgreSQL locks rows instead."""
    if not is_postgres(session):
        session.execute(update(cases).where(cases.c.id == -1).values(version=cases.c.version))


def claim(session: Session, instant: Any, now: datetime, limit: int) -> Sequence[Row[Any]]:
    """Lock up to `limit` cases due by `instant` as plain rows, skipping rows others hold."""
    query = (
        select(*CLAIMED)
        .join(Place, Place.id == Case.place_unit_id)
        .where(instant <= now)
        .order_by(instant, Case.id)
        .limit(limit)
    )
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True, of=Case)
    return session.execute(query).all()


def facts_of(row: Row[Any]) -> dict[str, Any]:
    """The facts escalation conditions read, like casework.case_facts but from a claimed row."""
    return {
        "category": row.category,
        "priority": row.priority,
        "channel": row.channel,
        "tags": list(row.tags),
        "text": f"{row.title}\n{row.description}",
        "reporter": dict(row.reporter_attrs),
        "place": {"kind": row.place_kind, "code": row.place_code, **row.place_attrs},
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


def json_value(session: Session, value: Any) -> ColumnElement[Any]:
    """A JSON constant usable in a SELECT list (PostgreSQL needs the JSONB type spelt out)."""
    text = json.dumps(value, ensure_ascii=False)
    return cast(literal(text), JSONB) if is_postgres(session) else literal(text)


def with_unit(session: Session, unit: ColumnElement[Any]) -> ColumnElement[Any]:
    """`handled_units` with `unit` appended unless already there."""
    column = cases.c.handled_units
    if is_postgres(session):
        single = func.jsonb_build_array(unit)
        return when((column.op("@>")(single), column), else_=column.op("||")(single))
    each = func.json_each(column).table_valued("value")
    present = exists(select(literal_column("1")).select_from(each).where(each.c.value == unit))
    return func.iif(present, column, func.json_insert(column, "$[#]", unit))


def insert_events(
    session: Session,
    ids: Sequence[int],
    action: str,
    now: datetime,
    data: dict[str, Any],
    note: str = "",
    to: dict[str, Any] | None = None,
) -> list[tuple[int, int]]:
    """One event per case in `ids` with INSERT…SELECT from the case rows, before they change.

    `to` gives the after-values (to_state, to_layer, to_unit_id) as SQL or constants; by
    default the case stays where it is. Returns (event id, case id) pairs.
    """
    after = {"to_state": cases.c.state, "to_layer": cases.c.layer, "to_unit_id": cases.c.unit_id}
    for key, value in (to or {}).items():
        after[key] = value if isinstance(value, ColumnElement) else literal(value)
    source = select(
        cases.c.id,
        literal(now, UTCDateTime()),
        null(),
        literal("system"),
        literal("system"),
        literal(action),
        cases.c.state,
        after["to_state"],
        cases.c.layer,
        after["to_layer"],
        cases.c.unit_id,
        after["to_unit_id"],
        literal(note),
        json_value(session, data),
    ).where(cases.c.id.in_(list(ids)))
    columns = ["case_id", "at", "actor_id", "actor_role", "actor_label", "action", "from_state",
               "to_state", "from_layer", "to_layer", "from_unit_id", "to_unit_id", "note", "data"]
    statement = insert(events).from_select(columns, source).returning(events.c.id,
                                                                      events.c.case_id)
    return [(event_id, case_id) for event_id, case_id in session.execute(statement)]
