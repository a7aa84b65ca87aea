"""What every API view needs: the runtime, and how problems are documented."""

from __future__ import annotations

import http
import threading
from collections.abc import Callable
from typing import Any

import flask_smorest
from apispec.ext.marshmallow import MarshmallowPlugin, resolver
from flask import Flask, Response, current_app, jsonify
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import Schema

from caseflow.api.schemas import ProblemSchema
from caseflow.error_responses import PROBLEM
from caseflow.services.runtime import Runtime

# `{key}` in case URLs: the numeric id or the reference, everywhere.
KEY_PARAMETER = {
    "in": "path", "name": "key", "required": True, "schema": {"type": "string"},
    "description": "the case's numeric id or its reference, e.g. CF-20261123-86MRUG",
}
RESPONSE_NAMES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    409: "CONFLICT",
    413: "REQUEST_ENTITY_TOO_LARGE",
    422: "UNPROCESSABLE_ENTITY",
    429: "TOO_MANY_REQUESTS",
}


def runtime() -> Runtime:
    """The runtime of the app serving this request."""
    return current_app.extensions["caseflow"]


def rate_limit(app: Flask, endpoint: str, limit: Callable[[], str], **options: Any) -> None:
    """Apply a Flask-Limiter limit to one endpoint's view, and note the endpoint as limited."""
    limiter = app.extensions["caseflow_limiter"]
    app.view_functions[endpoint] = limiter.limit(limit, **options)(app.view_functions[endpoint])
    app.extensions.setdefault("caseflow_limited", set()).add(endpoint)


def dumped(body: Any, status: int) -> Response:
    """A response already dumped by its schema (kept verbatim for idempotent replays)."""
    response = jsonify(body)
    response.status_code = status
    return response


def problems(blp: Blueprint, *statuses: int) -> Callable[[Any], Any]:
    """Document the problem responses a view may answer."""

    def decorate(view: Any) -> Any:
        for status in statuses:
            view = blp.alt_response(status, response=RESPONSE_NAMES[status])(view)
        return view

    return decorate


def schema_name(schema: type[Schema] | Schema) -> str | None:
    """Components by class name; a narrowed instance (only/exclude/partial) is inlined."""
    if isinstance(schema, Schema) and (schema.only or schema.exclude or schema.partial):
        return None
    return resolver(type(schema) if isinstance(schema, Schema) else schema)


def plugin() -> MarshmallowPlugin:
    """The marshmallow plugin with caseflow's schema names."""
    # apispec documents None (inline the schema) but annotates the resolver as returning str.
    return MarshmallowPlugin(schema_name_resolver=schema_name)  # type: ignore[arg-type]


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint, whose arguments are parsed by one schema instance.

    Given a schema class, webargs builds an instance of it on every request, copying every
    declared field; an instance built once here serves every request (it keeps no state).
    """

    def arguments(self, schema: type[Schema] | Schema, *args: Any, **kwargs: Any) -> Any:
        """As flask-smorest's, with a schema class instantiated once."""
        return super().arguments(schema() if isinstance(schema, type) else schema,
                                 *args, **kwargs)

    # flask-smorest's `doc` and `alt_response` only document a view, yet each wraps it in one
    # more function run on every request (a view with its problems had eight such layers).
    # These keep the documentation they write and return the view itself.

    def alt_response(self, *args: Any, **kwargs: Any) -> Callable[[Any], Any]:
        """As flask-smorest's, without a wrapper around the view."""
        return _documenting_only(super().alt_response(*args, **kwargs))

    @staticmethod
    def doc(**kwargs: Any) -> Callable[[Any], Any]:
        """As flask-smorest's, without a wrapper around the view."""
        return _documenting_only(flask_smorest.Blueprint.doc(**kwargs))


def _documenting_only(decorator: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`decorator`, a flask-smorest documentation decorator, applied to a view's `_apidoc`
    only: the view is returned, carrying the documentation the wrapper would have."""

    def decorate(view: Any) -> Any:
        view._apidoc = decorator(view)._apidoc
        return view

    return decorate


class CaseflowApi(Api):
    """flask-smorest's Api with errors documented as application/problem+json.

    The views of a blueprint, and the responses they refer to, are documented when the OpenAPI
    document is first read, not as the app is built: that was most of an app's start (0.3 s),
    and most apps (every test's, a worker process's until a client asks) never serve it.
    """

    ERROR_SCHEMA = ProblemSchema

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._spec: Any = None
        self._undocumented: list[Callable[[Any], None]] = []
        self._documenting = threading.Lock()
        super().__init__(*args, **kwargs)

    @property
    def spec(self) -> Any:
        """The APISpec, with every registered blueprint's views documented in it."""
        if self._undocumented:
            # The first readers may be concurrent requests: each waits until all are in.
            with self._documenting:
                while self._undocumented:
                    self._undocumented[0](self._spec)
                    del self._undocumented[0]
        return self._spec

    @spec.setter
    def spec(self, value: Any) -> None:
        self._spec = value

    def register_blueprint(self, blp: flask_smorest.Blueprint, *, parameters: Any = None,
                           **options: Any) -> None:
        """As flask-smorest's, with the documentation of its views left for `spec`."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)

        def document(spec: Any) -> None:
            blp.register_views_in_doc(self, self._app, spec, name=name, parameters=parameters)
            spec.tag({"name": name, "description": blp.description})

        self._undocumented.append(document)

    def _register_responses(self) -> None:
        self._undocumented.append(self._document_responses)

    def _document_responses(self, spec: Any) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, spec, PROBLEM)
            spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, spec, PROBLEM)
        spec.components.response("DEFAULT_ERROR", response, lazy=True)
