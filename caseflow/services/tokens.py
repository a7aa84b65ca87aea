"""API tokens: issue, verify, revoke, list. Only the sha256 of a token is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update

from caseflow.domain.errors import CaseflowError, InvalidInput, NotFound
from caseflow.models import ApiToken, User
from caseflow.services.uow import UnitOfWork
from caseflow.services.users import check_password, find_user

PREFIX = "cf_"
# Writing last_used_at on every request would turn each read into a write; once a minute is enough.
TOUCH_EVERY = timedelta(minutes=1)


class Unauthenticated(CaseflowError):
    """No credentials, or credentials that are wrong, expired or revoked."""

    code = "unauthenticated"
    status = 401

    def __init__(self, message: str = "a valid bearer token is required") -> None:
        super().__init__(message)


def token_hash(secret: str) -> str:
    """How a token is stored and looked up."""
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(
    uow: UnitOfWork,
    user: User,
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
    uow: UnitOfWork, username: str, password: str, now: datetime, days: int
) -> tuple[ApiToken, str]:
    """Check a username and password and issue a token for them, or Unauthenticated."""
    user = find_user(uow.session, username) if isinstance(username, str) else None
    if user is None or not check_password(user, password):
        raise Unauthenticated("wrong username or password")
    return issue_token(uow, user, now, name="login", days=days)


# Built once: every API request looks its token up (the user comes along, joined).
BY_HASH = select(ApiToken).where(ApiToken.token_hash == bindparam("hash"))
TOUCH = update(ApiToken).where(ApiToken.id == bindparam("key")).values(last_used_at=bindparam("at"))


def verify_token(uow: UnitOfWork, secret: str, now: datetime) -> ApiToken:
    """The live token for `secret` (its user loaded), or Unauthenticated."""
    token = uow.session.scalar(BY_HASH, {"hash": token_hash(secret)})
    if token is None or token.revoked_at is not None or not token.user.active:
        raise Unauthenticated("the token is unknown or revoked")
    if token.expires_at is not None and token.expires_at <= now:
        raise Unauthenticated("the token has expired")
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        uow.session.execute(TOUCH, {"key": token.id, "at": now})
        uow.commit()
    return token


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
