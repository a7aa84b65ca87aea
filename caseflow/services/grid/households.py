"""The household register of a building (户联系): unit number, contact, notes.

Contacts are personal data: the roles that handle cases read them in full, every other
reader (a volunteer, a liaison, a leader) masked, by caseflow.services.visibility.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from caseflow.domain.errors import InvalidInput, NotFound, PermissionDenied
from caseflow.domain.masking import mask_text
from caseflow.models import Household, Unit, UnitClosure, User
from caseflow.services.units import get_unit
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import (
    Viewer,
    area_of,
    person_view,
    reads_in_full,
    require_staff,
)

REGISTRARS = frozenset({"admin", "unit_lead", "dispatcher", "caseworker", "liaison",
                        "building_lead"})


@dataclass(frozen=True)
class NewHousehold:
    """A household to register at a building."""

    viewer: Viewer
    building: str
    unit_number: str
    contact_name: str = ""
    contact_phone: str = ""
    notes: str = ""
    liaison: str | None = None


@dataclass(frozen=True)
class HouseholdView:
    """One household as this reader may see it."""

    id: int
    building: str
    unit_number: str
    contact: dict[str, object]
    notes: str
    liaison: str


def _building(uow: UnitOfWork, viewer: Viewer, code: str) -> Unit:
    try:
        unit = get_unit(uow.session, code)
    except NotFound:
        raise InvalidInput("building", f"unknown unit {code!r}") from None
    if unit.kind != "building":
        raise InvalidInput("building", f"{code!r} is a {unit.kind}, not a building")
    units = area_of(viewer)
    inside = select(UnitClosure.depth).where(UnitClosure.ancestor_id.in_(units or ()),
                                             UnitClosure.descendant_id == unit.id).limit(1)
    if units is not None and uow.session.scalar(inside) is None:
        raise PermissionDenied("that building lies outside your area")
    return unit


def add_household(uow: UnitOfWork, new: NewHousehold, now: datetime) -> HouseholdView:
    """Register a household at a building in the registrar's area, and commit."""
    viewer = require_staff(new.viewer)
    if viewer.role not in REGISTRARS:
        raise PermissionDenied(f"role {viewer.role} does not keep the household register")
    building = _building(uow, viewer, new.building)
    number = (new.unit_number or "").strip()
    if not number or len(number) > 32:
        raise InvalidInput("unit_number", "give the unit number, e.g. 2单元501 (≤ 32 characters)")
    if uow.session.scalar(select(Household.id).where(
            Household.building_id == building.id, Household.unit_number == number)):
        raise InvalidInput("unit_number", f"{number} is registered at this building already")
    liaison_id = None
    if new.liaison:
        liaison_id = uow.session.scalar(select(User.id).where(User.username == new.liaison))
        if liaison_id is None:
            raise InvalidInput("liaison", f"unknown user {new.liaison!r}")
    row = Household(building_id=building.id, unit_number=number,
                    contact_name=new.contact_name.strip()[:100],
                    contact_phone=new.contact_phone.strip()[:32], notes=new.notes.strip(),
                    liaison_id=liaison_id, created_at=now)
    uow.session.add(row)
    uow.commit()
    return _view(row, building.code, new.liaison or "", viewer)


def _view(row: Household, building: str, liaison: str, viewer: Viewer) -> HouseholdView:
    notes = row.notes if reads_in_full(viewer) else mask_text(row.notes)
    return HouseholdView(row.id, building, row.unit_number,
                         person_view(row.contact_name, row.contact_phone, viewer), notes,
                         liaison)


def households_of(uow: UnitOfWork, viewer: Viewer, building: str) -> list[HouseholdView]:
    """A building's register, by unit number, as this reader may see it."""
    viewer = require_staff(viewer)
    unit = _building(uow, viewer, building)
    rows = uow.session.execute(
        select(Household, User.username).outerjoin(User, User.id == Household.liaison_id)
        .where(Household.building_id == unit.id).order_by(Household.unit_number))
    return [_view(row, unit.code, liaison or "", viewer) for row, liaison in rows]
