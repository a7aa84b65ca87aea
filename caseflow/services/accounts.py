"""Staff accounts on the admin UI: sign in with lockout, change and reset passwords.

`services/users.py` knows who a user is; this module decides whether they may sign in.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.security import generate_password_hash

from caseflow.domain.errors import AccountLocked, InvalidInput, NotFound
from caseflow.models import User
from caseflow.services.uow import UnitOfWork
from caseflow.services.users import MIN_PASSWORD, check_password, create_user, find_user
from caseflow.services.visibility import Viewer, staff_of

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)




def sign_in(uow: UnitOfWork, username: str, password: str, now: datetime,
            max_failures: int = MAX_FAILURES, lockout: timedelta = LOCKOUT) -> Viewer | None:
    """Who signed in when the password is right; counts failures and locks the account
    (and commits)."""
    user = find_user(uow.session, username)
    if user is None or not user.active:
        return None
    if user.locked_until is not None and user.locked_until > now:
        raise AccountLocked(user.locked_until)
    if check_password(user, password):
        user.failed_logins, user.locked_until = 0, None
        uow.commit()
        return staff_of(user)
    user.failed_logins += 1
    if user.failed_logins >= max_failures:
        user.failed_logins, user.locked_until = 0, now + lockout
    uow.commit()
    return None


def _set_password(user: User, password: str, now: datetime) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise InvalidInput("password", f"must be at least {MIN_PASSWORD} characters")
    user.password_hash = generate_password_hash(password, method="scrypt")
    user.password_changed_at = now
    user.failed_logins, user.locked_until = 0, None


def change_password(uow: UnitOfWork, user_id: int, old: str, new: str, now: datetime) -> None:
    """A user changes their own password, proving the old one (commits)."""
    user = get_user(uow, user_id)
    if not check_password(user, old):
        raise InvalidInput("old_password", "is not your current password")
    _set_password(user, new, now)
    uow.commit()


def reset_password(uow: UnitOfWork, username: str, new: str, now: datetime) -> None:
    """An administrator sets a new password and lifts any lockout (commits)."""
    _set_password(_by_name(uow, username), new, now)
    uow.commit()


def set_active(uow: UnitOfWork, username: str, active: bool) -> None:
    """Deactivate (or reactivate) an account; inactive users cannot sign in (commits)."""
    _by_name(uow, username).active = active
    uow.commit()


def get_user(uow: UnitOfWork, user_id: int) -> User:
    """A user by id, or NotFound."""
    user = uow.session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id}")
    return user


def list_users(uow: UnitOfWork) -> list[User]:
    """Every account, by username, with its unit loaded."""
    query = select(User).options(joinedload(User.unit)).order_by(User.username)
    return list(uow.session.scalars(query))


def _by_name(uow: UnitOfWork, username: str) -> User:
    user = find_user(uow.session, username)
    if user is None:
        raise NotFound(f"user {username}")
    return user


def signed_in(uow: UnitOfWork, user_id: int) -> Viewer | None:
    """Who a session's user id reads as, while their account is active (else None)."""
    user = uow.session.get(User, user_id)
    return staff_of(user) if user is not None and user.active else None


def viewer_named(uow: UnitOfWork, username: str) -> Viewer:
    """Who the user with this username reads and acts as, or NotFound."""
    return staff_of(_by_name(uow, username))


def add_user(uow: UnitOfWork, username: str, display_name: str, role: str,
             unit_code: str | None, password: str) -> Viewer:
    """`users.create_user`, and commit: a new account."""
    viewer = staff_of(create_user(uow, username, display_name, role, unit_code, password))
    uow.commit()
    return viewer
