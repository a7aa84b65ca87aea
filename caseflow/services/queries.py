"""Reading cases for inboxes and lists: jurisdiction scope, filters, search, sort, pages."""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    func,
    literal_column,
    or_,
    select,
    table,
    true,
)
from sqlalchemy import case as when
from sqlalchemy.orm import Session

from caseflow.domain.errors import InvalidInput, NotFound, PermissionDenied
from caseflow.models import Case, Unit, UnitClosure, User
from caseflow.services import due
from caseflow.services.cases import get_case, hash_token
from caseflow.services.dispatch.records import dispatched_within
from caseflow.services.reporting.common import Period, submitted_in
from caseflow.services.units import get_unit
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import Viewer, area_of

SORTS = ("urgency", "submitted_at", "-submitted_at", "updated_at", "-updated_at")
# Trigram indexes (FTS5 trigram, pg_trgm) need three characters; shorter text uses LIKE.
TRIGRAM = 3
MAX_ID = 2**31 - 1  # ids are 32-bit integer columns


@dataclass(frozen=True)
class CaseFilters:
    """What a list of cases is narrowed to; every field is optional."""

    state: tuple[str, ...] = ()
    layer: str | None = None
    category: str | None = None
    unit: str | None = None
    overdue: bool | None = None
    green_channel: bool | None = None
    assignee: str | None = None
    text: str | None = None
    # The cases behind a report figure (the landing page links to them): where the problem
    # is (属地, as reports count), who holds the case (that unit or below / exactly it),
    # due soon, supervised (督办), submitted or closed on local dates, the settling layer.
    place: str | None = None
    holder: str | None = None
    held_by: str | None = None
    warning: bool = False
    supervised: bool = False
    submitted: tuple[date, date] | None = None
    closed: tuple[date, date] | None = None
    settled_at: tuple[str, ...] = ()


def _subtree(unit_ids: int | tuple[int, ...]) -> Select[int]:
    units = (unit_ids,) if isinstance(unit_ids, int) else unit_ids
    if len(units) == 1:
        return select(UnitClosure.descendant_id).where(UnitClosure.ancestor_id == units[0])
    return select(UnitClosure.descendant_id).where(UnitClosure.ancestor_id.in_(units))


def _in_subtree(unit_ids: int | tuple[int, ...]) -> ColumnElement[bool]:
    # A unit's area: cases it (or a unit below) holds, cases about places below it, and
    # cases dispatched to its departments (caseflow.services.dispatch); several units'
    # (交叉任职): the union of their areas.
    area = _subtree(unit_ids)
    return or_(Case.unit_id.in_(area), Case.place_unit_id.in_(area), dispatched_within(area))


def scope_clause(viewer: User | Viewer | None) -> ColumnElement[bool] | None:
    """The jurisdiction a viewer reads: None means everything (admins, system callers)."""
    units = area_of(viewer)
    return None if units is None else _in_subtree(units)


def can_see(session: Session, viewer: User | Viewer | None, case: Case) -> bool:
    """True when the case lies in the viewer's jurisdiction."""
    units = area_of(viewer)
    if units is None:
        return True
    return session.scalar(_IN_AREA[True], {"key": case.id, "units": list(units)}) is not None


# Built once (every API action checks the jurisdiction first): the id of a case by id (True)
# or by reference (False), anywhere or within the areas of the units bound to "units".
_AREA = select(UnitClosure.descendant_id).where(
    UnitClosure.ancestor_id.in_(bindparam("units", expanding=True)))
_BY_KEY = {by_id: select(Case.id).where((Case.id if by_id else Case.ref) == bindparam("key"))
           for by_id in (True, False)}
_IN_AREA = {by_id: query.where(or_(Case.unit_id.in_(_AREA), Case.place_unit_id.in_(_AREA),
                                   dispatched_within(_AREA)))
            for by_id, query in _BY_KEY.items()}


def _text_clause(session: Session, text: str) -> ColumnElement[bool]:
    dialect = session.get_bind().dialect.name
    if len(text) >= TRIGRAM and dialect == "sqlite":
        phrase = '"' + text.replace('"', '""') + '"'  # one FTS5 phrase, operators quoted away
        fts = table("cases_fts")
        matches: Select[Any] = select(literal_column("rowid")).select_from(fts).where(
            literal_column("cases_fts").op("MATCH")(phrase)
        )
        return Case.id.in_(matches)
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    if dialect == "postgresql":
        # The same expression as the pg_trgm index of migration 0002, so the index serves it.
        searched = Case.title.op("||")(literal_column("' '")).op("||")(Case.description)
        return searched.ilike(pattern, escape="\\")
    return or_(Case.title.like(pattern, escape="\\"), Case.description.like(pattern, escape="\\"))


# The caller's phone as digits (separators dropped) and its last four digits: the same SQL
# text as the expression indexes of migration 0016, so both databases use them.
PHONE_DIGITS = "replace(replace(cases.reporter_phone, '-', ''), ' ', '')"
PHONE_TAIL = f"substr({PHONE_DIGITS}, length({PHONE_DIGITS}) - 3)"
PHONE_QUERY = re.compile(r"^\+?[0-9][0-9\- ]*$")
REF_PREFIX = "CF-"


def _search_clause(session: Session, text: str) -> ColumnElement[bool]:
    """What a dispatcher types in the search box: a reference (or its start), the caller's
    phone (in full or its last four digits), the caller's name, or words of the title and
    description. Every branch is served by an index (unique ref, the phone expressions,
    the name, FTS5 or pg_trgm)."""
    if text.upper().startswith(REF_PREFIX):
        start = text.upper()
        return Case.ref.between(start, start + "~")  # refs are [0-9A-Z-], all below "~"
    found = [_text_clause(session, text)]
    if PHONE_QUERY.match(text):
        digits = re.sub(r"[^0-9]", "", text)
        if len(digits) >= 4:
            tail = literal_column(PHONE_TAIL) == digits[-4:]
            if len(digits) > 4:  # a full number: the tail finds the rows, the whole confirms
                escaped = digits  # digits only: nothing to escape in LIKE
                tail = tail & literal_column(PHONE_DIGITS).like("%" + escaped)
            found.append(tail)
    else:
        found.append(Case.reporter_name == text)
    return or_(*found)


def _filtered(session: Session, filters: CaseFilters, now: datetime) -> list[Any]:
    clauses: list[Any] = []
    if filters.state:
        clauses.append(Case.state.in_(filters.state))
    if filters.layer:
        clauses.append(Case.layer == filters.layer)
    if filters.category:
        clauses.append(Case.category == filters.category)
    if filters.unit:
        try:
            clauses.append(_in_subtree(get_unit(session, filters.unit).id))
        except NotFound:
            raise InvalidInput("unit", f"unknown unit {filters.unit!r}") from None
    if filters.overdue is not None:
        clauses.append(due.overdue(now) if filters.overdue else due.not_overdue(now))
    if filters.green_channel is not None:
        clauses.append(Case.green_channel.is_(filters.green_channel))
    if filters.assignee:
        assignee = session.scalar(select(User.id).where(User.username == filters.assignee))
        clauses.append(Case.assignee_id == (assignee or -1))
    if filters.text and filters.text.strip():
        clauses.append(_search_clause(session, filters.text.strip()))
    return clauses + _figure_clauses(session, filters, now)


def _unit_id(session: Session, field: str, code: str) -> int:
    try:
        return get_unit(session, code).id
    except NotFound:
        raise InvalidInput(field, f"unknown unit {code!r}") from None


def _figure_clauses(session: Session, filters: CaseFilters, now: datetime) -> list[Any]:
    """The clauses of the figure filters, written as the reports count (reporting.common,
    containment, services/due)."""
    clauses: list[Any] = []
    if filters.place:
        clauses.append(Case.place_unit_id.in_(_subtree(_unit_id(session, "place", filters.place))))
    if filters.holder:
        clauses.append(Case.unit_id.in_(_subtree(_unit_id(session, "holder", filters.holder))))
    if filters.held_by:
        clauses.append(Case.unit_id == _unit_id(session, "held_by", filters.held_by))
    if filters.warning:
        clauses.append(due.warning(now))
    if filters.supervised:
        clauses.append(Case.supervised.is_(True))
    if filters.submitted:
        clauses.append(submitted_in(Period.from_dates(*filters.submitted)))
    if filters.closed:
        period = Period.from_dates(*filters.closed)
        clauses.append((Case.closed_at >= period.start) & (Case.closed_at < period.end))
    if filters.settled_at:
        clauses.append(func.coalesce(Case.resolved_layer, Case.layer).in_(filters.settled_at))
    return clauses


def count_each(
    uow: UnitOfWork, viewer: User | None, common: CaseFilters, cells: list[CaseFilters],
    now: datetime,
) -> list[int]:
    """How many cases `viewer` may read match `common` and each of `cells`, in one query.

    Each count is of exactly the cases `list_cases` lists for `merged(common, cell)`: the
    same clauses, so a figure and the list behind it cannot disagree.
    """
    session = uow.session
    clauses = _filtered(session, common, now)
    scope = scope_clause(viewer)
    if scope is not None:
        clauses.append(scope)
    sums = [func.coalesce(func.sum(when((and_(true(), *_filtered(session, cell, now)), 1),
                                        else_=0)), 0) for cell in cells]
    if not sums:
        return []
    return [int(n) for n in session.execute(select(*sums).where(*clauses)).one()]


def merged(common: CaseFilters, cell: CaseFilters) -> CaseFilters:
    """The filters of one counted cell: `common` with the cell's fields, which must not
    narrow a field `common` already narrows (the count would then differ from the list)."""
    blank = CaseFilters()
    changes = {name: getattr(cell, name) for name in CaseFilters.__dataclass_fields__
               if getattr(cell, name) != getattr(blank, name)}
    clash = [name for name in changes if getattr(common, name) != getattr(blank, name)]
    if clash:
        raise ValueError(f"both narrow {', '.join(clash)}")
    return replace(common, **changes)


def _order(sort: str) -> list[Any]:
    if sort not in SORTS:
        raise InvalidInput("sort", f"must be one of {', '.join(SORTS)}")
    if sort == "urgency":
        # Overdue first (they have the earliest deadline), then the next due; none due last.
        return [*due.urgency(), Case.id]
    column = getattr(Case, sort.lstrip("-"))
    return [column.desc(), Case.id.desc()] if sort.startswith("-") else [column, Case.id]


def list_cases(
    uow: UnitOfWork,
    viewer: User | Viewer | None,
    filters: CaseFilters,
    sort: str = "urgency",
    page: int = 1,
    per_page: int = 20,
    now: datetime | None = None,
) -> tuple[list[Case], int]:
    """One page of the cases `viewer` may read, and how many there are in all."""
    if now is None:
        raise InvalidInput("now", "the current time is required for overdue filters")
    session = uow.session
    clauses = _filtered(session, filters, now)
    scope = scope_clause(viewer)
    if scope is not None:
        clauses.append(scope)
    total = session.scalar(select(func.count()).select_from(Case).where(*clauses)) or 0
    query = (
        select(Case)
        .where(*clauses)
        .order_by(*_order(sort))
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    )
    return list(session.scalars(query).unique()), total


def unit_forest(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Every unit as nested dicts (code, name, kind, property_company, children), roots first."""
    units = list(uow.session.scalars(select(Unit).order_by(Unit.id)))
    nodes: dict[int, dict[str, Any]] = {
        u.id: {
            "code": u.code,
            "name": u.name,
            "kind": u.kind,
            "property_company": u.property_company.code if u.property_company else None,
            "children": [],
        }
        for u in units
    }
    roots: list[dict[str, Any]] = []
    for unit in units:
        parent = nodes.get(unit.parent_id) if unit.parent_id is not None else None
        (parent["children"] if parent else roots).append(nodes[unit.id])
    return roots


def case_key(key: str | int) -> tuple[bool, int | str]:
    """(by id?, the id or reference) of a case key that can name a case, or NotFound."""
    text = str(key)
    # A NUL cannot be in any reference, and PostgreSQL refuses it in a query parameter.
    if "\x00" in text:
        raise NotFound(f"case {text!r}")
    if not text.isdigit():
        return False, text
    # Digits such as "²" or ids past the integer column would fail in the driver, not match.
    if not text.isascii() or int(text) > MAX_ID:
        raise NotFound(f"case {text}")
    return True, int(text)


def _case(uow: UnitOfWork, key: str | int) -> Case:
    case_key(key)
    return get_case(uow.session, key)


def visible_case(uow: UnitOfWork, viewer: User | Viewer | None, key: str | int) -> Case:
    """A case by id or reference that `viewer` may read: NotFound, or PermissionDenied."""
    case = _case(uow, key)
    if not can_see(uow.session, viewer, case):
        raise PermissionDenied("this case is outside your jurisdiction")
    return case


def visible_case_id(uow: UnitOfWork, viewer: User | None, key: str | int) -> int:
    """`visible_case(...).id` in one SELECT of the id, for callers that load the case later."""
    by_id, value = case_key(key)
    units = area_of(viewer)
    conn = uow.session.connection()  # plain Core: no ORM entity to load
    if units is None:
        found = conn.scalar(_BY_KEY[by_id], {"key": value})
    else:
        found = conn.scalar(_IN_AREA[by_id], {"key": value, "units": list(units)})
    if found is not None:
        return found
    if conn.scalar(_BY_KEY[by_id], {"key": value}) is None:
        raise NotFound(f"case {value}")
    raise PermissionDenied("this case is outside your jurisdiction")


@dataclass(frozen=True)
class UnitRef:
    """A unit as a rendered case names it."""

    code: str
    name: str
    kind: str


# Built once: a case's columns and its two units' names in one Core SELECT (see case_snapshot).
_CASES, _HELD, _PLACE = Case.__table__, Unit.__table__.alias("held"), Unit.__table__.alias("place")
_UNIT_FIELDS = tuple(UnitRef.__dataclass_fields__)
_SNAPSHOT = (
    select(_CASES, *(unit.c[name].label(f"{unit.name}_{name}")
                     for unit in (_HELD, _PLACE) for name in _UNIT_FIELDS))
    .join_from(_CASES, _HELD, _HELD.c.id == _CASES.c.unit_id)
    .join(_PLACE, _PLACE.c.id == _CASES.c.place_unit_id)
    .where(_CASES.c.id == bindparam("key"))
)


def case_snapshot(uow: UnitOfWork, case_id: int) -> SimpleNamespace:
    """A case as plain attributes named as on `Case` (`unit`, `place_unit` as UnitRef).

    What an edge renders after acting through Core: reading it builds no ORM objects.
    """
    row = uow.session.connection().execute(_SNAPSHOT, {"key": case_id}).mappings().first()
    if row is None:
        raise NotFound(f"case {case_id}")
    values = {column.key: row[column.key] for column in _CASES.columns}
    held, place = (UnitRef(*(row[f"{unit}_{name}"] for name in _UNIT_FIELDS))
                   for unit in ("held", "place"))
    return SimpleNamespace(**values, unit=held, place_unit=place)


def case_for_resident(uow: UnitOfWork, key: str | int, tracking_token: str) -> Case:
    """The resident's own case, proved by the tracking token handed out at submission."""
    case = _case(uow, key)
    if not hmac.compare_digest(case.tracking_token_hash, hash_token(tracking_token)):
        raise PermissionDenied("the tracking token does not match this case")
    return case
