"""Staff users: create them with a hashed password, find them, check a password.

Logins and API tokens live with the edges; this module only knows who a user is.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from caseflow.domain.errors import InvalidInput, NotFound
from caseflow.models import Membership, User
from caseflow.services.units import get_unit
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import GRID_ROLES

# The default roles of DESIGN.md (rules/roles.yaml grants their actions).
ROLES = ("admin", "dispatcher", "unit_lead", "caseworker", "leader", "owners_committee",
         "inspector", "expert", "resident", "volunteer", "building_lead", "liaison", "butler")
# What a new account gets unless someone chooses more: reading its area's figures (personal
# data masked) and commenting. Never admin by default.
LEAST_ROLE = "leader"
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 8


def create_user(uow: UnitOfWork, username: str, display_name: str, role: str,
                unit_code: str | None, password: str) -> User:
    """Add a user bound to one unit (none for an admin); the caller commits."""
    session = uow.session
    username = (username or "").strip().lower()
    if not USERNAME.match(username):
        raise InvalidInput("username", "use 2-64 lowercase letters, digits, '.', '_' or '-'")
    if find_user(session, username) is not None:
        raise InvalidInput("username", f"{username!r} is already taken")
    if not (display_name or "").strip():
        raise InvalidInput("display_name", "is required")
    if role not in ROLES:
        raise InvalidInput("role", f"must be one of {', '.join(ROLES)}")
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise InvalidInput("password", f"must be at least {MIN_PASSWORD} characters")
    unit_id = None
    if unit_code:
        try:
            unit = get_unit(session, unit_code)
        except NotFound:
            raise InvalidInput("unit", f"unknown unit {unit_code!r}") from None
        if role in GRID_ROLES and unit.kind != "building":
            raise InvalidInput("unit", f"a {role} is held at a building, not a {unit.kind}")
        unit_id = unit.id
    elif role != "admin":
        raise InvalidInput("unit", f"a {role} must belong to a unit")
    user = User(username=username, display_name=display_name.strip(), role=role,
                unit_id=unit_id, password_hash=generate_password_hash(password, method="scrypt"))
    session.add(user)
    session.flush()  # a second create_user in the same unit of work must see this name
    if unit_id is not None:  # the first membership (services.grid.memberships adds more)
        session.add(Membership(user_id=user.id, unit_id=unit_id, role=role))
    return user


def check_password(user: User, password: str) -> bool:
    """True when `password` matches the user's stored hash (inactive users never match)."""
    if not user.active or not user.password_hash or not isinstance(password, str):
        return False
    return check_password_hash(user.password_hash, password)


def find_user(session: Session, username: str) -> User | None:
    """The user with this username (case-insensitive), or None."""
    return session.scalar(select(User).where(User.username == (username or "").strip().lower()))
