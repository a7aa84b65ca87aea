"""Memberships: a person's roles in several units (交叉任职), and the grid roles at buildings.

What a person sees is the union of their memberships' areas (services.visibility.area_of
reads `Viewer.units`); what they may do on a case is decided by the membership that stands
nearest to the unit holding it (holder before above), with that membership's role.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from caseflow.domain.errors import InvalidInput, NotFound
from caseflow.domain.policy import ABOVE, DEPARTMENT, HOLDER, OUTSIDE, Actor
from caseflow.models import Membership, Unit, User
from caseflow.services.dispatch.records import case_relation
from caseflow.services.units import get_unit, relation
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import GRID_ROLES, STAFF_ROLES

# Grid roles are held at buildings (rules: the seeds' 楼栋党小组, 楼长, 物业管家).
BUILDING_KINDS = frozenset({"building"})
_RANK = {HOLDER: 0, ABOVE: 1, DEPARTMENT: 2, OUTSIDE: 3}
_ROLES_OF = select(Membership.unit_id, Membership.role).where(
    Membership.user_id == bindparam("user"))


@dataclass(frozen=True)
class MembershipView:
    """One role of a person in one unit, as pages and the API list it."""

    username: str
    display_name: str
    role: str
    unit_code: str
    unit_name: str


def actor_on(session: Session | Connection, user: Any, holder_unit_id: int,
             case_id: int | None = None) -> Actor:
    """The actor a person is on a case held by `holder_unit_id`: the membership standing
    nearest to the holder decides the relation and the role (the first unit and role on a tie).

    One membership (most people) costs no query beyond the relation's own.
    """
    first = (user.unit_id, user.role)
    units = tuple(getattr(user, "units", None) or getattr(user, "unit_ids", ()) or ())
    if len(units) <= 1 or user.id is None:
        pairs: Sequence[tuple[int | None, str]] = [first]
    else:
        pairs = [first, *((u, r) for u, r in session.execute(_ROLES_OF, {"user": user.id}))]
    # On a case, a department it was dispatched to stands in its own relation (部门解题).
    standings = [(relation(session, unit_id, holder_unit_id) if case_id is None
                  else case_relation(session, unit_id, case_id, holder_unit_id), role)
                 for unit_id, role in pairs]
    nearest = min(standings, key=lambda pair: _RANK[pair[0]])  # min keeps the first on a tie
    # Outside every unit, the person acts (and is refused) as their first role.
    role = nearest[1] if nearest[0] != OUTSIDE else user.role
    return Actor(role=role, relation=nearest[0], user_id=user.id, label=user.username)


def add_membership(uow: UnitOfWork, username: str, unit_code: str, role: str) -> MembershipView:
    """Give a person a role in one more unit, and commit. Grid roles go to buildings only."""
    session = uow.session
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise InvalidInput("username", f"unknown user {username!r}")
    try:
        unit = get_unit(session, unit_code)
    except NotFound:
        raise InvalidInput("unit", f"unknown unit {unit_code!r}") from None
    if role not in STAFF_ROLES or role == "admin":
        known = ", ".join(sorted(STAFF_ROLES - {"admin"}))
        raise InvalidInput("role", f"must be one of {known}")
    if role in GRID_ROLES and unit.kind not in BUILDING_KINDS:
        raise InvalidInput("unit", f"a {role} is held at a building, not a {unit.kind}")
    exists = session.scalar(select(Membership.id).where(
        Membership.user_id == user.id, Membership.unit_id == unit.id, Membership.role == role))
    if exists is None:
        session.add(Membership(user_id=user.id, unit_id=unit.id, role=role))
    uow.commit()
    return MembershipView(user.username, user.display_name, role, unit.code, unit.name)


def memberships_of(uow: UnitOfWork, username: str) -> list[MembershipView]:
    """Every role a person holds, their first unit first."""
    rows = uow.session.execute(
        select(User.username, User.display_name, Membership.role, Unit.code, Unit.name)
        .join(Membership, Membership.user_id == User.id)
        .join(Unit, Unit.id == Membership.unit_id)
        .where(User.username == username).order_by(Membership.id))
    return [MembershipView(*row) for row in rows]


def people_at(session: Session | Connection, unit_id: int,
              roles: frozenset[str] | None = None) -> list[tuple[int, str, str]]:
    """(user id, username, phone) of the active people holding a role in this very unit:
    as their first unit and role, or as a membership."""
    member = (select(User.id, User.username, User.phone)
              .join(Membership, Membership.user_id == User.id)
              .where(Membership.unit_id == unit_id, User.active))
    first = select(User.id, User.username, User.phone).where(User.unit_id == unit_id,
                                                            User.active)
    if roles is not None:
        member = member.where(Membership.role.in_(sorted(roles)))
        first = first.where(User.role.in_(sorted(roles)))
    rows = {row[0]: (row[0], row[1], row[2]) for row in session.execute(member.union(first))}
    return [rows[key] for key in sorted(rows)]
