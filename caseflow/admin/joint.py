"""Pages for joint meetings on a rhythm (常态化联席会议): series, agendas, item decisions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from caseflow.admin import labels
from caseflow.admin.error_texts import translated
from caseflow.admin.nav import NAV, NavEntry
from caseflow.admin.runtime import runtime
from caseflow.admin.security import requires
from caseflow.domain.errors import InvalidInput
from caseflow.services import meetings
from caseflow.services.deliberation import rhythm
from caseflow.services.deliberation.agenda import FOLLOW_UP_ACTIONS, ItemDecision

bp = Blueprint("admin_joint", __name__)
STAFF = ("admin", "unit_lead", "caseworker", "owners_committee", "leader", "dispatcher")


def register(app: Flask) -> None:
    """Add the pages and their entry in the navigation bar."""
    app.register_blueprint(bp)
    if not any(entry.endpoint == "admin_joint.index" for entry in NAV):
        NAV.insert(2, NavEntry("admin_joint.index", _l("Joint meetings"), roles=STAFF))


def kind_names() -> dict[str, str]:
    """Each meeting kind's name in the page's language (meetings.yaml name_zh / name_en)."""
    rules = runtime().rules()
    english = str(get_locale() or "zh").startswith("en")
    kinds = rules.meetings.get("kinds") or {}
    return {k: str(v.get("name_en" if english else "name_zh") or k)
            for k, v in kinds.items()} or {k: k for k in meetings.meeting_kinds(rules)}


def _words() -> dict[str, Any]:
    return {"kind_names": kind_names(), "reasons": labels.AGENDA_REASONS,
            "frequencies": labels.FREQUENCIES, "weekdays": labels.WEEKDAYS,
            "follow_ups": labels.FOLLOW_UPS}


def _page(status: int = 200, errors: dict[str, str] | None = None) -> tuple[str, int]:
    with runtime().uow() as uow:
        series = rhythm.series_for(uow, current_user.viewer)
        areas = rhythm.areas_for(uow, current_user.viewer)
    return render_template("meetings/joint.html", series=series, areas=areas,
                           form=request.form, errors=errors or {}, **_words()), status


@bp.get("/joint-meetings")
@requires(*STAFF)
def index() -> tuple[str, int]:
    """The standing joint meetings of the user's area, and the form to start one."""
    return _page()


@bp.post("/joint-meetings")
@requires(*STAFF)
def start() -> Response | tuple[str, int]:
    """Start a series; a wrong field re-shows the form with what was typed."""
    rt, form = runtime(), request.form
    try:
        day = int(form.get("day", "") or 0)
        command = rhythm.SeriesCommand(
            area=form.get("area", ""), kind=form.get("kind", ""), title=form.get("title", ""),
            frequency=form.get("frequency", ""), day=day, at=form.get("at", ""),
            place=form.get("place", ""))
        with rt.uow() as uow:
            rhythm.start_series(uow, rt.rules(), current_user.viewer, rt.now(), command)
    except ValueError:
        return _page(422, {"day": _("pick a day")})
    except InvalidInput as error:
        return _page(422, {error.field: translated(error.reason)})
    flash(_("Joint meeting started: its sittings are planned with their agendas ahead of "
            "time."), "ok")
    return redirect(url_for("admin_joint.index"))


@bp.post("/joint-meetings/<int:series_id>/stop")
@requires(*STAFF)
def stop(series_id: int) -> Response:
    """Plan no further sittings."""
    with runtime().uow() as uow:
        rhythm.stop_series(uow, current_user.viewer, series_id)
    flash(_("No further sittings will be planned."), "ok")
    return redirect(url_for("admin_joint.index"))


def _agenda_page(meeting_id: int, status: int = 200, errors: dict[str, str] | None = None,
                 item: int | None = None) -> tuple[str, int]:
    with runtime().uow() as uow:
        page = rhythm.meeting_agenda(uow, current_user.viewer, meeting_id)
    return render_template("meetings/agenda.html", page=page, m=page.meeting,
                           errors=errors or {}, failed_item=item, form=request.form,
                           actions=FOLLOW_UP_ACTIONS, **_words()), status


@bp.get("/meetings/<int:meeting_id>/agenda")
@requires(*STAFF)
def agenda(meeting_id: int) -> tuple[str, int]:
    """A meeting's agenda: its hard cases with why, the month's hotspot, and decisions."""
    return _agenda_page(meeting_id)


@bp.post("/meetings/<int:meeting_id>/agenda/<int:item_id>")
@requires(*STAFF)
def decide(meeting_id: int, item_id: int) -> Response | tuple[str, int]:
    """Record the decision on one item, with a task or an action on its case."""
    rt, form = runtime(), request.form
    choice = ItemDecision(decision=form.get("decision", ""),
                          task_owner=form.get("task_owner", ""),
                          task_due_on=form.get("task_due_on", ""), action=form.get("action", ""))
    try:
        with rt.uow() as uow:
            rhythm.decide_item(uow, rt.rules(), current_user.viewer, rt.now(), meeting_id,
                               item_id, choice)
    except InvalidInput as error:
        return _agenda_page(meeting_id, 422, {error.field: translated(error.reason)}, item_id)
    flash(_("Decision recorded."), "ok")
    return redirect(url_for("admin_joint.agenda", meeting_id=meeting_id) + f"#item-{item_id}")
