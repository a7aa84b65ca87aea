"""Pages for opinion campaigns (征求意见): staff open, record, link and publish; residents
give their opinion and read the published summary."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from caseflow.admin import labels
from caseflow.admin.charts import SVG_POLICY, stacked_bars
from caseflow.admin.error_texts import translated
from caseflow.admin.nav import NAV, NavEntry
from caseflow.admin.runtime import runtime
from caseflow.admin.security import requires
from caseflow.domain.errors import InvalidInput
from caseflow.services import campaigns
from caseflow.services.visibility import PUBLIC

bp = Blueprint("admin_campaigns", __name__)
STAFF = ("admin", "unit_lead", "caseworker", "owners_committee", "leader", "dispatcher")


def register(app: Flask) -> None:
    """Add the pages and their entries in the navigation bar."""
    app.register_blueprint(bp)
    if not any(entry.endpoint == "admin_campaigns.index" for entry in NAV):
        NAV.insert(3, NavEntry("admin_campaigns.index", _l("Opinion campaigns"), roles=STAFF))
        NAV.append(NavEntry("admin_campaigns.public_list", _l("Have your say"), public=True))


def _words() -> dict[str, Any]:
    return {"channels": labels.OPINION_CHANNELS, "states": labels.CAMPAIGN_STATES}


def _closes_at(text: str) -> datetime:
    try:
        naive = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput("closes_at", _("pick a date and time")) from None
    return naive.replace(tzinfo=ZoneInfo(runtime().rules().calendar.zone))


def _list_page(status: int = 200, errors: dict[str, str] | None = None) -> tuple[str, int]:
    with runtime().uow() as uow:
        found = campaigns.campaigns_for(uow, current_user.viewer)
        areas = campaigns.areas_for(uow, current_user.viewer)
    return render_template("campaigns/index.html", campaigns=found, areas=areas, form=request.form,
                           errors=errors or {}, **_words()), status


@bp.get("/campaigns")
@requires(*STAFF)
def index() -> tuple[str, int]:
    """The campaigns of the user's area, and the form to open one."""
    return _list_page()


@bp.post("/campaigns")
@requires(*STAFF)
def open_campaign() -> WerkzeugResponse | tuple[str, int]:
    """Open a campaign; a wrong field re-shows the form with what was typed."""
    rt, form = runtime(), request.form
    try:
        command = campaigns.CampaignCommand(
            area=form.get("area", ""),
            title=form.get("title", ""), description=form.get("description", ""),
            complexes=form.get("complexes", "").replace("，", ",").split(","),
            topics=form.get("topics", "").replace("，", ",").replace("、", ",").split(","),
            closes_at=_closes_at(form.get("closes_at", "")))
        with rt.uow() as uow:
            new = campaigns.open_campaign(uow, current_user.viewer, rt.now(), command)
    except InvalidInput as error:
        return _list_page(422, {error.field: translated(error.reason)})
    flash(_("Campaign opened."), "ok")
    return redirect(url_for("admin_campaigns.show", campaign_id=new))


def _page(campaign_id: int, status: int = 200, errors: dict[str, str] | None = None
          ) -> tuple[str, int]:
    with runtime().uow() as uow:
        found = campaigns.campaign_for(uow, current_user.viewer, campaign_id)
    return render_template("campaigns/campaign.html", c=found, form=request.form,
                           errors=errors or {}, categories=runtime().rules().categories.values(),
                           **_words()), status


@bp.get("/campaigns/<int:campaign_id>")
@requires(*STAFF)
def show(campaign_id: int) -> tuple[str, int]:
    """A campaign's counts (table and chart), its opinions and the staff forms."""
    return _page(campaign_id)


@bp.get("/campaigns/<int:campaign_id>/chart.svg")
@requires(*STAFF)
def chart(campaign_id: int) -> Response:
    """Opinions per topic and channel, as an SVG without scripts."""
    with runtime().uow() as uow:
        found = campaigns.campaign_for(uow, current_user.viewer, campaign_id)
    return Response(topic_chart(found), mimetype="image/svg+xml",
                    headers={"Content-Security-Policy": SVG_POLICY})


def topic_chart(found: campaigns.CampaignView) -> str:
    """A stacked bar per topic, one series per channel."""
    return stacked_bars(list(found.by_topic), {
        str(name): [found.by_channel.get(t, {}).get(channel, 0) for t in found.by_topic]
        for channel, name in labels.OPINION_CHANNELS.items()})


@bp.post("/campaigns/<int:campaign_id>/opinions")
@requires(*STAFF)
def record(campaign_id: int) -> WerkzeugResponse | tuple[str, int]:
    """Staff type in an opinion heard at a meeting or the counter."""
    rt, form = runtime(), request.form
    meeting = form.get("meeting_id", "").strip()
    command = campaigns.OpinionCommand(
        topic=form.get("topic", ""), text=form.get("text", ""),
        channel=form.get("channel", ""), complex=form.get("complex", ""),
        author_name=form.get("author_name", ""), author_phone=form.get("author_phone", ""),
        meeting_id=int(meeting) if meeting.isdigit() else None)
    try:
        with rt.uow() as uow:
            campaigns.give_opinion(uow, current_user.viewer, rt.now(), campaign_id, command)
    except InvalidInput as error:
        return _page(campaign_id, 422, {error.field: translated(error.reason)})
    flash(_("Opinion recorded."), "ok")
    return redirect(url_for("admin_campaigns.show", campaign_id=campaign_id))


@bp.post("/campaigns/opinions/<int:opinion_id>/case")
@requires(*STAFF)
def link(opinion_id: int) -> WerkzeugResponse:
    """Link an opinion to a case, or register a case from it."""
    rt, form = runtime(), request.form
    with rt.uow() as uow:
        ref = campaigns.spin_out_case(uow, rt.rules(), current_user.viewer, rt.now(), opinion_id,
                                      form.get("category", ""), form.get("case", ""))
    flash(_("Linked to case %(ref)s.", ref=ref), "ok")
    return redirect(request.referrer or url_for("admin_campaigns.index"))


@bp.post("/campaigns/<int:campaign_id>/close")
@requires(*STAFF)
def close(campaign_id: int) -> WerkzeugResponse | tuple[str, int]:
    """Stop collecting, and publish the summary with the counts."""
    rt, form = runtime(), request.form
    try:
        with rt.uow() as uow:
            campaigns.close_campaign(uow, current_user.viewer, rt.now(), campaign_id,
                                     form.get("summary", ""), form.get("publish") == "1")
    except InvalidInput as error:
        return _page(campaign_id, 422, {error.field: translated(error.reason)})
    flash(_("Campaign closed."), "ok")
    return redirect(url_for("admin_campaigns.show", campaign_id=campaign_id))


@bp.get("/have-your-say")
def public_list() -> str:
    """Open campaigns to give an opinion to, and published summaries."""
    rt = runtime()
    with rt.uow() as uow:
        found = campaigns.public_campaigns(uow, rt.now())
    return render_template("campaigns/public_list.html", campaigns=found, now=rt.now(),
                           **_words())


def _public_page(campaign_id: int, status: int = 200, errors: dict[str, str] | None = None,
                 sent: bool = False) -> tuple[str, int]:
    rt = runtime()
    with rt.uow() as uow:
        found = campaigns.public_campaign(uow, rt.now(), campaign_id)
    return render_template("campaigns/public.html", c=found, form=request.form, now=rt.now(),
                           errors=errors or {}, sent=sent, **_words()), status


@bp.route("/have-your-say/<int:campaign_id>", methods=["GET", "POST"])
def public_page(campaign_id: int) -> tuple[str, int]:
    """A campaign's call and form while open; its summary and counts once published."""
    if request.method == "GET":
        return _public_page(campaign_id)
    rt, form = runtime(), request.form
    command = campaigns.OpinionCommand(
        topic=form.get("topic", ""), text=form.get("text", ""), channel="web",
        complex=form.get("complex", ""), author_name=form.get("author_name", ""),
        author_phone=form.get("author_phone", ""))
    try:
        with rt.uow() as uow:
            campaigns.give_opinion(uow, PUBLIC, rt.now(), campaign_id, command)
    except InvalidInput as error:
        return _public_page(campaign_id, 422, {error.field: translated(error.reason)})
    return _public_page(campaign_id, 201, sent=True)

