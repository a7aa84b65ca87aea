"""The public page of property-company ratings (物业红黑榜): no sign-in needed."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Flask, render_template, request
from flask_babel import lazy_gettext as _l

from caseflow.admin.nav import NAV, NavEntry
from caseflow.admin.runtime import runtime
from caseflow.domain.errors import InvalidInput
from caseflow.services.reporting.service import Request, run_report

bp = Blueprint("public_ratings", __name__)


def register(app: Flask) -> None:
    """Add the page and a public entry in the navigation bar."""
    app.register_blueprint(bp)
    if not any(entry.endpoint == "public_ratings.ratings" for entry in NAV):
        NAV.append(NavEntry("public_ratings.ratings", _l("Property ratings"), public=True))


def _span(year: int, quarter: int | None) -> tuple[date, date]:
    """A year, or one of its quarters, as first and last day."""
    if quarter is None:
        return date(year, 1, 1), date(year, 12, 31)
    if quarter not in (1, 2, 3, 4):
        raise InvalidInput("quarter", "must be 1, 2, 3 or 4")
    first = date(year, 3 * quarter - 2, 1)
    following = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, date.fromordinal(following.toordinal() - 1)


@bp.get("/ratings")
def ratings() -> str:
    """Scores, stars, red and black lists of every rated company for a year or quarter."""
    rt = runtime()
    year = request.args.get("year", type=int) or rt.now().year
    quarter = request.args.get("quarter", type=int)
    first, last = _span(year, quarter)
    with rt.uow() as uow:
        report = run_report(uow, rt.rules(), Request("property-ratings", None, first, last),
                            rt.now())
    return render_template("dashboard/public_ratings.html", report=report, year=year,
                           quarter=quarter)
