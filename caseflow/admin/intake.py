"""Intake: a dispatcher registers a walk-in or phone grievance, or places an Open311 report."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from caseflow.admin.present import grievance
from caseflow.admin.runtime import runtime
from caseflow.admin.security import requires
from caseflow.domain.policy import OUTSIDE, Actor
from caseflow.services import intake_requests
from caseflow.services.cases import submit_case
from caseflow.services.places import intake_places

bp = Blueprint("admin_intake", __name__)
INTAKE_CHANNELS = ("walk_in", "phone")


def _waiting() -> list[dict[str, Any]]:
    """Open311 reports waiting for a place, for the roles that may place them."""
    if current_user.role not in intake_requests.DISPATCH_ROLES:
        return []
    with runtime().uow() as uow:
        return intake_requests.waiting_for(uow, current_user.id)


def _form() -> tuple[str, int]:
    """The intake form: the places of the user's area, their own place chosen, no category
    chosen (a dispatcher picks one on purpose)."""
    rt, waiting = runtime(), _waiting()
    with rt.uow() as uow:
        choices, default = intake_places(uow, current_user.viewer)
        return render_template("admin/intake.html", categories=rt.rules().categories.values(),
                               places=choices, form=request.form or {"unit": default},
                               channels=INTAKE_CHANNELS, waiting=waiting), 200


@bp.route("/intake", methods=["GET", "POST"])
@requires("dispatcher", "admin", "caseworker", "unit_lead")
def intake() -> tuple[str, int]:
    """Register a grievance received at the counter or on the phone."""
    if request.method == "GET":
        return _form()
    channel = request.form.get("channel")
    channel = channel if channel in INTAKE_CHANNELS else "walk_in"
    actor = Actor(role=current_user.role, relation=OUTSIDE, user_id=current_user.id,
                  label=current_user.username)
    rt = runtime()
    with rt.uow() as uow:
        case, token = submit_case(uow, rt.rules(), grievance(request.form, channel), actor,
                                  rt.now())
        link = url_for("admin_public.track", ref=case.ref, token=token, _external=True)
        return render_template("admin/reported.html", ref=case.ref, link=link,
                               staff=True), 201


@bp.post("/intake/open311/<int:request_id>/register")
@requires(*intake_requests.DISPATCH_ROLES)
def register(request_id: int) -> Response:
    """Register a waiting Open311 report as a case at the place the dispatcher chose."""
    rt = runtime()
    with rt.uow() as uow:
        case = intake_requests.register(uow, rt.rules(), request_id, current_user.id,
                                        request.form.get("unit", ""), rt.now())
        ref = case.ref
    flash(_("Registered as case %(ref)s.", ref=ref), "ok")
    return redirect(url_for("admin_case.show", ref=ref))


@bp.post("/intake/open311/<int:request_id>/dismiss")
@requires(*intake_requests.DISPATCH_ROLES)
def dismiss(request_id: int) -> Response:
    """Dismiss a waiting Open311 report; the reason is shown to the client."""
    rt = runtime()
    with rt.uow() as uow:
        intake_requests.dismiss(uow, request_id, current_user.id,
                                request.form.get("reason", ""), rt.now())
    flash(_("The report was dismissed."), "ok")
    return redirect(url_for("admin_intake.intake"))
