"""Bearer-token authentication for the API, and `POST /api/v1/auth/token`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request

from caseflow.api.common import Blueprint, problems, rate_limit, runtime
from caseflow.api.schemas import LoginSchema, TokenSchema
from caseflow.domain.errors import PermissionDenied, Unauthenticated
from caseflow.services import tokens
from caseflow.services.tokens import VerifiedToken
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import PUBLIC, Viewer
from caseflow.services.visibility import STAFF_ROLES as STAFF_ROLES  # re-exported for views

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Tokens")
F = TypeVar("F", bound=Callable[..., Any])


def current_token() -> VerifiedToken | None:
    """The verified token of this request, or None without an Authorization header."""
    if "caseflow_token" not in g:
        header = request.headers.get("Authorization", "")
        if not header:
            g.caseflow_token = None
        else:
            rt = runtime()
            g.caseflow_token = tokens.authenticate(rt.engine, _bearer(header), rt.now())
    return g.caseflow_token


def staff_in(uow: UnitOfWork, roles: Iterable[str] = STAFF_ROLES) -> Viewer:
    """`requires(roles)` for a view that has its unit of work open: the bearer token is read
    on that unit of work's connection, which the view's use case then goes on using (one
    pooled connection per request instead of two: a checkout and a reset fewer)."""
    if "caseflow_token" not in g:
        header = request.headers.get("Authorization", "")
        if not header:
            g.caseflow_token = None
        else:
            g.caseflow_token = tokens.verify_token(uow, _bearer(header), runtime().now())
    user = current_user()
    if user is None:
        raise Unauthenticated()
    if user.role not in frozenset(roles):
        raise PermissionDenied(f"role {user.role} may not use this endpoint")
    return user


def _bearer(header: str) -> str:
    """The secret of an `Authorization: Bearer …` header, or Unauthenticated."""
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Unauthenticated("use 'Authorization: Bearer TOKEN'")
    return secret.strip()


def current_user() -> Viewer | None:
    """Who the request's bearer token reads as, or None when anonymous."""
    token = current_token()
    return token.user if token is not None else None


def current_viewer() -> Viewer:
    """Who reads: the token's user, the public without a token."""
    return current_user() or PUBLIC


def requires(roles: Iterable[str] | None = None) -> Callable[[F], F]:
    """Refuse anonymous requests (401) and, when `roles` is given, other roles (403)."""
    allowed = frozenset(roles) if roles is not None else None

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                raise Unauthenticated()
            if allowed is not None and user.role not in allowed:
                raise PermissionDenied(f"role {user.role} may not use this endpoint")
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


@blp.route("/token", methods=["POST"])
@blp.arguments(LoginSchema)
@blp.response(201, TokenSchema)
@blp.alt_response(401, description="Wrong username or password")
@problems(blp, 403)
def issue_token(body: dict[str, Any]) -> dict[str, Any]:
    """Exchange a username and password for a bearer token."""
    rt = runtime()
    with rt.uow() as uow:
        config = current_app.config
        token, secret = tokens.login(
            uow, body["username"], body["password"], rt.now(), int(config["TOKEN_DAYS"]),
            request.remote_addr or "-", max_failures=config["LOGIN_MAX_FAILURES"],
            lockout=config["LOGIN_LOCKOUT"])
    return {"token": secret, "expires_at": token.expires_at}


def after_register(app: Any) -> None:
    """Rate-limit password guessing on the token endpoint."""
    rate_limit(app, "auth.issue_token", lambda: app.config["TOKEN_RATE_LIMIT"])
