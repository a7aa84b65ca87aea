"""The public page of published assessments (物业考评公示, 红黑榜): no sign-in needed. It also
registers the accountability pages: the panel's assessments, owners' rating rounds and the
rating form, and the 双晒 accounts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, Flask, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from caseflow.admin.nav import NAV, NavEntry
from caseflow.admin.runtime import runtime
from caseflow.domain.metrics import NOT_RATED, UNRATED
from caseflow.services.assessments import public

bp = Blueprint("public_ratings", __name__)
STARS = {"five": "★★★★★", "four": "★★★★", "three": "★★★"}


def register(app: Flask) -> None:
    """Add the page, the accountability pages and their entries in the navigation bar."""
    from caseflow.admin import accountability, rating_form

    app.register_blueprint(bp)
    app.register_blueprint(accountability.bp)
    app.register_blueprint(rating_form.bp)
    filters: dict[str, Callable[..., Any]] = {"stars_text": stars_text, "percent": percent,
                                              "named": named}
    for name, value in filters.items():
        app.add_template_filter(value, name)
    entries = (
        NavEntry("public_ratings.ratings", _l("Property ratings"), public=True),
        NavEntry("accountability.public_accounts", _l("Public accounts"), public=True),
        NavEntry("accountability.assessments", _l("Assessments"),
                 roles=("admin", "unit_lead", "inspector", "expert", "leader")),
        NavEntry("accountability.keep", _l("Accounts and rating rounds"),
                 roles=("admin", "owners_committee", "unit_lead")),
    )
    for entry in entries:
        if not any(e.endpoint == entry.endpoint for e in NAV):
            NAV.append(entry)


def stars_text(code: str) -> Any:
    """★★★★★ for a band; words for no stars and for not rated (never the code)."""
    if code == NOT_RATED:
        return _l("Not rated (too little data)")
    if code == UNRATED or not code:
        return _l("No stars")
    return STARS.get(code, code)


def percent(value: float | None, digits: int = 1) -> str:
    """A rate (0-1) as a percentage; a dash when there is none."""
    return "—" if value is None else f"{100 * value:.{digits}f}%"


def named(code: str, names: Mapping[str, Any]) -> str:
    """The Chinese or English name ratings.yaml gives a code (the code when it has none)."""
    pair = names.get(code)
    if not pair:
        return code
    return pair[0] if str(get_locale()) == "zh" else pair[1]


@bp.get("/ratings")
def ratings() -> str:
    """The published assessment chosen (the newest by default): results, red and black
    lists, credit grades, and each unit's history."""
    rt = runtime()
    chosen = request.args.get("assessment", type=int)
    with rt.uow() as uow:
        page = public.ratings_page(uow, chosen)
    return render_template("dashboard/public_ratings.html", page=page,
                           names=rt.rules().ratings.get("names") or {})
