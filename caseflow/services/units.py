"""The jurisdiction forest: import, closure table, holders of layers, relations."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import yaml
from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.orm import Session

from caseflow.domain.errors import InvalidInput, NotFound
from caseflow.domain.policy import ABOVE, HOLDER, OUTSIDE
from caseflow.models import PropertyCompany, Unit, UnitClosure
from caseflow.models.units import UNIT_KINDS
from caseflow.services.uow import UnitOfWork

# 职能部门 serve a level of government (or sit under a parent department, its own line).
DEPARTMENT_PARENTS = frozenset({"district", "city", "department"})
CSV_COLUMNS = ("code", "name", "kind", "parent", "property_company", "latitude", "longitude")


def _flatten(nodes: Iterable[Mapping[str, Any]], parent: str | None) -> Iterator[dict[str, Any]]:
    for node in nodes:
        row = {key: value for key, value in node.items() if key != "children"}
        row.setdefault("parent", parent)
        yield row
        yield from _flatten(node.get("children") or [], row["code"])


def parse_units(text: str, filename: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Read a YAML tree (`companies`, `units` with `children`) or a CSV (CSV_COLUMNS)."""
    if filename.endswith(".csv"):
        rows = [dict(row) for row in csv.DictReader(io.StringIO(text))]
        return [], [{k: v for k, v in row.items() if v not in (None, "")} for row in rows]
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise InvalidInput("units", f"{filename}: expected a mapping with 'units'")
    return list(data.get("companies") or []), list(_flatten(data.get("units") or [], None))


def import_units(
    uow: UnitOfWork, companies: list[dict[str, Any]], rows: list[dict[str, Any]]
) -> int:
    """Create or update companies and units by code, then rebuild the closure table."""
    session = uow.session
    by_code = {c.code: c for c in session.scalars(select(PropertyCompany))}
    for raw in companies:
        company = by_code.get(raw["code"]) or PropertyCompany(code=raw["code"], name=raw["name"])
        company.name, company.attrs = raw["name"], dict(raw.get("attrs") or {})
        session.add(company)
        by_code[company.code] = company
    units = {u.code: u for u in session.scalars(select(Unit))}
    for number, raw in enumerate(rows, start=1):
        _apply_unit_row(session, units, by_code, raw, number)
    session.flush()  # parents need ids before the closure table can name them
    rebuild_closure(session)
    return len(rows)


def _apply_unit_row(
    session: Session,
    units: dict[str, Unit],
    companies: Mapping[str, PropertyCompany],
    raw: Mapping[str, Any],
    number: int,
) -> None:
    code, kind = str(raw.get("code") or ""), raw.get("kind")
    if not code or not raw.get("name"):
        raise InvalidInput("units", f"row {number}: code and name are required")
    if kind not in UNIT_KINDS:
        raise InvalidInput("units", f"row {number} ({code}): unknown kind {kind!r}")
    parent_code = raw.get("parent")
    if parent_code and parent_code not in units:
        raise InvalidInput("units", f"row {number} ({code}): unknown parent {parent_code!r}")
    if kind == "department" and (not parent_code
                                 or units[parent_code].kind not in DEPARTMENT_PARENTS):
        raise InvalidInput("units", f"row {number} ({code}): a department is attached to the "
                                    "district or city it serves (or to a parent department)")
    company_code = raw.get("property_company")
    if company_code and company_code not in companies:
        raise InvalidInput(
            "units", f"row {number} ({code}): unknown property company {company_code!r}"
        )
    unit = units.get(code) or Unit(code=code, name=raw["name"], kind=kind)
    unit.name, unit.kind = raw["name"], kind
    unit.parent = units[parent_code] if parent_code else None
    unit.property_company = companies[company_code] if company_code else None
    unit.latitude = float(raw["latitude"]) if raw.get("latitude") not in (None, "") else None
    unit.longitude = float(raw["longitude"]) if raw.get("longitude") not in (None, "") else None
    unit.attrs = dict(raw.get("attrs") or {})
    session.add(unit)
    units[code] = unit


def rebuild_closure(session: Session) -> None:
    """Recompute every (ancestor, descendant, depth) pair from the parent links."""
    parents = dict(session.execute(select(Unit.id, Unit.parent_id)).all())
    rows = []
    for unit_id in parents:
        ancestor: int | None = unit_id
        depth = 0
        while ancestor is not None:
            rows.append({"ancestor_id": ancestor, "descendant_id": unit_id, "depth": depth})
            ancestor, depth = parents.get(ancestor), depth + 1
    session.execute(delete(UnitClosure))
    if rows:
        session.execute(insert(UnitClosure), rows)


def get_unit(session: Session, code: str) -> Unit:
    """The unit with this code, or NotFound."""
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise NotFound(f"unit {code}")
    return unit


def import_unit_file(uow: UnitOfWork, text: str, filename: str) -> tuple[int, int]:
    """Import a YAML or CSV file of units (`parse_units`), and commit; (units, companies)."""
    companies, rows = parse_units(text, filename)
    count = import_units(uow, companies, rows)
    uow.commit()
    return count, len(companies)


def find_unit(uow: UnitOfWork, code: str) -> Unit | None:
    """The unit with this code, or None (for forms that may name none)."""
    return uow.session.scalar(select(Unit).where(Unit.code == code)) if code else None


def holder_for(session: Session, place_unit_id: int, unit_kind: str) -> int | None:
    """The unit of `unit_kind` responsible for a place: an ancestor, or the complex's office."""
    if unit_kind == "property_office":
        complex_id = holder_for(session, place_unit_id, "complex")
        return session.scalar(
            select(Unit.id)
            .where(Unit.parent_id == complex_id, Unit.kind == "property_office")
            .order_by(Unit.id)
            .limit(1)
        )
    return session.scalar(
        select(Unit.id)
        .join(UnitClosure, UnitClosure.ancestor_id == Unit.id)
        .where(UnitClosure.descendant_id == place_unit_id, Unit.kind == unit_kind)
        .order_by(UnitClosure.depth)
        .limit(1)
    )


def relation(session: Session | Connection, actor_unit_id: int | None, holder_unit_id: int) -> str:
    """How an actor's unit stands to the unit holding a case: holder, above, or outside."""
    if actor_unit_id is None:
        return OUTSIDE
    if actor_unit_id == holder_unit_id:
        return HOLDER
    above = session.scalar(
        select(UnitClosure.depth).where(
            UnitClosure.ancestor_id == actor_unit_id, UnitClosure.descendant_id == holder_unit_id
        )
    )
    return ABOVE if above is not None else OUTSIDE


def unit_path(session: Session, unit_id: int) -> list[Unit]:
    """The unit and its ancestors, root first (city › … › building)."""
    return list(
        session.scalars(
            select(Unit)
            .join(UnitClosure, UnitClosure.ancestor_id == Unit.id)
            .where(UnitClosure.descendant_id == unit_id)
            .order_by(UnitClosure.depth.desc())
        )
    )
