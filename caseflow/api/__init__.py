"""The JSON API under /api/v1: flask-smorest blueprints, OpenAPI 3, problem+json errors."""

from __future__ import annotations

from functools import partial, wraps
from importlib import import_module
from typing import Any

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import Api
from werkzeug.routing import IntegerConverter

from caseflow import error_responses
from caseflow.api import docs
from caseflow.api.common import CaseflowApi, plugin

# Import paths "module:attribute" of every API blueprint; other features append theirs.
BLUEPRINTS: tuple[str, ...] = (
    "caseflow.api.auth:blp",
    "caseflow.api.cases:blp",
    "caseflow.api.attachments:blp",
    "caseflow.api.units:blp",
    "caseflow.api.rules:blp",
    "caseflow.api.meetings:blp",
    "caseflow.api.joint:blp",
    "caseflow.api.campaigns:blp",
    "caseflow.api.outbox:blp",
    "caseflow.api.stats:blp",
    "caseflow.api.intake:blp",
    "caseflow.api.assessments:blp",
    "caseflow.api.grid:blp",
    "caseflow.api.dispatches:blp",
)

DEFAULTS = {
    "API_TITLE": "caseflow API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    "SUBMIT_RATE_LIMIT": "10 per minute",
    "TOKEN_RATE_LIMIT": "20 per minute",
    "TOKEN_DAYS": 30,
}


def register(app: Flask) -> Api:
    """Create the Api, register every blueprint of BLUEPRINTS, install the error handlers."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        # Bearer tokens where needed; public operations (submit, evaluation) work without.
        {"components": {"securitySchemes": SECURITY}, "security": [{"bearerAuth": []}, {}]},
    )
    # Ids in URLs fit the integer columns: larger ones are a 404, not a database overflow.
    app.url_map.converters["int"] = DatabaseInt
    api = CaseflowApi(app, spec_kwargs={"marshmallow_plugin": plugin()})
    limiter = Limiter(
        get_remote_address, app=app, storage_uri=app.config["RATELIMIT_STORAGE_URI"]
    )
    app.extensions["caseflow_limiter"] = limiter
    for path in BLUEPRINTS:
        module, _, attribute = path.partition(":")
        api.register_blueprint(getattr(import_module(module), attribute))
    for module_path in {path.partition(":")[0] for path in BLUEPRINTS}:
        hook = getattr(import_module(module_path), "after_register", None)
        if hook is not None:
            hook(app)
    if not any(app.config.get(key) for key in ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION")):
        only_limited_endpoints(app, limiter)
    app.register_blueprint(docs.page)
    error_responses.install(app)
    return api


def only_limited_endpoints(app: Flask, limiter: Limiter) -> None:
    """Run Flask-Limiter's hooks only for the endpoints given a limit (common.rate_limit).

    Without default or application limits nothing else has one, yet its hooks resolved the
    limits of every request (blueprint exemptions, decorated limits, the request context) and
    again after it for the headers: ~4% of an unlimited API request's own time. The set
    is read at request time, so limits added after this call (the public track) count.
    """
    limited: set[str] = app.extensions.setdefault("caseflow_limited", set())

    def gated(hook: Any) -> Any:
        @wraps(hook)
        def run(*args: Any) -> Any:
            if request.endpoint in limited:
                return hook(*args)
            return args[0] if args else None  # an after_request hook hands the response on

        return run

    for registry in (app.before_request_funcs, app.after_request_funcs,
                     app.teardown_request_funcs):
        funcs = registry.get(None, [])
        for index, func in enumerate(funcs):
            if _belongs_to(func, limiter):
                funcs[index] = gated(func)


def _belongs_to(func: Any, limiter: Limiter) -> bool:
    """Whether `func` is one of `limiter`'s request hooks (a bound method or a partial)."""
    if isinstance(func, partial):
        return any(arg is limiter for arg in func.args)
    return getattr(func, "__self__", None) is limiter


class DatabaseInt(IntegerConverter):
    """`<int:...>` limited to what a 32-bit integer column can hold."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


SECURITY = {"bearerAuth": {"type": "http", "scheme": "bearer"}}
