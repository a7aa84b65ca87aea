"""Pages for meetings (议事) and owners' votes, and the public notice (公示) of a complex."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from caseflow.admin.nav import NAV, NavEntry
from caseflow.admin.runtime import runtime
from caseflow.admin.security import requires
from caseflow.domain.errors import InvalidInput
from caseflow.domain.lifecycle import DECISION_OUTCOMES
from caseflow.domain.voting import CHANNELS, CHOICES
from caseflow.services import meetings, voting
from caseflow.services.assessments import ledger
from caseflow.services.deliberation import reads, writes
from caseflow.services.visibility import PUBLIC, Viewer

bp = Blueprint("admin_meetings", __name__)
PARTICIPANT = ("name", "role", "organisation")  # one "a | b | c" line of a textarea each
TASK = ("title", "owner", "due_on")
STAFF = ("admin", "unit_lead", "caseworker", "owners_committee", "leader", "dispatcher")


def register(app: Flask) -> None:
    """Add the pages and their entry in the navigation bar."""
    app.register_blueprint(bp)
    if not any(entry.endpoint == "admin_meetings.index" for entry in NAV):
        NAV.insert(1, NavEntry("admin_meetings.index", _l("Meetings & votes"), roles=STAFF))
        NAV.append(NavEntry("admin_meetings.notices", _l("Public notices"), public=True))


def _me() -> Viewer:
    """The signed-in staff member as a Viewer (the public when nobody is signed in)."""
    return current_user.viewer if current_user.is_authenticated else PUBLIC


def _lines(field: str, names: tuple[str, ...]) -> list[dict[str, str]]:
    """A textarea of "a | b | c" lines as dicts (participants, tasks)."""
    rows = []
    for line in request.form.get(field, "").splitlines():
        if line.strip():
            cells = [cell.strip() for cell in line.split("|")]
            rows.append(dict(zip(names, cells + [""] * len(names), strict=False)))
    return rows


def _local_time(field: str) -> datetime:
    """A datetime-local input read in the rules' time zone."""
    try:
        naive = datetime.fromisoformat(request.form.get(field, ""))
    except ValueError:
        raise InvalidInput(field, _("pick a date and time")) from None
    return naive.replace(tzinfo=ZoneInfo(runtime().rules().calendar.zone))


@bp.get("/meetings")
@requires(*STAFF)
def index() -> str:
    """Choose a complex: those in the user's area or that they work for (all for admins)."""
    with runtime().uow() as uow:
        complexes = reads.complexes_for(uow, _me())
    return render_template("meetings/index.html", complexes=complexes)


@bp.get("/complexes/<code>/meetings")
@requires(*STAFF)
def complex_page(code: str) -> str:
    """A complex's meetings, votes and ballot list, with the forms to add them."""
    rt = runtime()
    with rt.uow() as uow:
        page = reads.complex_page(uow, _me(), code)
    return render_template(
        "meetings/complex.html",
        unit=page.complex,
        page=page,
        kinds=meetings.meeting_kinds(rt.rules()),
        meetings=page.meetings,
        votes=page.votes,
        matters=voting.voting_rules(rt.rules()).get("matters") or {},
        parts=page.parts,
    )


@bp.post("/complexes/<code>/meetings")
@requires(*STAFF)
def plan(code: str) -> Response:
    """Plan a meeting on the complex, or on a case when a reference is given."""
    rt, form, case = runtime(), request.form, request.form.get("case", "").strip() or None
    with rt.uow() as uow:
        meeting = writes.plan_meeting(
            uow,
            rt.rules(),
            _me(),
            rt.now(),
            kind=form.get("kind", ""),
            starts_at=_local_time("starts_at"),
            case=case,
            complex=None if case else code,
            place=form.get("place", ""),
            agenda=form.get("agenda", ""),
            title=form.get("title", ""),
            participants=_lines("participants", PARTICIPANT),
        )
    flash(_("Meeting planned."), "ok")
    return redirect(url_for("admin_meetings.meeting_page", meeting_id=meeting.id))


@bp.get("/meetings/<int:meeting_id>")
@requires(*STAFF)
def meeting_page(meeting_id: int) -> str:
    """One meeting: who, what, minutes and decision forms."""
    with runtime().uow() as uow:
        page = reads.meeting_page(uow, _me(), meeting_id)
    return render_template("meetings/meeting.html", m=page.meeting, page=page,
                           outcomes=DECISION_OUTCOMES)


@bp.post("/meetings/<int:meeting_id>/minutes")
@requires(*STAFF)
def minutes(meeting_id: int) -> Response:
    """Save the minutes."""
    rt = runtime()
    with rt.uow() as uow:
        writes.record_minutes(uow, _me(), rt.now(), meeting_id, request.form.get("minutes", ""))
    flash(_("Minutes saved."), "ok")
    return redirect(url_for("admin_meetings.meeting_page", meeting_id=meeting_id))


@bp.post("/meetings/<int:meeting_id>/decision")
@requires(*STAFF)
def decision(meeting_id: int) -> Response:
    """Record the decision; the case moves on and the notice is published."""
    rt, form = runtime(), request.form
    with rt.uow() as uow:
        writes.record_decision(
            uow,
            rt.rules(),
            _me(),
            rt.now(),
            meeting_id,
            form.get("outcome", ""),
            form.get("decisions", "").splitlines(),
            _lines("tasks", TASK),
        )
    flash(_("Decision recorded and published."), "ok")
    return redirect(url_for("admin_meetings.meeting_page", meeting_id=meeting_id))


@bp.post("/complexes/<code>/ballot-list")
@requires(*STAFF)
def import_list(code: str) -> Response:
    """Replace the ballot list from an uploaded CSV."""
    upload = request.files.get("file")
    text = voting.decode_csv(upload.read()) if upload else ""
    with runtime().uow() as uow:
        count = writes.import_ballot_list(uow, _me(), code, voting.parse_ballot_csv(text))
    flash(_("%(count)d exclusive parts imported.", count=count), "ok")
    return redirect(url_for("admin_meetings.complex_page", code=code))


@bp.post("/complexes/<code>/votes")
@requires(*STAFF)
def open_vote(code: str) -> Response:
    """Open a vote on a matter."""
    rt, form = runtime(), request.form
    with rt.uow() as uow:
        vote = writes.create_vote(
            uow,
            rt.rules(),
            _me(),
            rt.now(),
            code,
            form.get("title", ""),
            form.get("matter", ""),
            fund_amount=form.get("fund_amount") or None,
        )
    return redirect(url_for("admin_meetings.vote_page", vote_id=vote.id))


@bp.get("/votes/<int:vote_id>")
@requires(*STAFF)
def vote_page(vote_id: int) -> str:
    """One vote: the count so far (or the final result), ballots and the ballot form."""
    rt = runtime()
    with rt.uow() as uow:
        page = reads.vote_page(uow, rt.rules(), _me(), vote_id)
        spent = ledger.spent_under_vote(uow, vote_id)  # 双晒: what was spent under it
    return render_template(
        "meetings/vote.html",
        spent=spent,
        names=rt.rules().ratings.get("names") or {},
        vote=page.vote,
        page=page,
        result=page.result,
        ballots=page.ballots,
        choices=CHOICES,
        channels=CHANNELS,
    )


@bp.post("/votes/<int:vote_id>/ballots")
@requires(*STAFF)
def record_ballot(vote_id: int) -> Response:
    """Record a ballot, or change one when "change" is ticked."""
    rt, form = runtime(), request.form
    with rt.uow() as uow:
        writes.record_ballot(
            uow,
            _me(),
            rt.now(),
            vote_id,
            form.get("voter", ""),
            form.get("choice", ""),
            form.get("channel", "in_person"),
            form.get("proxy_holder", ""),
            change=form.get("change") == "yes",
        )
    flash(_("Ballot recorded."), "ok")
    return redirect(url_for("admin_meetings.vote_page", vote_id=vote_id))


@bp.post("/votes/<int:vote_id>/close")
@requires(*STAFF)
def close(vote_id: int) -> Response:
    """Close the vote, count it and publish the result."""
    rt = runtime()
    with rt.uow() as uow:
        writes.close_vote(uow, rt.rules(), _me(), rt.now(), vote_id)
    flash(_("Vote closed; the result is on the public notice."), "ok")
    return redirect(url_for("admin_meetings.vote_page", vote_id=vote_id))


@bp.get("/notice/<code>")
def notice(code: str) -> str:
    """The complex's public notice (公示), for everyone, without signing in."""
    rt = runtime()
    with rt.uow() as uow:
        on_notice = reads.notice_board(uow, rt.now(), code)
    return render_template("meetings/notice.html", complex=on_notice.complex,
                           meetings=on_notice.meetings, votes=on_notice.votes)


@bp.get("/notice")
def notices() -> str:
    """Every complex with something on public notice now."""
    rt = runtime()
    with rt.uow() as uow:
        complexes = reads.notice_complexes(uow, rt.now())
    return render_template("meetings/notices.html", complexes=complexes)
