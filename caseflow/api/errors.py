"""The one place that maps errors to HTTP: `application/problem+json` for the JSON API.

Paths outside the API (the admin UI, Open311) are left to their own handlers: for them these
handlers fall back to Flask's plain HTTP error pages.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Request, Response, json, request
from werkzeug.exceptions import HTTPException

from caseflow.domain.errors import CaseflowError

PROBLEM = "application/problem+json"
API_PREFIXES = ("/api/", "/api")
log = logging.getLogger(__name__)

# Stable codes for plain HTTP errors, beside the CaseflowError codes.
HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
    500: "internal_error",
}


def wants_json(req: Request) -> bool:
    """True for requests the JSON API answers (problem+json); the admin UI answers the rest."""
    return req.path == "/api" or req.path.startswith("/api/")


def problem(status: int, title: str, detail: str, **extra: Any) -> Response:
    """An RFC 9457 problem response; `extra` adds members such as `code` or `field`."""
    body = {"type": extra.pop("type", "about:blank"), "title": title, "status": status}
    body |= {"detail": detail, "code": HTTP_CODES.get(status, "error")} | extra
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="caseflow"'
    return response


_PHRASES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


def caseflow_problem(error: CaseflowError) -> Response:
    """A domain error as a problem: its status, code, message and extra fields."""
    status = error.status if error.status in _PHRASES else 500
    return problem(
        status,
        _PHRASES[status],
        error.message,
        type=f"urn:caseflow:problem:{error.code}",
        **error.to_dict(),
    )


def _validation_problem(error: HTTPException) -> Response:
    """webargs/marshmallow errors: name the first field that failed and keep them all."""
    messages = (getattr(error, "data", None) or {}).get("messages") or {}
    fields = _flatten(messages)
    if error.code == 400:
        detail = "the request body could not be parsed: " + "; ".join(r for _, r in fields)
        return problem(400, _PHRASES[400], detail, errors=dict(fields))
    field, reason = fields[0] if fields else ("body", "is invalid")
    return problem(
        422, _PHRASES[422], f"{field}: {reason}", field=field, errors=dict(fields)
    )


def _flatten(messages: Any, prefix: str = "") -> list[tuple[str, str]]:
    """`{"json": {"reporter": {"phone": ["bad"]}}}` → `[("reporter.phone", "bad")]`."""
    if isinstance(messages, dict):
        out: list[tuple[str, str]] = []
        for key, value in messages.items():
            top = not prefix and key in ("json", "query", "form", "files", "headers", "view_args")
            name = prefix if top else f"{prefix}.{key}" if prefix else str(key)
            out.extend(_flatten(value, name))
        return out
    if isinstance(messages, list | tuple):
        if messages and all(isinstance(m, str) for m in messages):
            return [(prefix or "body", "; ".join(messages))]
        return [pair for item in messages for pair in _flatten(item, prefix)]
    return [(prefix or "body", str(messages))]


def handle_caseflow_error(error: CaseflowError) -> Response | tuple[str, int]:
    """Domain errors: problem+json under /api; a short text page elsewhere."""
    if wants_json(request):
        return caseflow_problem(error)
    return error.message, error.status


def handle_http_error(error: HTTPException) -> Response | HTTPException:
    """Werkzeug, smorest, webargs and Flask-Limiter errors as problems under /api."""
    if not wants_json(request):
        return error
    status = error.code or 500
    if status in (400, 422) and getattr(error, "data", None):
        return _validation_problem(error)
    detail = error.description or _PHRASES.get(status, "error")
    if status == 413:
        limit = request.max_content_length
        detail = f"the request body is larger than the limit of {limit} bytes"
    if status == 429:
        detail = f"too many requests; limit {error.description}"
    return problem(status, _PHRASES.get(status, error.name), str(detail))


def handle_unexpected(error: Exception) -> Response | HTTPException:
    """Anything else: logged, answered 500 without internals."""
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    if not wants_json(request):
        raise error  # other edges keep Flask's own handling (and tests see the exception)
    log.exception("unhandled error on %s %s", request.method, request.path)
    return problem(500, _PHRASES[500], "something went wrong on our side; it has been logged")


def install(app: Flask) -> None:
    """Install the handlers on the app (after flask-smorest, so these win)."""
    app.register_error_handler(CaseflowError, handle_caseflow_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
