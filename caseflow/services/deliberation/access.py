"""Whose area a meeting or a vote lies in: the jurisdiction test of deliberation.

A meeting and a vote belong to a residential complex (a meeting on a case also to the
case). Staff reach a complex when it lies in their area (their unit or a unit below it:
the community, street, district and city above read it) or when they work inside it (its
branch, property office, owners' committee: the staff running its meetings and votes).
A caseworker of a sibling complex or another city reaches neither. Only staff inside the
complex write; the units above read and supervise. Admins reach everything.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, exists, false, or_, select
from sqlalchemy.orm import Session

from caseflow.domain.errors import NotFound, PermissionDenied
from caseflow.models import Case, UnitClosure
from caseflow.services.uow import UnitOfWork
from caseflow.services.users import find_user
from caseflow.services.visibility import Viewer, staff_of

# Roles that run a complex's meetings and votes (leaders and dispatchers supervise).
ACTING_ROLES = frozenset({"caseworker", "unit_lead", "owners_committee"})
# The operator at the command line already holds the database: reads all, unmasked.
OPERATOR = Viewer(role="admin", id=0, username="operator", display_name="operator")


def viewer_named(uow: UnitOfWork, username: str | None) -> Viewer:
    """The viewer a command-line `--as USER` names; the operator without one."""
    if not username:
        return OPERATOR
    user = find_user(uow.session, username)
    if user is None or not user.active:
        raise NotFound(f"user {username}")
    return staff_of(user)


def _linked(session: Session, ancestor_id: int, descendant_id: int) -> bool:
    """True when `ancestor_id` is the unit `descendant_id` or a unit above it."""
    # The closure table holds each unit as its own ancestor (depth 0): one lookup.
    query = select(
        exists().where(
            UnitClosure.ancestor_id == ancestor_id, UnitClosure.descendant_id == descendant_id
        )
    )
    return bool(session.scalar(query))


def in_area(session: Session, viewer: Viewer | None, unit_id: int) -> bool:
    """The unit lies in the viewer's area (their unit or below it); admins: always."""
    if viewer is not None and viewer.sees_everything:
        return True
    if viewer is None or not viewer.is_staff:
        return False
    return any(_linked(session, unit, unit_id) for unit in viewer.units)


def works_inside(session: Session, viewer: Viewer | None, complex_id: int) -> bool:
    """The viewer's unit is the complex or a unit below it (its office, a building)."""
    if viewer is None or not viewer.is_staff:
        return False
    return any(_linked(session, complex_id, unit) for unit in viewer.units)


def reaches(session: Session, viewer: Viewer | None, complex_id: int) -> bool:
    """The viewer may read the complex's meetings, votes and ballots."""
    return in_area(session, viewer, complex_id) or works_inside(session, viewer, complex_id)


def reach_clause(viewer: Viewer, complex_column: Any, case_column: Any = None) -> Any:
    """SQL: rows whose complex (or case, when given) the viewer reaches; None = all rows."""
    if viewer.sees_everything:
        return None
    if not viewer.is_staff or not viewer.units:
        return false()
    units = viewer.units  # every membership's unit: the union of their reaches
    below = select(UnitClosure.descendant_id).where(UnitClosure.ancestor_id.in_(units))
    above = select(UnitClosure.ancestor_id).where(UnitClosure.descendant_id.in_(units))
    # The closure table holds each unit as its own ancestor, so "below" includes the unit.
    terms: list[ColumnElement[bool]] = [complex_column.in_(below), complex_column.in_(above)]
    if case_column is not None:
        cases = select(Case.id).where(or_(Case.unit_id.in_(below), Case.place_unit_id.in_(below)))
        terms.append(case_column.in_(cases))
    return or_(*terms)


def case_in_area(session: Session, viewer: Viewer | None, case: Case | None) -> bool:
    """The meeting's case is held by, or about a place in, the viewer's area."""
    if case is None:
        return False
    return in_area(session, viewer, case.unit_id) or in_area(session, viewer, case.place_unit_id)


def require_reach(session: Session, viewer: Viewer | None, complex_id: int, what: str,
                  case: Case | None = None) -> None:
    """PermissionDenied unless the viewer reaches the complex (or the case) of `what`."""
    if not (reaches(session, viewer, complex_id) or case_in_area(session, viewer, case)):
        raise PermissionDenied(f"{what} lies outside your area")


def may_act_for_complex(session: Session, viewer: Viewer | None, complex_id: int) -> bool:
    """Staff working inside the complex in a role that runs meetings and votes, or an admin.

    `None` is the operator at the command line, who already holds the database.
    """
    if viewer is None or viewer.sees_everything:
        return True
    return viewer.role in ACTING_ROLES and works_inside(session, viewer, complex_id)
