"""Pages for residents, without an account: report a problem, follow it, evaluate it."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from caseflow.admin.present import grievance
from caseflow.admin.runtime import runtime
from caseflow.domain.lifecycle import SATISFACTION_LEVELS
from caseflow.domain.masking import mask_name
from caseflow.domain.policy import OWNER, Actor
from caseflow.services.actions import ActionCommand, act
from caseflow.services.cases import submit_case
from caseflow.services.places import places
from caseflow.services.timeline import tracked_case

bp = Blueprint("admin_public", __name__)


def _resident(name: str = "") -> Actor:
    return Actor(role="resident", relation=OWNER, label=mask_name(name) or _("resident"))


def form_page(template: str, status: int = 200, **extra: object) -> tuple[str, int]:
    """A grievance form with the current categories and places."""
    rt = runtime()
    with rt.uow() as uow:
        return render_template(template, categories=rt.rules().categories.values(),
                               places=places(uow), form=request.form, **extra), status


@bp.route("/report", methods=["GET", "POST"])
def submit() -> tuple[str, int]:
    """A resident reports a problem and gets a reference and a tracking link."""
    if request.method == "GET":
        return form_page("admin/report.html")
    rt = runtime()
    with rt.uow() as uow:
        case, token = submit_case(uow, rt.rules(), grievance(request.form, "web"),
                                  _resident(request.form.get("name", "")), rt.now())
        link = url_for("admin_public.track", ref=case.ref, token=token, _external=True)
        return render_template("admin/reported.html", ref=case.ref, link=link), 201


@bp.get("/track/<ref>")
def track(ref: str) -> str:
    """The state and history of one case, for whoever holds its tracking link."""
    return _track_page(ref, request.args.get("token", ""))[0]


def _track_page(ref: str, token: str, status: int = 200, **extra: object) -> tuple[str, int]:
    """The tracking page: only what the resident may see (caseflow.services.timeline)."""
    rt = runtime()
    with rt.uow() as uow:
        case = tracked_case(uow, ref, token)
    return render_template("admin/track.html", c=case, events=case.events, token=token,
                           can_evaluate=case.can_evaluate, **extra), status


@bp.post("/track/<ref>/evaluate")
def evaluate(ref: str) -> Response | tuple[str, int]:
    """The resident rates the result: a choice is required, scores are optional."""
    form, rt = request.form, runtime()
    token, comment = form.get("token", ""), form.get("comment", "")
    choice = form.get("satisfaction", "")
    if choice not in SATISFACTION_LEVELS:
        # Nothing is chosen for the resident: ask again, keeping what they wrote.
        return _track_page(ref, token, 422, kept_comment=comment,
                           evaluation_error=_("Please choose how satisfied you are."))
    data: dict[str, object] = {"satisfaction": choice}
    for score in ("response", "resolution", "attitude"):
        if form.get(score, "").isdigit():
            data[score] = int(form[score])
    with rt.uow() as uow:
        case = tracked_case(uow, ref, token)
        act(uow, rt.rules(), ActionCommand(case.id, "evaluate", _resident(case.reporter),
                                           comment, data=data), rt.now())
    flash(_("Thank you for your evaluation."), "ok")
    return redirect(url_for("admin_public.track", ref=ref, token=token))
