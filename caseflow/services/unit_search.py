"""Finding units by name within what a viewer may see: the leaders' unit picker.

The area is `visibility.area_of` (a staff member's unit and the units below it; everything
for administrators), so the picker never offers a unit whose figures would be refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from caseflow.domain.errors import PermissionDenied
from caseflow.models import Unit, UnitClosure
from caseflow.services.units import get_unit
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import area_of

# Kinds a leader reads figures for; property offices and buildings are too fine to list
# without a search (they are still found by name).
AREAS = ("city", "district", "street", "community", "complex")
LIMIT = 20


@dataclass(frozen=True)
class FoundUnit:
    """A unit as the picker offers it: code, name, kind and the names above it."""

    code: str
    name: str
    kind: str
    path: str  # e.g. 乐山市 › 市中区 › 柏杨街道


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _root(uow: UnitOfWork, viewer: Any, under: str | None) -> tuple[int, ...] | None:
    """The units to search below: the viewer's area (one unit per membership), or the unit
    `under` when it lies in it; None: everywhere."""
    area = area_of(viewer)
    if not under:
        return area
    wanted = get_unit(uow.session, under).id
    if area is not None and uow.session.scalar(select(UnitClosure.depth).where(
            UnitClosure.ancestor_id.in_(area), UnitClosure.descendant_id == wanted)
            .limit(1)) is None:
        raise PermissionDenied("that unit lies outside your jurisdiction")
    return (wanted,)


def find_units(uow: UnitOfWork, viewer: Any, text: str = "", limit: int = LIMIT,
               kinds: Iterable[str] = (), under: str | None = None) -> list[FoundUnit]:
    """Units in the viewer's area (or below `under`, inside it) whose name or code contains
    `text` (all units of `kinds` when there is no text), highest in the tree first."""
    area = _root(uow, viewer, under)
    depth = func.count(UnitClosure.ancestor_id).label("depth")  # how deep in the forest
    query = (select(Unit.id, Unit.code, Unit.name, Unit.kind, depth)
             .join(UnitClosure, UnitClosure.descendant_id == Unit.id)
             .group_by(Unit.id, Unit.code, Unit.name, Unit.kind))
    if area is not None:
        inside = select(UnitClosure.descendant_id).where(UnitClosure.ancestor_id.in_(area))
        query = query.where(Unit.id.in_(inside))
    words = text.strip()
    if words:
        query = query.where(or_(Unit.name.like(_like(words), escape="\\"),
                                Unit.code.like(_like(words), escape="\\")))
    kinds = tuple(kinds)
    if kinds:
        query = query.where(Unit.kind.in_(kinds))
    rows = uow.session.execute(query.order_by(depth, Unit.name, Unit.code)
                               .limit(max(1, min(limit, 500)))).all()
    paths = _paths(uow, [row.id for row in rows], area)
    return [FoundUnit(row.code, row.name, row.kind, paths.get(row.id, "")) for row in rows]


def _paths(uow: UnitOfWork, ids: list[int], area: tuple[int, ...] | None) -> dict[int, str]:
    """The names of each unit's ancestors (itself left out), top first, for telling apart
    units of the same name; above the viewer's area only the area's own name is kept."""
    if not ids:
        return {}
    above = aliased(Unit)
    query = (select(UnitClosure.descendant_id, above.name, above.id)
             .join(above, above.id == UnitClosure.ancestor_id)
             .where(UnitClosure.descendant_id.in_(ids), UnitClosure.depth > 0)
             .order_by(UnitClosure.descendant_id, UnitClosure.depth.desc()))
    hidden = set()
    if area is not None:
        hidden = set(uow.session.scalars(
            select(UnitClosure.ancestor_id).where(UnitClosure.descendant_id.in_(area),
                                                  UnitClosure.depth > 0)))
    found: dict[int, list[str]] = {}
    for unit_id, name, ancestor in uow.session.execute(query):
        if ancestor not in hidden:
            found.setdefault(unit_id, []).append(name)
    return {unit_id: " › ".join(names) for unit_id, names in found.items()}


def unit_names(uow: UnitOfWork, codes: Iterable[str]) -> dict[str, str]:
    """The names of some units by code (unknown codes are left out)."""
    wanted = [c for c in set(codes) if c]
    if not wanted:
        return {}
    query = select(Unit.code, Unit.name).where(Unit.code.in_(wanted))
    return {code: name for code, name in uow.session.execute(query)}
