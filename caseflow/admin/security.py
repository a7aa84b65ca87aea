"""Security headers on every response, CSRF checks on browser forms, and role checks."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, Response, current_app, request
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFProtect

from caseflow.domain.errors import PermissionDenied

# Paths authenticated by tokens rather than cookies; CSRF does not apply to them.
CSRF_EXEMPT_PREFIXES = ("/api/", "/open311/", "/georeport/", "/healthz", "/metrics")
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
_HEADERS = tuple((name.lower(), name, value) for name, value in HEADERS.items())

F = TypeVar("F", bound=Callable[..., Any])


def protect_forms() -> None:
    """Refuse any unsafe browser request without a valid CSRF token (400)."""
    if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
        return
    if request.path.startswith(CSRF_EXEMPT_PREFIXES) or not current_app.config.get(
        "WTF_CSRF_ENABLED", True
    ):
        return
    csrf: CSRFProtect = current_app.extensions["csrf"]
    csrf.protect()


def add_headers(response: Response) -> Response:
    """A strict policy: no inline script or style anywhere, no framing."""
    headers = response.headers
    present = {name.lower() for name in headers.keys()}
    for lowered, name, value in _HEADERS:
        if lowered not in present:  # as setdefault, with one pass over the headers
            headers.add(name, value)
    return response


def init_app(app: Flask) -> None:
    """Install the CSRF check and the headers on the whole app."""
    app.before_request(protect_forms)
    app.after_request(add_headers)


def requires(*roles: str) -> Callable[[F], F]:
    """A view only signed-in users with one of `roles` may open (403 otherwise)."""

    def decorate(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if roles and current_user.role not in roles:
                raise PermissionDenied("this page is not for your role")
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
