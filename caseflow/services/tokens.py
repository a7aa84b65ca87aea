"""API tokens: issue, verify, revoke, list. Only the sha256 of a token is stored."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, select, update

from caseflow.domain.errors import InvalidInput, NotFound, Unauthenticated
from caseflow.models import ApiToken, Membership, User
from caseflow.services import accounts
from caseflow.services.driver import DriverStatement
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import Viewer, viewer_of

PREFIX = "cf_"
# Writing last_used_at on every request would turn each read into a write; once a minute is enough.
TOUCH_EVERY = timedelta(minutes=1)


def token_hash(secret: str) -> str:
    """How a token is stored and looked up."""
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(
    uow: UnitOfWork,
    user: User | Viewer,
    now: datetime,
    name: str = "",
    days: int | None = 30,
    can_submit: bool = False,
) -> tuple[ApiToken, str]:
    """Create a token for `user` and commit; the secret is returned once and never stored."""
    if days is not None and days <= 0:
        raise InvalidInput("days", "must be a positive number of days")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name[:100],
        token_hash=token_hash(secret),
        created_at=now,
        expires_at=now + timedelta(days=days) if days else None,
        can_submit=can_submit,
    )
    uow.session.add(token)
    uow.commit()
    return token, secret


def login(
    uow: UnitOfWork, username: str, password: str, now: datetime, days: int,
    source: str = "-", **policy: Any,
) -> tuple[ApiToken, str]:
    """Check a username and password under the sign-in lockout policy (`accounts.sign_in`,
    the web form's) and issue a token, and commit; Unauthenticated or AccountLocked."""
    viewer = accounts.sign_in(uow, username, password, now, source, **policy)
    if viewer is None:
        raise Unauthenticated("wrong username or password")
    return issue_token(uow, viewer, now, name="login", days=days)


# Every API request looks its token up: one SELECT of the token and its user and one of the
# user's units, compiled once and run on the driver's cursor (services/driver.py), cost a
# fraction of the ORM loading both (the caller only reads them).
TOKENS, USERS = ApiToken.__table__, User.__table__
TOKEN_FIELDS = ("id", "revoked_at", "expires_at", "last_used_at", "can_submit")
BY_HASH = DriverStatement(
    select(*(TOKENS.c[name].label(f"token_{name}") for name in TOKEN_FIELDS), *USERS.columns)
    .join_from(TOKENS, USERS, TOKENS.c.user_id == USERS.c.id)
    .where(TOKENS.c.token_hash == bindparam("hash"))
)
TOUCH = update(ApiToken).where(ApiToken.id == bindparam("key")).values(last_used_at=bindparam("at"))
USER_FIELDS = tuple(USERS.columns.keys())


@dataclass(frozen=True)
class VerifiedToken:
    """A live API token: its id, whether it may submit cases, and who its user reads as."""

    id: int
    can_submit: bool
    user: Viewer


def verify_token(uow: UnitOfWork, secret: str, now: datetime) -> VerifiedToken:
    """The live token for `secret`, or Unauthenticated (a use is noted once a minute, and
    committed); read on the unit of work's connection, which its use case may go on using."""
    return _verify(uow.connection(), secret, now, uow.commit)


MEMBER_UNITS = DriverStatement(
    select(Membership.unit_id).where(Membership.user_id == bindparam("user"))
)


def authenticate(engine: Engine, secret: str, now: datetime) -> VerifiedToken:
    """`verify_token` for a request's bearer token, on a pooled connection without a Session."""
    with engine.connect() as conn:
        return _verify(conn, secret, now, conn.commit)


def _verify(
    conn: Connection, secret: str, now: datetime, commit: Callable[[], None]
) -> VerifiedToken:
    row = BY_HASH.first(conn, {"hash": token_hash(secret)})
    if row is None:
        raise Unauthenticated("the token is unknown or revoked")
    token_id, revoked_at, expires_at, last_used_at, can_submit = (
        row[f"token_{name}"] for name in TOKEN_FIELDS
    )
    user = {name: row[name] for name in USER_FIELDS}
    if revoked_at is not None or not user["active"]:
        raise Unauthenticated("the token is unknown or revoked")
    if expires_at is not None and expires_at <= now:
        raise Unauthenticated("the token has expired")
    # Every unit of the person's memberships: what they read is the union of their areas
    # (read before a touch's commit, which may close the connection).
    user["unit_ids"] = MEMBER_UNITS.column(conn, {"user": user["id"]})
    if last_used_at is None or now - last_used_at >= TOUCH_EVERY:
        conn.execute(TOUCH, {"key": token_id, "at": now})
        commit()
    return VerifiedToken(token_id, can_submit, viewer_of(SimpleNamespace(**user)))


def revoke_token(uow: UnitOfWork, token_id: int, now: datetime) -> ApiToken:
    """Revoke a token by id (idempotent) and commit."""
    token = uow.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"token {token_id}")
    token.revoked_at = token.revoked_at or now
    uow.commit()
    return token


def list_tokens(uow: UnitOfWork, username: str | None = None) -> list[ApiToken]:
    """Every token, or one user's, newest first."""
    query = select(ApiToken).order_by(ApiToken.id.desc())
    if username:
        query = query.join(User, User.id == ApiToken.user_id).where(User.username == username)
    return list(uow.session.scalars(query))
