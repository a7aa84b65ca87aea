"""The one place where errors become answers, for every edge.

Views never catch errors from the tree in `caseflow/domain/errors.py`; they raise, and the
handlers installed here answer in the edge's own format, chosen by the request's path:
- the JSON API (`/api`): `application/problem+json` (RFC 9457) with the error's `code` and,
  for bad input, the `field`;
- Open311 (`/open311`, `/georeport`): GeoReport v2's `[{code, description}]` (or XML) with
  the spec's statuses: 404 not found, 403 forbidden, 400 anything else the client sent;
- every other path: an HTML page in the reader's language;
- the CLI: one readable line (`cli_message`), through `caseflow.cli.common.plain_errors`.
"""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, Request, Response, current_app, json, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from caseflow.domain.errors import (
    AccountLocked,
    ActionNotAllowed,
    CaseflowError,
    InvalidInput,
    MalformedInput,
    NotFound,
    PermissionDenied,
    RulesInvalid,
    StaleVersion,
    Unauthenticated,
)
from caseflow.open311.render import error_response as open311_error

PROBLEM = "application/problem+json"
OPEN311_PREFIXES = ("/open311/", "/georeport/")
ZONE = ZoneInfo("Asia/Shanghai")
log = logging.getLogger(__name__)

# Stable codes and reason phrases for plain HTTP errors, beside the CaseflowError codes.
HTTP_CODES = {
    400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
    415: "unsupported_media_type", 422: "validation_failed", 429: "too_many_requests",
    500: "internal_error",
}
PHRASES = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 409: "Conflict", 413: "Content Too Large",
    415: "Unsupported Media Type", 422: "Unprocessable Content", 429: "Too Many Requests",
    500: "Internal Server Error",
}


def wants_json(req: Request) -> bool:
    """True for requests the JSON API answers (problem+json)."""
    return req.path == "/api" or req.path.startswith("/api/")


def _is_open311(req: Request) -> bool:
    return req.path.startswith(OPEN311_PREFIXES)


# --- the JSON API -------------------------------------------------------------------------

def problem(status: int, title: str, detail: str, **extra: Any) -> Response:
    """An RFC 9457 problem response; `extra` adds members such as `code` or `field`."""
    body = {"type": extra.pop("type", "about:blank"), "title": title, "status": status}
    body |= {"detail": detail, "code": HTTP_CODES.get(status, "error")} | extra
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="caseflow"'
    return response


def caseflow_problem(error: CaseflowError) -> Response:
    """A domain error as a problem: its status, code, message and extra fields."""
    status = error.status if error.status in PHRASES else 500
    return problem(status, PHRASES[status], error.message,
                   type=f"urn:caseflow:problem:{error.code}", **error.to_dict())


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


def _validation_problem(error: HTTPException) -> Response:
    """webargs/marshmallow errors: name the first field that failed and keep them all."""
    fields = _flatten((getattr(error, "data", None) or {}).get("messages") or {})
    if error.code == 400:
        detail = "the request body could not be parsed: " + "; ".join(r for _, r in fields)
        return problem(400, PHRASES[400], detail, errors=dict(fields))
    field, reason = fields[0] if fields else ("body", "is invalid")
    return problem(422, PHRASES[422], f"{field}: {reason}", field=field, errors=dict(fields))


def _http_problem(error: HTTPException) -> Response:
    status = error.code or 500
    if status in (400, 422) and getattr(error, "data", None):
        return _validation_problem(error)
    detail = error.description or PHRASES.get(status, "error")
    if status == 413:
        detail = f"the request body is larger than the limit of {request.max_content_length} bytes"
    if status == 429:
        detail = f"too many requests; limit {error.description}"
    return problem(status, PHRASES.get(status, error.name), str(detail))


# --- Open311 ------------------------------------------------------------------------------

def _open311_format() -> str:
    fmt = (request.view_args or {}).get("fmt")
    if fmt in ("json", "xml"):
        return str(fmt)
    return "json" if request.path.endswith(".json") else "xml"  # XML is the required format


def open311_status(error: CaseflowError) -> int:
    """GeoReport's statuses: 404 not found, 403 forbidden, else 400 (or the error's own)."""
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, PermissionDenied | Unauthenticated):
        return 403
    return error.status if error.status in (400, 403, 404) else 400


# --- pages --------------------------------------------------------------------------------

def explain(error: CaseflowError) -> str:
    """The error in the reader's language, as one sentence."""
    # Imported here: the admin package imports this module (its pages raise), and the CLI
    # imports this module without wanting every page loaded.
    from caseflow.admin.error_texts import translated
    from caseflow.admin.labels import ACTIONS, FIELDS, STATES, label

    if isinstance(error, StaleVersion):
        return _("This case has been updated by someone else.")
    if isinstance(error, NotFound):
        return _("Not found.")
    if isinstance(error, AccountLocked):
        return _("Too many failed sign-ins. Try again after %(time)s or ask an administrator.",
                 time=error.until.astimezone(ZONE).strftime("%H:%M"))
    if isinstance(error, PermissionDenied):
        return _("You may not do this.")
    if isinstance(error, ActionNotAllowed):
        return _("“%(action)s” is not possible while the case is “%(state)s”.",
                 action=label(ACTIONS, error.action), state=label(STATES, error.state))
    if isinstance(error, MalformedInput):
        return _("Please check “%(field)s”: it contains characters that cannot be stored.",
                 field=label(FIELDS, error.field))
    if isinstance(error, InvalidInput):
        return _("Please check “%(field)s”: %(message)s", field=label(FIELDS, error.field),
                 message=translated(error.reason))
    if isinstance(error, RulesInvalid):
        return _("The rules are not valid.")
    return translated(error.message)


def caseflow_page(error: CaseflowError) -> tuple[str, int]:
    """Any domain error as a page with its HTTP status."""
    return render_template("admin/error.html", message=explain(error)), error.status


def _csrf_page() -> tuple[str, int]:
    message = _("The form has expired or was not sent from this site. Nothing was changed; "
                "please go back, reload the page and try again.")
    return render_template("admin/error.html", message=message), 400


def http_page_message(status: int) -> str:
    """What a page says for a plain HTTP error, in the reader's language (never Werkzeug's
    English description)."""
    if status == 413:
        return _("What was sent is larger than the limit of %(size)d kB.",
                 size=(request.max_content_length or 0) // 1024)
    messages = {
        400: _("The request could not be read. Go back, check the form and send it again."),
        401: _("Please sign in first."),
        403: _("You may not do this."),
        404: _("Not found."),
        405: _("This address cannot be used this way. Open it from a link or a form of the "
               "site."),
        409: _("Someone else changed this meanwhile. Reload the page and try again."),
        415: _("What was sent is not in a form this page accepts."),
        422: _("Some of what was sent is not valid. Go back, check the form and send it again."),
        429: _("Too many requests in a short time. Wait a moment and try again."),
    }
    return messages.get(status, _("Something went wrong on our side. It has been logged; "
                                  "please try again later."))


def _http_page(error: HTTPException) -> tuple[str, int]:
    status = error.code or 500
    return render_template("admin/error.html", message=http_page_message(status)), status


# --- the CLI ------------------------------------------------------------------------------

def cli_message(error: CaseflowError) -> list[str]:
    """An error as the lines a command prints (rules issues one per `file:line`)."""
    if isinstance(error, RulesInvalid):
        lines = [f"{issue.file}:{issue.line}: {issue.message}" for issue in error.issues]
        return [*lines, f"{len(error.issues)} error(s); nothing was changed"]
    return [f"{error.code}: {error}"]


# --- the handlers -------------------------------------------------------------------------

def handle_caseflow_error(error: CaseflowError) -> Response | tuple[str, int]:
    """A domain error in the format of the edge that was asked."""
    if wants_json(request):
        return caseflow_problem(error)
    if _is_open311(request):
        return open311_error(_open311_format(), open311_status(error), error.message)
    return caseflow_page(error)


def handle_http_error(error: HTTPException) -> Response | tuple[str, int]:
    """Werkzeug, smorest, webargs, Flask-WTF and Flask-Limiter errors, per edge."""
    if wants_json(request):
        return _http_problem(error)
    if _is_open311(request):
        status = error.code if error.code in (400, 403, 404) else 400
        return open311_error(_open311_format(), status, str(error.description))
    if isinstance(error, CSRFError):
        return _csrf_page()
    return _http_page(error)


def handle_unexpected(error: Exception) -> Response | tuple[str, int]:
    """Anything else: logged, answered 500 without internals (tests see it raised)."""
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    if not wants_json(request) and (current_app.testing or current_app.debug):
        raise error  # page tests and the debugger see the exception itself
    log.exception("unhandled error on %s %s", request.method, request.path)
    if wants_json(request):
        return problem(500, PHRASES[500], "something went wrong on our side; it has been logged")
    if _is_open311(request):
        return open311_error(_open311_format(), 500, "internal error")
    return render_template("admin/error.html", message=http_page_message(500)), 500


def install(app: Flask) -> None:
    """Install the handlers on the app (after flask-smorest's, so these win)."""
    app.register_error_handler(CaseflowError, handle_caseflow_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
