"""Request limits and input cleaning, applied to every request before any view reads it.

Hostile bodies must be refused before they cost anything: the size is checked from the
`Content-Length` header before a byte of the body is read (and enforced while reading for
chunked bodies), JSON is refused when nested too deep or carrying absurdly long numbers
(Python's parser would raise `RecursionError` or `ValueError`, a 500), and strings that no
database can store — lone surrogates, NUL bytes — are refused with a 400 naming the field,
on every edge alike, instead of reaching PostgreSQL and failing there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from flask import Config, Flask, Request, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from caseflow.domain.errors import MalformedInput

DEFAULTS = {
    "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,  # any body (a rules archive is the largest)
    "JSON_MAX_BYTES": 1024 * 1024,          # a JSON body: a case is a few kilobytes
    "JSON_MAX_DEPTH": 32,
    "JSON_MAX_NUMBER_CHARS": 40,            # "12345678901234567890.25" fits with room
    # Photos (services/photos.py): a resident's report carries up to PHOTOS_PER_REPORT of
    # them, each at most ATTACHMENT_MAX_BYTES and PHOTO_MAX_PIXELS once decoded (a 48 MP
    # phone fits); the whole report form or Open311 POST at most REPORT_MAX_BYTES.
    "ATTACHMENT_MAX_BYTES": 8 * 1024 * 1024,
    "PHOTO_MAX_PIXELS": 50_000_000,
    "PHOTOS_PER_REPORT": 3,
    "REPORT_MAX_BYTES": 25 * 1024 * 1024,
}
# Per-endpoint body limits, by config key: a photo upload is its file plus the form's bytes.
ROUTE_LIMITS = {"attachments.upload": "ATTACHMENT_MAX_BYTES",
                "admin_public.submit": "REPORT_MAX_BYTES",
                "open311.create_request": "REPORT_MAX_BYTES"}
MULTIPART_OVERHEAD = 64 * 1024

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class _LongNumber(str):
    """A number literal too long to be parsed; kept so that its field can be named."""


def body_limit(req: Request, config: Config) -> int:
    """The body limit of the request's endpoint, in bytes."""
    key = ROUTE_LIMITS.get(req.endpoint or "")
    if key and config.get(key):
        return int(config[key]) + MULTIPART_OVERHEAD
    return int(config["MAX_CONTENT_LENGTH"])


def _too_large(limit: int) -> RequestEntityTooLarge:
    return RequestEntityTooLarge(f"the request body is larger than the limit of {limit} bytes")


def _check_size(req: Request, config: Config) -> None:
    limit = body_limit(req, config)
    if req.is_json:
        limit = min(limit, int(config["JSON_MAX_BYTES"]))
    # Enforced by werkzeug while reading too, for bodies sent without a Content-Length.
    req.max_content_length = limit
    length = req.content_length
    if length is not None and length > limit:
        raise _too_large(limit)


def _too_deep(text: str, limit: int) -> bool:
    """True if brackets outside strings nest deeper than `limit` (stops at the first one)."""
    depth = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        depth += 1 if match.group() in "[{" else -1
        if depth > limit:
            return True
    return False


def _walk(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """(field path, value) of every key and scalar of a parsed JSON document."""
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            yield name, key
            yield from _walk(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")
    else:
        yield path or "body", value


def _check_text(field: str, value: str) -> None:
    found = _UNSTORABLE.search(value)
    if found:
        what = "a NUL byte" if found.group() == "\x00" else "a lone surrogate (invalid Unicode)"
        raise MalformedInput(field, f"contains {what}")


def _check_json(req: Request, config: Config) -> None:
    data = req.get_data(cache=True)
    limit = req.max_content_length or 0
    if req.content_length is None and len(data) >= limit:
        raise _too_large(limit)  # a chunked body, cut by werkzeug at the limit: more was sent
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedInput("body", "is not UTF-8") from None
    depth = int(config["JSON_MAX_DEPTH"])
    # Nesting deeper than the limit needs more brackets than it: most bodies are not scanned.
    if text.count("[") + text.count("{") > depth and _too_deep(text, depth):
        raise MalformedInput("body", f"nests deeper than {config['JSON_MAX_DEPTH']} levels")
    longest = int(config["JSON_MAX_NUMBER_CHARS"])

    def number(literal: str) -> Any:
        return _LongNumber(literal) if len(literal) > longest else literal

    try:
        document = json.loads(text, parse_int=number, parse_float=number)
    except (ValueError, RecursionError):
        return  # not JSON: the view's parser answers it with its own 400
    for field, value in _walk(document, ""):
        if isinstance(value, _LongNumber):
            raise MalformedInput(field, f"is a number longer than {longest} characters")
        if isinstance(value, str):
            _check_text(field, value)


def _check_fields(req: Request) -> None:
    """Query, path and form values (werkzeug already replaced undecodable bytes)."""
    sources = [req.args] if req.query_string else []  # no query string: nothing to parse
    if req.mimetype in _FORMS:
        sources.append(req.form)
    for source in sources:
        for key, values in source.lists():
            _check_text(key, key)
            for value in values:
                _check_text(key, value)
    for key, value in (req.view_args or {}).items():
        if isinstance(value, str):
            _check_text(key, value)


_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def guard() -> None:
    """The one input-cleaning step: size first, then JSON shape, then unstorable text."""
    req: Request = request._get_current_object()  # type: ignore[attr-defined]
    config = current_app.config  # both looked up once: each proxy access costs a lookup
    _check_size(req, config)
    if req.is_json and req.method not in ("GET", "HEAD"):
        _check_json(req, config)
    _check_fields(req)


def install(app: Flask) -> None:
    """Install the guard first, so that it runs before any hook that reads the body."""
    for key, value in DEFAULTS.items():
        if app.config.get(key) is None:  # Flask has MAX_CONTENT_LENGTH already, as None
            app.config[key] = value
    app.before_request_funcs.setdefault(None, []).insert(0, guard)
