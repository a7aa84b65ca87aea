"""Intake: a dispatcher registers a walk-in or phone grievance."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user

from caseflow.admin.errors import attach
from caseflow.admin.present import grievance
from caseflow.admin.public import form_page
from caseflow.admin.runtime import runtime
from caseflow.admin.security import requires
from caseflow.domain.policy import OUTSIDE, Actor
from caseflow.services.cases import submit_case

bp = Blueprint("admin_intake", __name__)
attach(bp)
INTAKE_CHANNELS = ("walk_in", "phone")


@bp.route("/intake", methods=["GET", "POST"])
@requires("dispatcher", "admin", "caseworker", "unit_lead")
def intake() -> tuple[str, int]:
    """Register a grievance received at the counter or on the phone."""
    if request.method == "GET":
        return form_page("admin/intake.html", channels=INTAKE_CHANNELS)
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
