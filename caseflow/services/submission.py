"""The statements of the submission hot path, each built once, and its event insert.

Submitting a grievance reads its place with the units that may hold it, counts the place's
recent cases and looks for a likely duplicate (one read), routes, picks the holder of the
first layer (no read); then it writes the case, its event and the notification. Building a
`select()` costs about as much as running it on SQLite, so every statement here is built at
import with bind parameters. The case is one Core INSERT whose row becomes the persistent
`Case` the callers get; its event and outbox row are written by caserow.write_change, the
one writer of case changes. All run on the session's connection (same transaction),
skipping the ORM's per-statement work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    Integer,
    Table,
    and_,
    bindparam,
    case,
    func,
    insert,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from caseflow.domain.lifecycle import OPEN_STATES
from caseflow.domain.policy import Actor
from caseflow.models import Case, Unit, UnitClosure
from caseflow.services.caserow import write_change
from caseflow.services.uow import UnitOfWork

PROPERTY_OFFICE = "property_office"

# The place named by its code with every ancestor (nearest first, the place at depth 0), and
# the property offices under any of them (depth -1): one read answers both "which place" and,
# after routing, "who holds it at this layer" (services.units.holder_for, in Python).
_PLACE_ID = select(Unit.id).where(Unit.code == bindparam("code")).scalar_subquery()
_FAMILY = union_all(
    select(UnitClosure.ancestor_id.label("unit_id"), UnitClosure.depth.label("depth"))
    .where(UnitClosure.descendant_id == _PLACE_ID),
    select(Unit.id.label("unit_id"), literal(-1, Integer).label("depth"))
    .where(Unit.kind == PROPERTY_OFFICE, Unit.parent_id.in_(
        select(UnitClosure.ancestor_id).where(UnitClosure.descendant_id == _PLACE_ID))),
).subquery()
PLACE_AND_HOLDERS = (
    select(Unit, _FAMILY.c.depth)
    .join(_FAMILY, _FAMILY.c.unit_id == Unit.id)
    .order_by(_FAMILY.c.depth, Unit.id)
)
# One pass over the place's recent cases of the category (ix_cases_place_category): how
# many since the repeat window opened, and the oldest still open in the duplicate window.
RECENT = select(
    func.count(case((Case.submitted_at >= bindparam("repeat_since"), 1))),
    func.min(case((and_(Case.state.in_(OPEN_STATES),
                        Case.submitted_at >= bindparam("duplicate_since")), Case.id))),
).where(
    Case.place_unit_id == bindparam("place"),
    Case.category == bindparam("category"),
    Case.submitted_at >= bindparam("since"),
)
INSERT_CASE = insert(cast(Table, Case.__table__)).returning(Case.__table__.c.id)


@dataclass(frozen=True)
class Lineage:
    """A place, its ancestors nearest first (the place included) and the offices under them."""

    place: Unit
    ancestors: tuple[Unit, ...]
    offices: tuple[Unit, ...]

    def holder(self, unit_kind: str) -> Unit | None:
        """The unit of `unit_kind` holding the place: the nearest ancestor of that kind, or
        for the property layer the first office (by id) of the place's complex."""
        if unit_kind == PROPERTY_OFFICE:
            complex_unit = self.holder("complex")
            if complex_unit is None:
                return None
            return next((o for o in self.offices if o.parent_id == complex_unit.id), None)
        return next((u for u in self.ancestors if u.kind == unit_kind), None)


def lineage(session: Session, code: str) -> Lineage | None:
    """The place with this code and the units that may hold it, or None if there is none."""
    rows = session.execute(PLACE_AND_HOLDERS, {"code": code}).all()
    ancestors = tuple(unit for unit, depth in rows if depth >= 0)
    if not ancestors or rows[-len(ancestors)][1] != 0:
        return None
    offices = tuple(unit for unit, depth in rows if depth < 0)
    return Lineage(ancestors[0], ancestors, offices)


def recent_cases(session: Session, place_id: int, category: str, repeat_since: datetime,
                 duplicate_since: datetime) -> tuple[int, int | None]:
    """(cases of `category` at the place since `repeat_since`, the oldest open one since
    `duplicate_since` or None), read in one statement."""
    count, duplicate = session.connection().execute(RECENT, {
        "place": place_id, "category": category, "since": min(repeat_since, duplicate_since),
        "repeat_since": repeat_since, "duplicate_since": duplicate_since}).one()
    return count or 0, duplicate


def insert_case(session: Session, row: dict[str, Any], place: Unit, holder_unit: Unit) -> Case:
    """INSERT the case (Core) and attach it to the session as a persistent, loaded object.

    A unit-of-work flush of one new case cost about as much as the rest of the submission;
    `row` holds every column, so the attached object has nothing expired to read back.
    """
    values = {**row, "id": session.connection().execute(INSERT_CASE, row).scalar_one()}
    new_case = Case(**values)
    make_transient_to_detached(new_case)  # as if loaded: persistent once added, no INSERT
    session.add(new_case)
    set_committed_value(new_case, "place_unit", place)
    set_committed_value(new_case, "unit", holder_unit)
    return new_case


def record_submission(session: Session, new_case: Case, actor: Actor, now: datetime,
                      data: dict[str, Any]) -> int:
    """Insert the submit event and its notification for an inserted case; the event's id
    (caseflow.services.caserow.write_change, the one writer of case changes)."""
    return write_change(UnitOfWork.joining(session), new_case, actor, "submit", now,
                        (None, None, None), data=data)
