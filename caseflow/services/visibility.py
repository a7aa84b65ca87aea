"""Who may see what: the one read policy every edge goes through.

A reader is a `Viewer`: a staff user, a resident proved by a case's tracking token, or the
public (an anonymous page, an Open311 client). The policy, written once here:
- **jurisdiction**: a staff member sees what lies in the areas of their units (each unit of
  their memberships and the units below it: 交叉任职 gives exactly the union of the views
  of each membership); admins see everything; residents only their own case; the public
  only what is published for everyone;
- **personal data**: roles that handle a case see the reporter's name and phone (and that
  read is audited); leaders and owners' committees see them masked (王**, 138****5678);
  residents and the public never see another person's data, and phone or ID numbers typed
  into free text shown to them are masked;
- **notes**: staff see every note; residents and the public see replies only;
- **photos**: staff see every photo of a case they may read; the resident sees the photos
  they sent and the "after" photos showing the work done; the public sees none (nobody
  moderates what a photo shows: faces, number plates, the inside of a home).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from caseflow.domain.errors import PermissionDenied
from caseflow.domain.masking import mask_name, mask_phone, mask_text

# `inspector` (房管所 housing-office inspector) and `expert` (industry association expert)
# sit on the assessment panel (seed 002): they read like leaders (masked) and enter score sheets.
# The people of the grid, held at buildings (rules/roles.yaml): they sign in to see their
# buildings' cases (personal data masked) and to submit on a resident's behalf (代办).
GRID_ROLES = frozenset({"volunteer", "building_lead", "liaison", "butler"})
STAFF_ROLES = frozenset({"admin", "dispatcher", "unit_lead", "caseworker", "leader",
                         "owners_committee", "inspector", "expert"}) | GRID_ROLES
# Roles that handle cases and must be able to call the resident back: they read unmasked.
FULL_RECORD_ROLES = frozenset({"admin", "dispatcher", "unit_lead", "caseworker"})
ALL_CASES_ROLES = frozenset({"admin"})
RESIDENT, PUBLIC_ROLE = "resident", "public"
# Photo kinds (services/attachments.py) a resident reads of their own case.
RESIDENT_PHOTO_KINDS = frozenset({"report", "after", "link"})


@dataclass(frozen=True)
class Viewer:
    """Who is reading. Staff carry their user id and units; a resident the case they proved.

    `unit_id` is the person's first unit; `unit_ids` every unit of their memberships (the
    first included), read by `area_of`.
    """

    role: str
    id: int | None = None
    unit_id: int | None = None
    username: str = ""
    display_name: str = ""
    unit_name: str = ""
    case_id: int | None = None
    unit_ids: tuple[int, ...] = ()

    @property
    def units(self) -> tuple[int, ...]:
        """Every unit whose area this viewer reads (the first unit when no others are known)."""
        first = () if self.unit_id is None else (self.unit_id,)
        return tuple(dict.fromkeys([*first, *self.unit_ids]))

    @property
    def is_staff(self) -> bool:
        """A signed-in staff member (any staff role)."""
        return self.id is not None and self.role in STAFF_ROLES

    @property
    def sees_everything(self) -> bool:
        """No jurisdiction limit (administrators)."""
        return self.role in ALL_CASES_ROLES

    @property
    def sees_personal_data(self) -> bool:
        """Reads reporters' names and phones unmasked (and is audited for it)."""
        return self.role in FULL_RECORD_ROLES

    @property
    def sees_internal_notes(self) -> bool:
        """Reads staff's internal notes and staff names (any staff role)."""
        return self.is_staff


PUBLIC = Viewer(role=PUBLIC_ROLE)


def resident(case_id: int) -> Viewer:
    """The resident who proved, with its tracking token, that this case is theirs."""
    return Viewer(role=RESIDENT, case_id=case_id)


def viewer_of(who: Viewer | Any) -> Viewer:
    """The viewer a caller passed: a Viewer as is, a user row (or anything with its
    attributes) as its viewer. The unit's name is not read: a row a closed session loaded
    cannot load it, and no decision needs it."""
    if isinstance(who, Viewer):
        return who
    return Viewer(role=who.role, id=who.id, unit_id=who.unit_id, username=who.username,
                  display_name=who.display_name, unit_ids=tuple(getattr(who, "unit_ids", ())))


def staff_of(user: Any) -> Viewer:
    """`viewer_of` a user row in an open session, with its unit's name for the pages."""
    return replace(viewer_of(user), unit_name=user.unit.name if user.unit else "")


def area_of(who: Viewer | Any | None) -> tuple[int, ...] | None:
    """The units whose areas a staff viewer reads (the union of their memberships); None
    means everything (admins, the system).

    Residents and the public have no area: they read only what is theirs or published.
    """
    viewer = None if who is None else viewer_of(who)
    if viewer is None or viewer.sees_everything:
        return None
    if not viewer.is_staff or not viewer.units:
        raise PermissionDenied("residents follow their own case by reference and token")
    return viewer.units


def require_staff(viewer: Viewer | None) -> Viewer:
    """The viewer, when a staff member; PermissionDenied otherwise."""
    if viewer is None or not viewer.is_staff:
        raise PermissionDenied("this is for staff only")
    return viewer


def reads_in_full(viewer: Viewer | None, case: Any = None) -> bool:
    """Whether `viewer` reads personal data unmasked: the roles that handle cases, and the
    resident reading their own case (`case` is the case it is about, if any)."""
    if viewer is None:
        return False
    if viewer.sees_personal_data:
        return True
    return viewer.role == RESIDENT and case is not None and viewer.case_id == case.id


def reporter_view(case: Any, viewer: Viewer | None) -> dict[str, object]:
    """The reporter as this viewer may see them: full for handlers, masked for others."""
    full = reads_in_full(viewer, case)
    return {
        "name": case.reporter_name if full else mask_name(case.reporter_name),
        "phone": case.reporter_phone if full else mask_phone(case.reporter_phone),
        "masked": not full,
        "attrs": dict(case.reporter_attrs) if full else {},
    }


def shown_text(text: str, viewer: Viewer | None, case: Any = None) -> str:
    """Free text as this viewer reads it: phone and ID numbers masked unless they read the
    case's personal data in full."""
    return text if reads_in_full(viewer, case) else mask_text(text)


def shown_name(name: str, viewer: Viewer | None, case: Any = None) -> str:
    """A person's name as this viewer reads it (masked unless they read it in full)."""
    return name if reads_in_full(viewer, case) else mask_name(name)


def person_view(name: str, phone: str, viewer: Viewer | None) -> dict[str, object]:
    """A household's contact (or any resident's) as this viewer may see it: in full for
    the roles that handle cases, masked like a reporter's for everyone else."""
    full = viewer is not None and viewer.sees_personal_data
    return {"name": name if full else mask_name(name),
            "phone": phone if full else mask_phone(phone), "masked": not full}


def sees_photo(viewer: Viewer | None, case: Any, kind: str) -> bool:
    """Whether `viewer` may see a photo of `kind` on `case` (the caller has established
    that the viewer may read the case itself)."""
    if viewer is None:
        return False
    if viewer.is_staff:
        return True
    return (viewer.role == RESIDENT and case is not None and viewer.case_id == case.id
            and kind in RESIDENT_PHOTO_KINDS)
