"""What production adds to the app: request ids, access logs, latency, /readyz, /metrics."""

from __future__ import annotations

import hmac
import logging
import os
import re
import time
from typing import Any

from flask import Flask, Response, g, jsonify, request
from werkzeug.exceptions import NotFound

from caseflow.ops.metrics import CONTENT_TYPE_LATEST, REQUEST_SECONDS, exposition
from caseflow.services.health import readiness, readiness_warnings
from caseflow.services.runtime import Runtime

ACCESS = logging.getLogger("caseflow.access")
# A caller's id is kept only if it is short and plain, so logs cannot be forged through it.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def _start() -> None:
    given = request.headers.get("X-Request-Id", "")
    g.request_id = given if given and _REQUEST_ID.match(given) else os.urandom(16).hex()
    g.started = time.perf_counter()


def _finish(response: Response) -> Response:
    elapsed = time.perf_counter() - g.get("started", time.perf_counter())
    response.headers["X-Request-Id"] = g.get("request_id", "")
    req = request._get_current_object()  # type: ignore[attr-defined]
    method, status, rule = req.method, response.status_code, req.url_rule
    endpoint = rule.rule if rule else "unmatched"
    # One histogram child per (method, route, status), looked up once: `labels` takes a lock
    # and converts its arguments on every call.
    key = (method, endpoint, status)
    child = _CHILDREN.get(key)
    if child is None:
        child = _CHILDREN[key] = REQUEST_SECONDS.labels(method, endpoint, str(status))
    child.observe(elapsed)
    if ACCESS.isEnabledFor(logging.INFO):  # the fields are built only for a logger that takes them
        path = req.path
        ACCESS.info("%s %s %s", method, path, status,
                    extra={"method": method, "path": path, "status": status,
                           "duration_ms": round(elapsed * 1000, 2)})
    return response


_CHILDREN: dict[tuple[str, str, int], Any] = {}


def install(app: Flask, runtime: Runtime) -> None:
    """Add the request-id and metrics hooks and the /readyz and /metrics endpoints."""
    app.config.setdefault("METRICS_TOKEN", os.environ.get("CASEFLOW_METRICS_TOKEN", ""))
    app.before_request(_start)
    app.after_request(_finish)

    @app.get("/readyz")
    def readyz() -> Any:
        """Ready: database reachable, migrations at head, rules loaded (503 and why if not);
        `warnings` (e.g. next year's holidays unknown) never make it unready."""
        checks = readiness(runtime)
        ready = all(value == "ok" for value in checks.values())
        warnings = readiness_warnings(runtime) if ready else {}
        return jsonify(status="ready" if ready else "not ready", checks=checks,
                       warnings=warnings), (200 if ready else 503)

    @app.get("/metrics")
    def metrics() -> Any:
        """Prometheus exposition of caseflow_* metrics, to the holder of METRICS_TOKEN only.

        Without a token configured the endpoint does not exist (404): metrics name units and
        counts that are nobody else's business. Prometheus sends the token as a bearer token.
        """
        expected = str(app.config.get("METRICS_TOKEN") or "")
        if not expected:
            raise NotFound()
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(),
                                                                 expected.encode()):
            return Response("metrics need 'Authorization: Bearer <METRICS_TOKEN>'\n",
                            status=401, mimetype="text/plain",
                            headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
        return Response(exposition(runtime.uow, runtime.now, runtime.rules),
                        mimetype=CONTENT_TYPE_LATEST)
