"""Staff accounts on the admin UI: sign in with lockout, change and reset passwords.

`services/users.py` knows who a user is; this module decides whether they may sign in.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload
from werkzeug.security import generate_password_hash

from caseflow.domain.errors import AccountLocked, InvalidInput, NotFound
from caseflow.models import SignInFailures, User
from caseflow.services.uow import UnitOfWork
from caseflow.services.users import MIN_PASSWORD, check_password, create_user, find_user
from caseflow.services.visibility import Viewer, staff_of

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MAX_LOCKOUT = timedelta(hours=24)
FORGET_AFTER = timedelta(hours=24)  # a source quiet this long starts again from nothing
security_log = logging.getLogger("caseflow.security")


def sign_in(uow: UnitOfWork, username: str, password: str, now: datetime, source: str = "-",
            max_failures: int = MAX_FAILURES, lockout: timedelta = LOCKOUT) -> Viewer | None:
    """The one lockout policy of every sign-in door (web form, API token, CLI), and commit.

    Failures count per username AND source address: after `max_failures` wrong passwords
    that source is locked out of that username for `lockout`, doubling with each lockout in
    a row (at most a day); other sources, the owner's among them, are not affected. Each
    lockout is logged at WARNING on `caseflow.security`, the administrators' alert.
    """
    username = username if isinstance(username, str) else ""
    key = (username.strip().lower()[:64], (source or "-")[:64])
    record = uow.session.scalars(select(SignInFailures).where(
        SignInFailures.username == key[0], SignInFailures.source == key[1])).first()
    if record is not None and record.locked_until is not None and record.locked_until > now:
        raise AccountLocked(record.locked_until)
    user = find_user(uow.session, username)
    if user is not None and user.active and check_password(user, password):
        if record is not None:
            uow.session.delete(record)
        uow.commit()
        return staff_of(user)
    _count_failure(uow, record, key, now, max_failures, lockout)
    uow.commit()
    return None


def _count_failure(uow: UnitOfWork, record: SignInFailures | None, key: tuple[str, str],
                   now: datetime, max_failures: int, lockout: timedelta) -> None:
    if record is None:
        record = SignInFailures(username=key[0], source=key[1], failures=0, lockouts=0,
                                last_failure_at=now)
        uow.session.add(record)
    elif record.last_failure_at < now - FORGET_AFTER:
        record.failures, record.lockouts = 0, 0
    record.failures += 1
    record.last_failure_at = now
    if record.failures >= max_failures:
        record.failures, record.lockouts = 0, record.lockouts + 1
        record.locked_until = now + min(lockout * 2 ** (record.lockouts - 1), MAX_LOCKOUT)
        security_log.warning(
            "sign-in locked: %s from %s until %s (lockout %d in a row)",
            key[0], key[1], record.locked_until.isoformat(), record.lockouts,
            extra={"alert": "sign_in_locked", "username": key[0], "source": key[1]})


def lift_lockouts(uow: UnitOfWork, username: str) -> None:
    """Forget every failure and lockout of a username (a password reset does this)."""
    uow.session.execute(delete(SignInFailures).where(
        SignInFailures.username == username.strip().lower()[:64]))


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
    lift_lockouts(uow, username)
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
