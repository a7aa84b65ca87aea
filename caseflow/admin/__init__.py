"""The server-rendered admin UI and public resident pages: `register(app)` wires them in.

Chinese by default, English by choice (Flask-Babel); CSRF on every form (Flask-WTF);
Flask-Login sessions; strict security headers. See docs/ui.md.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

from caseflow.admin import (
    auth,
    case_photos,
    casepage,
    grid,
    i18n,
    inbox,
    intake,
    manage,
    public,
    public_track,  # noqa: F401 (adds the tracking pages to the public blueprint)
    rulespages,
    security,
)

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
BLUEPRINTS = (auth.bp, i18n.bp, inbox.bp, casepage.bp, intake.bp, public.bp, rulespages.bp,
              manage.bp, grid.bp, case_photos.bp)


def _configure(app: Flask) -> None:
    secure = os.environ.get("CASEFLOW_SECURE_COOKIES", "").lower() in ("1", "true", "yes")
    for key, value in {
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
        "BABEL_DEFAULT_LOCALE": "zh",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "BABEL_TRANSLATION_DIRECTORIES": str(TRANSLATIONS),
        # Checked by security.protect_forms, so token-authenticated API paths are left alone.
        "WTF_CSRF_CHECK_DEFAULT": False,
        "WTF_CSRF_TIME_LIMIT": None,
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_LOCKOUT": timedelta(minutes=15),
    }.items():
        # Flask ships its own defaults for the cookie keys; replace those, keep explicit ones.
        if key not in app.config or app.config[key] == Flask.default_config.get(key, object()):
            app.config[key] = value


def register(app: Flask) -> None:
    """Attach the UI to an app built by `create_app`."""
    _configure(app)
    CSRFProtect(app)
    Babel(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    auth.login_manager.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
