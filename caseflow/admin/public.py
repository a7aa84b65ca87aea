"""Pages for residents, without an account: report a problem (with photos), add a voice to
a similar report, follow a case by link or by reference and phone, evaluate, withdraw,
reopen. Tracking pages, public_track.py."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from caseflow.admin.present import grievance
from caseflow.admin.runtime import runtime
from caseflow.domain.errors import InvalidInput, NotFound
from caseflow.domain.masking import mask_name
from caseflow.domain.policy import OWNER, Actor
from caseflow.services import voices
from caseflow.services.attachments import PhotoStore, Upload
from caseflow.services.places import places
from caseflow.services.resident_reports import ReportInvalid, ResidentReport, report_problem
from caseflow.services.voices import AddVoice, add_voice, similar_open_cases

bp = Blueprint("admin_public", __name__)
TRACKED = "tracked"  # the session's proofs: case reference → tracking token hash
TRACKED_KEPT = 5

# A form field's problem (services/resident_reports.py, services/photos.py) as the
# resident reads it, beside the field.
PROBLEMS = {
    "required": _l("Please fill this in."),
    "too_long": _l("This is too long: please shorten it."),
    "not_phone": _l("Please give a phone number we can call back, such as 13800000000."),
    "unknown_place": _l("Please choose your complex or building from the list."),
    "not_a_place": _l("Please choose your complex or building from the list."),
    "unknown_category": _l("Please choose what kind of problem it is."),
    "too_many_photos": _l("You can send at most %(most)d photos."),
    "photo_too_large": _l("Each photo may be at most %(mb)d MB."),
    "photo_too_many_pixels": _l("A photo is too large in pixels: please send a smaller one."),
    "not_a_photo": _l("Photos must be JPEG, PNG or HEIC pictures."),
    "heic_unreadable": _l("HEIC photos cannot be read here: please send a JPEG or PNG."),
    "invalid": _l("Please check this field."),
    "closed": _l("That report is no longer open: please report your problem below."),
}


def store() -> PhotoStore:
    """Where this app keeps photos and how large they may be."""
    return PhotoStore.from_config(current_app.config, current_app.instance_path)


# A list to choose from left unchosen asks for a choice, not for typing.
CHOSEN = {"unit": "unknown_place", "category": "unknown_category"}


def problem_text(problem: str, field: str = "") -> str:
    """A problem word of a form field in the page's language."""
    if problem == "required" and field in CHOSEN:
        problem = CHOSEN[field]
    photo_store = store()
    text = PROBLEMS.get(problem, PROBLEMS["invalid"])
    return str(text) % {"most": photo_store.per_report,
                        "mb": photo_store.limits.max_bytes // (1024 * 1024)}


def resident(name: str = "") -> Actor:
    """The resident acting from a public page, known by their masked name only."""
    return Actor(role="resident", relation=OWNER, label=mask_name(name) or _("resident"))


def keep_proof(ref: str, token_hash: str) -> None:
    """Remember in the signed session that this browser proved the case (a few at most)."""
    kept = {k: v for k, v in (session.get(TRACKED) or {}).items() if k != ref}
    kept[ref] = token_hash
    session[TRACKED] = dict(list(kept.items())[-TRACKED_KEPT:])


def form_page(template: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    """A grievance form with the current categories and places; `errors` (field → text)
    are shown beside their fields, and what was typed is kept."""
    rt = runtime()
    with rt.uow() as uow:
        return render_template(template, categories=rt.rules().categories.values(),
                               places=places(uow), form=request.form,
                               errors=extra.pop("errors", {}), **extra), status


def _similar(unit: str, category: str) -> list[voices.SimilarCase]:
    rt = runtime()
    with rt.uow() as uow:
        return similar_open_cases(uow, unit, category, rt.now())


def _report_form(status: int = 200, **extra: Any) -> tuple[str, int]:
    form = request.form
    similar = _similar(form.get("unit", ""), form.get("category", ""))
    return form_page("admin/report.html", status, similar=similar,
                     photos_most=store().per_report, **extra)


def _uploads() -> list[Upload]:
    """The photos chosen, each read up to its limit plus one byte (enough to refuse it)."""
    most = store().limits.max_bytes + 1
    return [Upload(f.filename or "", f.read(most)) for f in request.files.getlist("photos")
            if f.filename]


@bp.route("/report", methods=["GET", "POST"])
def submit() -> tuple[str, int]:
    """A resident reports a problem, with photos, and gets a reference and a tracking link;
    a bad field re-shows the form with what was typed and the error beside the field."""
    if request.method == "GET":
        return _report_form()
    if request.form.get("check"):  # without JavaScript: "has anyone reported this?"
        return _report_form(checked=True)
    rt, photos = runtime(), _uploads()
    try:
        with rt.uow() as uow:
            report = ResidentReport(grievance(request.form, "web"), photos)
            done = report_problem(uow, rt.rules(), report,
                                  resident(request.form.get("name", "")), rt.now(), store())
    except ReportInvalid as invalid:
        errors = {field: problem_text(problem, field)
                  for field, problem in invalid.problems.items()}
        return _report_form(422, errors=errors, photos_lost=bool(photos))
    keep_proof(done.ref, done.token_hash)
    link = _track_link(done.ref, done.token)
    return render_template("admin/reported.html", ref=done.ref, link=link,
                           photo_ids=done.photo_ids), 201


def _track_link(ref: str, token: str) -> str:
    return url_for("admin_public.track", ref=ref, token=token, _external=True)


@bp.get("/report/similar")
def similar() -> str:
    """The open reports like this one at the same complex (the form fetches it while the
    resident fills it in): a part of the report form."""
    found = _similar(request.args.get("unit", ""), request.args.get("category", ""))
    return render_template("admin/_similar.html", similar=found, checked=True)


@bp.post("/report/voice")
def voice() -> tuple[str, int]:
    """The resident adds their voice to a similar open report instead of a new case."""
    form, rt = request.form, runtime()
    command = AddVoice(form.get("voice", ""), form.get("name", ""), form.get("phone", ""))
    try:
        with rt.uow() as uow:
            ref, added = add_voice(uow, command, rt.now())
    except NotFound:
        return _report_form(404, errors={"voice": problem_text("closed")})
    except InvalidInput as invalid:
        errors = {invalid.field: problem_text(_voice_problem(invalid))}
        return _report_form(422, errors=errors)
    return render_template("admin/voiced.html", ref=ref, added=added), 201


def _voice_problem(invalid: InvalidInput) -> str:
    if invalid.reason == "is required":
        return "required"
    return "not_phone" if invalid.field == "phone" else "too_long"
