"""The Flask app factory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask, Request, Response, jsonify
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from werkzeug.middleware.proxy_fix import ProxyFix

from caseflow import admin, api, open311
from caseflow.admin import campaigns as campaign_pages
from caseflow.admin import dashboard, public_ratings, public_track
from caseflow.admin import joint as joint_pages
from caseflow.admin import meetings as meeting_pages
from caseflow.config import instance_path, rules_dir, secret_key
from caseflow.db import default_url
from caseflow.ops import limits
from caseflow.ops import web as ops_web
from caseflow.services.runtime import Runtime


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the WSGI app: defaults, then instance/config.py, then the test mapping."""
    app = Flask(__name__, instance_path=str(instance_path()), instance_relative_config=True)
    app.config.from_mapping(DATABASE_URL=None, RULES_DIR=None, CLOCK=None)
    app.config.from_pyfile("config.py", silent=True)
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(instance_path())
    runtime = Runtime.from_url(
        app.config["DATABASE_URL"] or default_url(app.instance_path),
        app.config["RULES_DIR"] or rules_dir(),
        app.config["CLOCK"],
    )
    app.extensions["caseflow"] = runtime
    app.session_interface = CookieSessions()
    limits.install(app)  # first: body size and input cleaning before any hook reads the body
    proxies = int(app.config.get("TRUSTED_PROXIES") or os.environ.get("CASEFLOW_TRUSTED_PROXIES")
                  or 0)
    if proxies:  # behind nginx: the client's address (lockouts, rate limits) from X-Forwarded-For
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies)  # type: ignore[method-assign]
    for register in (open311.register, admin.register, meeting_pages.register,
                     joint_pages.register, campaign_pages.register, dashboard.register,
                     public_ratings.register, api.register):
        register(app)
    public_track.install_limits(app)  # needs the API's Flask-Limiter
    ops_web.install(app, runtime)  # request ids, access log, /readyz, /metrics

    @app.get("/healthz")
    def healthz() -> Any:
        """Alive: the process answers."""
        return jsonify(status="ok")

    return app


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, minus the work for a request that has no cookie.

    Flask builds the signing serializer on every request, and reads seven cookie settings
    after it, even when there is no cookie to read or write: an API request (bearer token,
    no cookie) paid that twice. The answers are the same as Flask's.
    """

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and ("HTTP_COOKIE" not in request.environ  # no cookie to parse
                               or not request.cookies.get(self.get_cookie_name(app))):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if not session and not session.modified:  # nothing to set, nothing to delete
            if session.accessed:
                if "Vary" in response.headers:
                    response.vary.add("Cookie")
                else:  # the same header, without parsing an empty one into a set first
                    response.headers["Vary"] = "Cookie"
            return
        super().save_session(app, session, response)


def runtime_of(app: Flask) -> Runtime:
    """The runtime an app was built with."""
    return app.extensions["caseflow"]
