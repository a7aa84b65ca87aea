"""The runtime of the app serving the current request."""

from __future__ import annotations

from flask import current_app

from caseflow.services.runtime import Runtime


def runtime() -> Runtime:
    """Engine, clock and rules of this app (set up by create_app)."""
    return current_app.extensions["caseflow"]
