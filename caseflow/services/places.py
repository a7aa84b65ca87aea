"""Finding the place a report is about: by coordinates or by words in an address."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from caseflow.models import Unit, UnitClosure
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import Viewer, area_of

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG), metres
PLACE_KINDS = ("complex", "building")
MIN_CODE = 3


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def nearest(
    lat: float, lon: float, candidates: Iterable[tuple[float, float, Unit]]
) -> tuple[Unit, float] | None:
    """The candidate closest to (lat, lon) and its distance in metres; None if none."""
    best: tuple[Unit, float] | None = None
    for c_lat, c_lon, unit in candidates:
        distance = haversine_m(lat, lon, c_lat, c_lon)
        # Ties go to the lower id, so the answer does not depend on row order.
        if best is None or (distance, unit.id) < (best[1], best[0].id):
            best = (unit, distance)
    return best


def _inside(query: Select[Unit], ancestor_id: int | None) -> Select[Unit]:
    if ancestor_id is None:
        return query
    return query.join(UnitClosure, UnitClosure.descendant_id == Unit.id).where(
        UnitClosure.ancestor_id == ancestor_id
    )


def nearest_complex(
    session: Session, lat: float, lon: float, inside: int | None = None
) -> tuple[Unit, float] | None:
    """The complex with coordinates nearest to a point, optionally inside one unit's subtree."""
    query = select(Unit).where(
        Unit.kind == "complex", Unit.latitude.is_not(None), Unit.longitude.is_not(None)
    )
    query = _inside(query, inside)
    # Complexes number in the thousands per city at most; a full scan in Python is simpler
    # and as fast as a bounding-box prefilter at that size.
    units = session.scalars(query).all()
    return nearest(lat, lon, ((u.latitude, u.longitude, u) for u in units))  # type: ignore[misc]


def match_place(session: Session, text: str, inside: int | None = None) -> Unit | None:
    """The complex or building whose code or name occurs in `text`; the longest match wins.

    Names shared by several places (every complex has a "3栋") are ambiguous and ignored, and
    so are codes shorter than MIN_CODE, which would match inside ordinary words.
    """
    text = text.strip()
    if not text:
        return None
    query = _inside(select(Unit).where(Unit.kind.in_(PLACE_KINDS)), inside)
    found: list[tuple[int, int, Unit]] = []
    names: dict[str, int] = {}
    units = session.scalars(query).all()
    for unit in units:
        names[unit.name] = names.get(unit.name, 0) + 1
    lowered = text.lower()
    for unit in units:
        if len(unit.code) >= MIN_CODE and unit.code.lower() in lowered:
            found.append((len(unit.code), 1, unit))
        elif names[unit.name] == 1 and unit.name in text:
            found.append((len(unit.name), 0, unit))
    if not found:
        return None
    found.sort(key=lambda item: (-item[0], -item[1], item[2].id))
    return found[0][2]


@dataclass(frozen=True)
class Place:
    """A complex or building a resident can pick, named with its complex."""

    code: str
    label: str


def places(uow: UnitOfWork, inside: tuple[int, ...] | None = None) -> list[Place]:
    """Complexes and their buildings, in tree order, for the grievance forms; with `inside`,
    only those in that unit's subtree."""
    query = select(Unit.code, Unit.name, Unit.kind, Unit.id, Unit.parent_id).where(
        Unit.kind.in_(PLACE_KINDS)
    )
    if inside is not None:
        query = query.join(UnitClosure, UnitClosure.descendant_id == Unit.id).where(
            UnitClosure.ancestor_id.in_(inside)
        ).distinct()
    rows = uow.session.execute(query.order_by(Unit.id)).all()
    names = {row.id: row.name for row in rows if row.kind == "complex"}
    result = []
    for row in rows:
        if row.kind == "complex":
            result.append(Place(row.code, row.name))
        elif row.parent_id in names:
            result.append(Place(row.code, f"{names[row.parent_id]} · {row.name}"))
    return sorted(result, key=lambda place: place.label)


def intake_places(uow: UnitOfWork, viewer: Viewer) -> tuple[list[Place], str]:
    """The places a staff member registers grievances for: those in their area (a street's
    dispatcher does not scroll through five cities), and the default one: their own unit
    when it is a place (a complex's office registers for its complex), else none."""
    area = area_of(viewer)
    own = uow.session.get(Unit, viewer.unit_id) if viewer.unit_id is not None else None
    if own is not None and own.kind == "property_office" and own.parent is not None:
        own = own.parent  # a property office serves the complex it sits in
        area = (own.id,)
    default = own.code if own is not None and own.kind in PLACE_KINDS else ""
    return places(uow, area), default
