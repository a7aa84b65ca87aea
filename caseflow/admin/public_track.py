"""Residents following their case: by the secret link or by reference and the last four
digits of their phone; its photos; evaluate, withdraw and reopen where the lifecycle
allows. The routes belong to the public pages' blueprint (caseflow.admin.public)."""

from __future__ import annotations

from typing import Any

from flask import (
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from caseflow.admin.case_photos import photo_file
from caseflow.admin.public import TRACKED, bp, keep_proof
from caseflow.admin.runtime import runtime
from caseflow.domain.errors import InvalidInput, NotFound
from caseflow.domain.lifecycle import SATISFACTION_LEVELS
from caseflow.services.tracking import (
    Proof,
    ResidentAction,
    act_as_resident,
    proof_by_phone,
    tracked_photo,
    tracking_page,
)

# Guessing four digits takes up to 10,000 tries: a few per minute from one address, and few
# per reference from anywhere, make it hopeless (config keys, Flask-Limiter syntax).
LIMITS = {"TRACK_LOOKUP_RATE_LIMIT": "5 per minute;30 per hour",
          "TRACK_LOOKUP_PER_CASE_LIMIT": "10 per hour"}


def _proof(ref: str) -> Proof:
    """The link's token if given, else what this browser's session proved for `ref`."""
    token = request.values.get("token", "")
    return Proof(token=token) if token else Proof(
        token_hash=(session.get(TRACKED) or {}).get(ref, ""))


def _track_page(ref: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    """The tracking page: only what the resident may see (services.tracking)."""
    rt = runtime()
    with rt.uow() as uow:
        page = tracking_page(uow, rt.rules(), ref, _proof(ref), rt.now())
    keep_proof(page.case.ref, page.token_hash)
    return render_template("admin/track.html", c=page.case, page=page, events=page.case.events,
                           token=request.values.get("token", ""), **extra), status


@bp.route("/track", methods=["GET", "POST"])
def lookup() -> Response | tuple[str, int]:
    """Find one's case by its reference and the last four digits of the phone."""
    if request.method == "GET":
        return render_template("admin/track_lookup.html", form={}, errors={}), 200
    form, rt = request.form, runtime()
    ref = form.get("ref", "").strip().upper()
    try:
        with rt.uow() as uow:
            proved = proof_by_phone(uow, ref, form.get("phone_last4", ""))
    except InvalidInput:
        errors = {"phone_last4": _("Please type the last four digits of your phone.")}
        return render_template("admin/track_lookup.html", form=form, errors=errors), 422
    except NotFound:  # the same words for an unknown reference and wrong digits
        errors = {"ref": _("No case matches this reference and phone. Please check both.")}
        return render_template("admin/track_lookup.html", form=form, errors=errors), 404
    keep_proof(ref, proved)
    return redirect(url_for("admin_public.track", ref=ref))


@bp.get("/track/<ref>")
def track(ref: str) -> str | tuple[str, int]:
    """The state and history of one case, for whoever holds its link or proved it theirs."""
    return _track_page(ref)


@bp.get("/track/<ref>/photos/<int:attachment_id>")
def photo(ref: str, attachment_id: int) -> Response:
    """A photo of the resident's own case, never cached by proxies."""
    return _send_photo(ref, attachment_id, False)


@bp.get("/track/<ref>/photos/<int:attachment_id>/thumbnail")
def thumbnail(ref: str, attachment_id: int) -> Response:
    """A photo's thumbnail, for the resident's own case."""
    return _send_photo(ref, attachment_id, True)


def _send_photo(ref: str, attachment_id: int, thumbnail: bool) -> Response:
    with runtime().uow() as uow:
        found = tracked_photo(uow, ref, _proof(ref), attachment_id)
    return photo_file(found, thumbnail)


def _act(ref: str, action: str, note: str, data: dict[str, Any] | None = None) -> Response:
    rt = runtime()
    with rt.uow() as uow:
        act_as_resident(uow, rt.rules(), ResidentAction(ref, _proof(ref), action, note, data),
                        rt.now())
    return redirect(url_for("admin_public.track", ref=ref))


@bp.post("/track/<ref>/evaluate")
def evaluate(ref: str) -> Response | tuple[str, int]:
    """The resident rates the result: a choice is required, scores are optional."""
    form = request.form
    comment, choice = form.get("comment", ""), form.get("satisfaction", "")
    if choice not in SATISFACTION_LEVELS:
        # Nothing is chosen for the resident: ask again, keeping what they wrote.
        return _track_page(ref, 422, kept_comment=comment,
                           evaluation_error=_("Please choose how satisfied you are."))
    data: dict[str, Any] = {"satisfaction": choice}
    for score in ("response", "resolution", "attitude"):
        if form.get(score, "").isdigit():
            data[score] = int(form[score])
    response = _act(ref, "evaluate", comment, data)
    flash(_("Thank you for your evaluation."), "ok")
    return response


@bp.post("/track/<ref>/withdraw")
def withdraw(ref: str) -> Response | tuple[str, int]:
    """The resident withdraws their case, saying why (the handling unit reads it)."""
    reason = request.form.get("reason", "").strip()
    if not reason:
        return _track_page(ref, 422, withdraw_error=_("Please say why you withdraw the case."))
    response = _act(ref, "withdraw", reason)
    flash(_("Your case is withdrawn."), "ok")
    return response


@bp.post("/track/<ref>/reopen")
def reopen(ref: str) -> Response:
    """The resident reopens a closed case within the reopen window."""
    response = _act(ref, "reopen", request.form.get("reason", ""))
    flash(_("Your case is reopened: the handling unit will take it up again."), "ok")
    return response


def install_limits(app: Flask) -> None:
    """Limit the lookup by reference and phone, per address and per reference (called once
    the API's Flask-Limiter exists)."""
    for key, value in LIMITS.items():
        app.config.setdefault(key, value)
    limiter = app.extensions["caseflow_limiter"]
    endpoint = "admin_public.lookup"
    view = app.view_functions[endpoint]
    view = limiter.limit(lambda: current_app.config["TRACK_LOOKUP_RATE_LIMIT"],
                         methods=["POST"])(view)
    view = limiter.limit(lambda: current_app.config["TRACK_LOOKUP_PER_CASE_LIMIT"],
                         key_func=_lookup_key, methods=["POST"])(view)
    app.view_functions[endpoint] = view
    app.extensions.setdefault("caseflow_limited", set()).add(endpoint)


def _lookup_key() -> str:
    return "track:" + request.form.get("ref", "").strip().upper()[:40]
