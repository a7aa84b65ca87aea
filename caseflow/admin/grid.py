"""The grid page: my follow-up calls (回访), my meeting tasks, a building's households,
and a grievance submitted on a resident's behalf (代办)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from caseflow.admin.nav import NAV, NavEntry
from caseflow.admin.runtime import runtime
from caseflow.admin.security import requires
from caseflow.domain.errors import CaseflowError, NotFound
from caseflow.error_responses import caseflow_page, explain
from caseflow.services.grid import follow_up, households, proxy, tasks
from caseflow.services.grid.pages import grid_page
from caseflow.services.reporting import channels
from caseflow.services.reporting.service import READERS
from caseflow.services.visibility import STAFF_ROLES

bp = Blueprint("admin_grid", __name__, url_prefix="/admin/grid")
if not any(entry.endpoint == "admin_grid.page" for entry in NAV):
    NAV.insert(1, NavEntry("admin_grid.page", _l("Grid"), roles=None))
    NAV.append(NavEntry("admin_grid.channels_page", _l("Satisfaction by channel"),
                        roles=READERS))


def render_grid(status: int = 200, **extra: Any) -> tuple[str, int]:
    """The page as the signed-in user sees it now, with what a refused form kept."""
    rt = runtime()
    building = request.args.get("building", "") or request.form.get("building", "")
    with rt.uow() as uow:
        page = grid_page(uow, rt.rules(), current_user.viewer, building.strip(), rt.now())
    register_problem = explain(page.households_error) if page.households_error else ""
    return render_template("admin/grid.html", p=page, building=building, form=request.form,
                           register_problem=register_problem,
                           outcomes=follow_up.OUTCOMES, consents=proxy.CONSENTS,
                           **extra), status


@bp.get("")
@requires(*STAFF_ROLES)
def page() -> tuple[str, int]:
    """Follow-up calls, tasks and the household register."""
    return render_grid()


@bp.post("/follow-ups/<ref>")
@requires(*STAFF_ROLES)
def answer(ref: str) -> Response:
    """Record the resident's answer to a follow-up call."""
    rt = runtime()
    with rt.uow() as uow:
        follow_up.record_follow_up(uow, rt.rules(), follow_up.FollowUpAnswer(
            current_user.viewer, ref, request.form.get("outcome", ""),
            request.form.get("note", "")), rt.now())
    flash(_("Follow-up call on %(ref)s recorded.", ref=ref), "ok")
    return redirect(url_for("admin_grid.page"))


@bp.post("/tasks/<int:meeting_id>/<int:index>")
@requires(*STAFF_ROLES)
def finish(meeting_id: int, index: int) -> Response:
    """Mark a meeting task done."""
    rt = runtime()
    with rt.uow() as uow:
        tasks.complete_task(uow, current_user.viewer, meeting_id, index, rt.now())
    flash(_("Task marked done."), "ok")
    return redirect(url_for("admin_grid.page"))


@bp.post("/households")
@requires(*STAFF_ROLES)
def add_household() -> Response:
    """Register a household at a building."""
    rt, form = runtime(), request.form
    with rt.uow() as uow:
        households.add_household(uow, households.NewHousehold(
            current_user.viewer, form.get("building", "").strip(), form.get("unit_number", ""),
            form.get("contact_name", ""), form.get("contact_phone", ""), form.get("notes", "")),
            rt.now())
    flash(_("Household registered."), "ok")
    return redirect(url_for("admin_grid.page", building=form.get("building", "").strip()))


@bp.post("/on-behalf")
@requires(*STAFF_ROLES)
def on_behalf() -> tuple[str, int]:
    """Submit a grievance for a resident, with their consent (红色代办)."""
    rt, form = runtime(), request.form
    grievance = {"title": form.get("title", ""), "description": form.get("description", ""),
                 "category": form.get("category", ""), "unit": form.get("unit", "").strip(),
                 "channel": "walk_in",
                 "reporter": {"name": form.get("reporter_name", ""),
                              "phone": form.get("reporter_phone", "")}}
    with rt.uow() as uow:
        receipt = proxy.submit_on_behalf(uow, rt.rules(), proxy.OnBehalf(
            current_user.viewer, grievance, form.get("consent", ""),
            form.get("consent_note", "")), rt.now())
    return render_grid(201, submitted=receipt)


def _percent(rate: float | None) -> str:
    return "—" if rate is None else format_percent(rate, "#,##0.0%")


@bp.get("/channels")
@requires(*READERS)
def channels_page() -> str:
    """Satisfaction by the channel evaluations came through, and how follow-up calls went."""
    rt = runtime()
    unit = request.args.get("unit", "").strip() or None
    with rt.uow() as uow:
        report = channels.channel_report(uow, current_user.viewer, unit, None, None, rt.now())
    return render_template("admin/grid_channels.html", report=report, percent=_percent,
                           unit=unit or "")


def refused(error: CaseflowError) -> tuple[str, int]:
    """A refused form: the page again, the reason beside the field, what was typed kept."""
    if isinstance(error, NotFound) and request.method == "GET":
        return caseflow_page(error)
    return render_grid(error.status, problem=explain(error),
                       problem_field=getattr(error, "field", None),
                       problem_form=request.endpoint)


bp.register_error_handler(CaseflowError, refused)
