"""A case as an action works on it: one SELECT in, one versioned UPDATE out.

The ORM costs most of an action (loading the wide row with its joined units, then the unit of
work's flush of case, event and outbox row), so the action path reads the `cases` row into a
plain `CaseRow`, lets the handlers change its attributes, and writes back only the columns
that changed with `UPDATE … WHERE id = :id AND version = :version` — the optimistic lock the
ORM's version_id_col gave, now checked by hand (no row updated → StaleVersion). The event and
its outbox row are single INSERTs in the same transaction. All of them run on the driver's
cursor (caseflow.services.driver), on the unit of work's connection: no ORM session is opened
unless a handler needs one.

A case the session already holds (an edge or a composing service loaded it) is acted on as
held, like the ORM did, and its committed state is brought up to date after the write, so the
caller renders the case as it now is.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, Table, bindparam, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from caseflow.domain.errors import NotFound, StaleVersion
from caseflow.domain.notes import INTERNAL
from caseflow.domain.policy import Actor
from caseflow.models import Case, CaseEvent, OutboxMessage, Unit
from caseflow.services.driver import DriverStatement
from caseflow.services.outbox import notification_kind, payload_for
from caseflow.services.reporting.summaries import count_changes
from caseflow.services.uow import UnitOfWork

CASES = cast(Table, Case.__table__)
COLUMNS = frozenset(column.key for column in CASES.columns)
# What the checks, the common handlers, the deadlines, the event and the notification read
# (or write and must compare). The rest — texts, reporter, routing, counters — is read in a
# second SELECT the first time a handler touches one of them.
HOT = (
    "id", "ref", "title", "category", "priority", "unit_id", "assignee_id", "layer", "state",
    "version", "returned", "extension_pending", "clocks", "deadlines", "next_due_at",
    "next_warning_at", "overdue_from", "warning_from", "first_accepted_at", "accepted_on_time",
    # read by every resolve (the on-time flag): without it a resolve read the cold columns too
    "resolved_on_time", "closed_at", "auto_close_at", "updated_at",
    # a first resolve (none before) then spares the summaries' DELETE of an old resolve time
    "resolved_at",
)
COLD = tuple(column.key for column in CASES.columns if column.key not in HOT)



@dataclass(frozen=True)
class UnitRef:
    """A unit as a rendered case names it."""

    code: str
    name: str
    kind: str


UNIT_FIELDS = tuple(UnitRef.__dataclass_fields__)
_HELD, _PLACE = Unit.__table__.alias("held"), Unit.__table__.alias("place")
# The whole row with its two units' names: what a caller that shows the case as written
# reads, in the same one SELECT (the API's action answers with the case).
_WHOLE = select(
    *CASES.columns, *(unit.c[name].label(f"{unit.name}_{name}")
                      for unit in (_HELD, _PLACE) for name in UNIT_FIELDS)
).join_from(CASES, _HELD, _HELD.c.id == CASES.c.unit_id).join(
    _PLACE, _PLACE.c.id == CASES.c.place_unit_id
)

# Compiled once per dialect and run on the driver's cursor (caseflow.services.driver): Core's
# execute machinery cost as much as the statements. The UPDATE takes its SET columns from
# the parameters (one compiled form per set of changed columns).
BY_ID = DriverStatement(
    select(*(CASES.c[name] for name in HOT)).where(CASES.c.id == bindparam("key"))
)
BY_REF = DriverStatement(
    select(*(CASES.c[name] for name in HOT)).where(CASES.c.ref == bindparam("key"))
)
WHOLE_BY = {
    True: DriverStatement(_WHOLE.where(CASES.c.id == bindparam("key"))),
    False: DriverStatement(_WHOLE.where(CASES.c.ref == bindparam("key"))),
}
UNIT_REF = DriverStatement(
    select(*(Unit.__table__.c[name] for name in UNIT_FIELDS))
    .where(Unit.__table__.c.id == bindparam("key"))
)
REST = DriverStatement(
    select(*(CASES.c[name] for name in COLD)).where(CASES.c.id == bindparam("key"))
)
VERSION = select(CASES.c.version).where(CASES.c.id == bindparam("key"))
UPDATE = DriverStatement(
    update(CASES).where(CASES.c.id == bindparam("_id"), CASES.c.version == bindparam("_version"))
)
INSERT_EVENT = DriverStatement(insert(cast(Table, CaseEvent.__table__)))
INSERT_MESSAGE = DriverStatement(insert(cast(Table, OutboxMessage.__table__)))
PAYLOAD_FIELDS = ("ref", "title", "category", "priority", "layer", "state", "unit_id")


class CaseRow:
    """The columns of one `cases` row as plain attributes, named as on `Case`.

    Handlers change it like an ORM case. The columns outside HOT are read together on first
    use; `place_unit` and `unit` are looked up on demand (only moving actions need them), and
    setting `unit` moves the case to that unit.
    """

    def __init__(
        self,
        uow: UnitOfWork,
        conn: Connection,
        values: Mapping[str, Any],
        held: Case | None = None,
    ) -> None:
        columns = {name: value for name, value in values.items() if name in COLUMNS}
        self.__dict__.update(columns)
        self._uow = uow  # its session opens only if a handler looks a unit up
        self._conn = conn
        self._loaded = columns
        self.held = held
        # Read with the row when the caller shows the case as written (load_case_row(whole)).
        self._units = {
            role: UnitRef(*(values[f"{role}_{name}"] for name in UNIT_FIELDS))
            for role in ("held", "place") if f"{role}_code" in values
        }

    if TYPE_CHECKING:  # any column may be set, as on `Case` (plain attributes at run time)

        def __setattr__(self, name: str, value: Any) -> None: ...

    def __getattr__(self, name: str) -> Any:
        """Read the other columns when a handler first needs one of them."""
        if name not in COLD or name in self._loaded:
            raise AttributeError(name)
        rest = REST.first(self._conn, {"key": self.id})
        if rest is None:
            raise NotFound(f"case {self.id}")
        for column, value in rest.items():
            self._loaded[column] = value
            self.__dict__.setdefault(column, value)  # keep what a handler already set
        return self.__dict__[name]

    @property
    def place_unit(self) -> Unit:
        """The complex or building the grievance is about."""
        return self._uow.session.get_one(Unit, self.place_unit_id)

    @property
    def unit(self) -> Unit:
        """The unit holding the case."""
        return self._uow.session.get_one(Unit, self.unit_id)

    @unit.setter
    def unit(self, unit: Unit) -> None:
        self.unit_id = unit.id

    def loaded(self, name: str) -> Any:
        """A column's value as it was read."""
        return self._loaded[name]

    def snapshot(self) -> SimpleNamespace | None:
        """The case as written, named as on `Case` (`unit`, `place_unit` as UnitRef), when it
        was read whole; None otherwise. A move reads the new holder's names (one unit row)."""
        if len(self._units) < 2:
            return None
        held = self._units["held"]
        if self.unit_id != self._loaded["unit_id"]:
            row = UNIT_REF.first(self._conn, {"key": self.unit_id})
            held = UnitRef(*(row[name] for name in UNIT_FIELDS)) if row else held
        columns = {name: getattr(self, name) for name in COLUMNS}
        return SimpleNamespace(**columns, unit=held, place_unit=self._units["place"])

    def changes(self) -> dict[str, Any]:
        """The columns set to a new value (JSON by value; a column set unread counts as new)."""
        loaded = self._loaded
        return {
            name: value
            for name, value in self.__dict__.items()
            if name in COLUMNS and (name not in loaded or value != loaded[name])
        }


def load_case_row(
    uow: UnitOfWork, conn: Connection, key: str | int, whole: bool = False
) -> CaseRow:
    """The case by numeric id or reference, as a CaseRow, or NotFound.

    `whole`: every column and the two units' names, for a caller that shows the case as
    written (CaseRow.snapshot); otherwise the columns an action reads (HOT).
    """
    text = str(key)
    by_id = text.isdigit()
    session = uow.opened_session
    held = _held(session, int(text)) if by_id else None
    if held is None:
        statement = WHOLE_BY[by_id] if whole else (BY_ID if by_id else BY_REF)
        row = statement.first(conn, {"key": int(text) if by_id else text})
        if row is None:
            raise NotFound(f"case {text}")
        held = None if by_id else _held(session, row["id"])
        if held is None:
            return CaseRow(uow, conn, row)
    # Act on the case as the session holds it (an edge or a composing service loaded it),
    # as the ORM did: a held copy older than the row then fails the version check.
    values = {name: getattr(held, name) for name in COLUMNS}
    if whole:
        for role, unit in (("held", held.unit), ("place", held.place_unit)):
            values.update({f"{role}_{name}": getattr(unit, name) for name in UNIT_FIELDS})
    return CaseRow(uow, conn, values, held)


def _held(session: Session | None, case_id: int) -> Case | None:
    """The session's own copy of the case, if it loaded one (identity keys: class, pk, token)."""
    if session is None:  # no session was opened: nothing is held
        return None
    held = session.identity_map.get((Case, (case_id,), None))
    return held if isinstance(held, Case) else None


def save_case_row(uow: UnitOfWork, case: CaseRow) -> dict[str, Any]:
    """Write the changed columns and the next version; StaleVersion if the row moved on."""
    written = case.changes()
    written["version"] = case.loaded("version") + 1
    written["updated_at"] = case.updated_at  # every action bumps the version and the time
    params = {**written, "_id": case.id, "_version": case.loaded("version")}
    # The report summaries' hook (migration 0016): counts the change before the UPDATE, from
    # the row at the version it requires. Whatever function writes a case row calls it.
    count_changes(case._conn, case.id, case.loaded("version"), case._loaded, written)
    if UPDATE.rowcount(case._conn, params) != 1:
        raise StaleVersion(case._conn.scalar(VERSION, {"key": case.id}) or 0)
    case.version = written["version"]
    if case.held is not None:
        _refresh_held(uow.session, case.held, written)
    return written


def _refresh_held(session: Session, held: Case, written: Mapping[str, Any]) -> None:
    """Bring the session's own copy up to date as if it had been loaded after the write."""
    for name, value in written.items():
        set_committed_value(held, name, value)
    if "unit_id" in written:
        set_committed_value(held, "unit", session.get_one(Unit, written["unit_id"]))


def write_change(
    uow: UnitOfWork,
    case: CaseRow | Case,
    actor: Actor,
    action: str,
    now: datetime,
    before: tuple[str | None, str | None, int | None],
    note: str = "",
    data: dict[str, Any] | None = None,
    visibility: str = INTERNAL,
) -> int:
    """Write a change of a case with its event and outbox row; the event's id.

    The one writer of case changes: actions (and meetings through them), the sweep's
    row-by-row path, submission and attachments. A CaseRow is saved first (versioned
    UPDATE, StaleVersion if the row moved on); an ORM `Case` is a row already written by its
    caller (a submission's INSERT) or left unchanged (an attachment), so only its event and
    notification are added.
    """
    if isinstance(case, CaseRow):
        save_case_row(uow, case)
    return insert_event(
        uow.connection(), case, actor, action, now, before, note, data or {}, visibility
    )


def insert_event(
    conn: Connection,
    case: CaseRow | Case,
    actor: Actor,
    action: str,
    now: datetime,
    before: tuple[str | None, str | None, int | None],
    note: str,
    data: dict[str, Any],
    visibility: str = INTERNAL,
) -> int:
    """Append the event of this change and queue the notification it raises; the event id.

    `visibility` says who reads the note: staff only (internal) or the resident too (public).
    """
    from_state, from_layer, from_unit = before
    event_id = INSERT_EVENT.inserted_id(conn, {
        "case_id": case.id, "at": now, "actor_id": actor.user_id, "actor_role": actor.role,
        "actor_label": actor.label, "action": action, "from_state": from_state,
        "to_state": case.state, "from_layer": from_layer, "to_layer": case.layer,
        "from_unit_id": from_unit, "to_unit_id": case.unit_id, "note": note, "data": data,
        "visibility": visibility,
    })
    kind = notification_kind(action, data)
    if kind is not None:  # the notification commits or rolls back with the change
        fields = {name: getattr(case, name) for name in PAYLOAD_FIELDS}
        INSERT_MESSAGE.rowcount(conn, {
            "event_id": event_id, "case_id": case.id, "kind": kind,
            "payload": payload_for(kind, action, now, fields, data),
            "idempotency_id": uuid.uuid4(), "status": "pending", "attempts": 0,
            "next_attempt_at": now, "last_error": "", "created_at": now, "delivered_at": None,
        })
    return event_id
