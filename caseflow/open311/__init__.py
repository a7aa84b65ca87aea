"""Open311 GeoReport v2 edge: categories as services, cases as service requests."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Mount the GeoReport v2 endpoints at /open311/v2/."""
    from caseflow.open311.views import bp  # imported here: no side effects at package import

    app.register_blueprint(bp)
