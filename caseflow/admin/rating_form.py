"""Owners' rating rounds: the committee opens a round and prints each household's code; a
household rates the company on the 12 aspects once, on a phone-sized public form."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from caseflow.admin.runtime import runtime
from caseflow.admin.security import requires
from caseflow.domain.errors import InvalidInput
from caseflow.services.assessments import rounds

bp = Blueprint("rating_form", __name__)
KEEPERS = ("admin", "owners_committee", "unit_lead", "caseworker")


def _names() -> dict[str, Any]:
    return dict(runtime().rules().ratings.get("names") or {})


@bp.post("/complexes/<code>/rating-rounds")
@requires(*KEEPERS)
def open_round(code: str) -> Any:
    """Open a round for every household of the ballot list."""
    rt, form = runtime(), request.form
    from caseflow.admin.accountability import ledger_page

    try:
        year = int(form.get("year", ""))
    except ValueError:
        return ledger_page(code, {"year": _("must be a year, e.g. 2026")}, 422)
    try:
        with rt.uow() as uow:
            round_id = rounds.open_round(uow, current_user.viewer, code, year,
                                         form.get("title", ""), rt.now())
    except InvalidInput as error:
        return ledger_page(code, {error.field: str(error)}, 422)
    flash(_("Rating round opened: print the households' codes."), "ok")
    return redirect(url_for("rating_form.round_page", round_id=round_id))


@bp.get("/rating-rounds/<int:round_id>")
@requires(*KEEPERS)
def round_page(round_id: int) -> str:
    """The round's counts and each household's code and link (to print as slips)."""
    with runtime().uow() as uow:
        view, codes = rounds.round_codes(uow, current_user.viewer, round_id)
    return render_template("ratings/round.html", round=view, codes=codes)


@bp.post("/rating-rounds/<int:round_id>/close")
@requires(*KEEPERS)
def close_round(round_id: int) -> Response:
    """Close the round."""
    rt = runtime()
    with rt.uow() as uow:
        rounds.close_round(uow, current_user.viewer, round_id, rt.now())
    flash(_("Rating round closed."), "ok")
    return redirect(url_for("rating_form.round_page", round_id=round_id))


@bp.get("/rate")
def enter_code() -> Any:
    """Type the code from the slip."""
    code = (request.args.get("code") or "").strip()
    if code:
        return redirect(url_for("rating_form.form", code=code))
    return render_template("ratings/code.html", errors={})


@bp.get("/rate/<code>")
def form(code: str) -> Any:
    """The household's form: the 12 aspects, 0 to 100 each."""
    rt = runtime()
    try:
        with rt.uow() as uow:
            view = rounds.form_for(uow, code)
    except InvalidInput as error:
        return render_template("ratings/code.html", errors={"code": str(error)}), 422
    return _form(view, code, {})


def _form(view: rounds.RoundView, code: str, errors: dict[str, str], status: int = 200) -> Any:
    owners = runtime().rules().ratings.get("owners_evaluation") or {}
    return render_template("ratings/form.html", round=view, code=code, errors=errors,
                           aspects=owners.get("aspects") or (), names=_names(),
                           form=request.form), status


@bp.post("/rate/<code>")
def submit(code: str) -> Any:
    """Record the household's rating once."""
    rt = runtime()
    owners = rt.rules().ratings.get("owners_evaluation") or {}
    scores = {a: request.form.get(a, "") for a in owners.get("aspects") or ()}
    try:
        with rt.uow() as uow:
            view = rounds.form_for(uow, code)
    except InvalidInput as error:
        return render_template("ratings/code.html", errors={"code": str(error)}), 422
    missing = [a for a, v in scores.items() if not v.strip()]
    if missing:
        errors = {a: _("rate this aspect from 0 to 100") for a in missing}
        return _form(view, code, errors, 422)
    try:
        with rt.uow() as uow:
            done = rounds.submit_rating(uow, rt.rules().ratings, code, scores, rt.now())
    except InvalidInput as error:
        if error.field == "code":
            return render_template("ratings/code.html", errors={"code": str(error)}), 422
        return _form(view, code, {"scores": str(error)}, 422)
    return render_template("ratings/thanks.html", round=done)
