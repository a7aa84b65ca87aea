"""Pages of public accountability: the panel's assessments (score sheets, publishing), the
committee's 双晒 accounts, and the accounts on the public notice board."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from caseflow.admin.runtime import runtime
from caseflow.admin.security import requires
from caseflow.domain.errors import InvalidInput
from caseflow.services.assessments import desk, ledger, panel, rounds
from caseflow.services.visibility import Viewer

bp = Blueprint("accountability", __name__)
PANEL = ("admin", "unit_lead", "inspector", "expert", "leader")
KEEPERS = ("admin", "owners_committee", "unit_lead", "caseworker")


def _me() -> Viewer:
    return current_user.viewer


def _names() -> dict[str, Any]:
    return dict(runtime().rules().ratings.get("names") or {})


def vouchers_dir() -> Path:
    """Where vouchers are kept: beside the case photos, under the instance folder."""
    configured = current_app.config.get("VOUCHERS_DIR")
    return Path(configured or Path(current_app.instance_path) / "vouchers")


@bp.get("/assessments")
@requires(*PANEL)
def assessments(errors: dict[str, str] | None = None, status: int = 200) -> Any:
    """The assessments of the viewer's area, and the form to open one."""
    rt = runtime()
    with rt.uow() as uow:
        items = desk.assessments_for(uow, _me())
        areas = desk.areas_for(uow, _me())
    return render_template("assessments/index.html", items=items, areas=areas,
                           errors=errors or {}, form=request.form, year=rt.now().year), status


@bp.post("/assessments")
@requires(*panel.RUNS)
def open_assessment() -> Any:
    """Open an area's assessment for a quarter or the year."""
    rt, form = runtime(), request.form
    try:
        with rt.uow() as uow:
            assessment_id = panel.open_assessment(
                uow, _me(), form.get("area", ""), _int(form, "year"), _int(form, "quarter"),
                rt.now())
    except InvalidInput as error:
        return assessments({error.field: str(error)}, 422)
    flash(_("Assessment opened."), "ok")
    return redirect(url_for("accountability.assessment", assessment_id=assessment_id))


def _int(form: Any, field: str) -> int:
    try:
        return int(form.get(field, ""))
    except ValueError:
        raise InvalidInput(field, _("must be a whole number")) from None


@bp.get("/assessments/<int:assessment_id>")
@requires(*PANEL)
def assessment(assessment_id: int, errors: dict[str, str] | None = None,
               status: int = 200) -> Any:
    """An assessment: each unit's parts so far, the viewer's score sheets, publishing."""
    rt = runtime()
    with rt.uow() as uow:
        page = desk.desk(uow, rt.rules(), _me(), assessment_id, rt.now())
    items = (rt.rules().ratings.get("assessment") or {}).get("expert_sheet") or {}
    return render_template("assessments/assessment.html", desk=page, items=items,
                           names=_names(), errors=errors or {}, form=request.form,
                           may_score=_me().role in panel.SCORES,
                           may_run=_me().role in panel.RUNS), status


@bp.post("/assessments/<int:assessment_id>/sheets")
@requires(*panel.SCORES)
def enter_sheet(assessment_id: int) -> Any:
    """The viewer's score sheet for one unit."""
    rt, form = runtime(), request.form
    items = (rt.rules().ratings.get("assessment") or {}).get("expert_sheet") or {}
    entry = panel.SheetEntry(assessment_id, form.get("complex", ""),
                             {item: form.get(item, "") for item in items})
    try:
        with rt.uow() as uow:
            panel.enter_sheet(uow, rt.rules(), _me(), entry, rt.now())
    except InvalidInput as error:
        return assessment(assessment_id, {error.field: str(error)}, 422)
    flash(_("Score sheet saved."), "ok")
    return redirect(url_for("accountability.assessment", assessment_id=assessment_id))


@bp.post("/assessments/<int:assessment_id>/publish")
@requires(*panel.RUNS)
def publish(assessment_id: int) -> Response:
    """Publish: results, credit grades and complex stars are frozen and shown publicly."""
    rt = runtime()
    with rt.uow() as uow:
        panel.publish_assessment(uow, rt.rules(), _me(), assessment_id, rt.now())
    flash(_("Assessment published."), "ok")
    return redirect(url_for("public_ratings.ratings", assessment=assessment_id))


@bp.get("/accounts")
@requires(*KEEPERS)
def keep() -> str:
    """The complexes whose accounts and rating rounds the viewer keeps."""
    with runtime().uow() as uow:
        complexes = desk.complexes_kept(uow, _me())
    return render_template("accounts/keep.html", complexes=complexes)


@bp.get("/complexes/<code>/accounts")
@requires(*KEEPERS)
def ledger_page(code: str, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    """A month of the complex's ledger (the current one by default) with its forms."""
    rt = runtime()
    month = request.values.get("month") or rt.now().strftime("%Y-%m")
    with rt.uow() as uow:
        view = ledger.month_view(uow, rt.rules().ratings, _me(), code, month, public=False)
        round_list = rounds.rounds_of(uow, _me(), code)
    return render_template("accounts/ledger.html", month=view, names=_names(),
                           accounts=rt.rules().ratings.get("accounts") or {},
                           rounds=round_list, errors=errors or {}, form=request.form,
                           year=rt.now().year), status


def _vote(form: Any) -> int | None:
    text = (form.get("vote") or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise InvalidInput("vote", _("must be the vote's number"))
    return int(text)


@bp.post("/complexes/<code>/accounts/lines")
@requires(*KEEPERS)
def add_line(code: str) -> Any:
    """Add an income or expense line, with its voucher."""
    rt, form = runtime(), request.form
    upload = request.files.get("voucher")
    limit = current_app.config.get("ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)
    try:
        entry = ledger.LineEntry(
            code, form.get("kind", ""), form.get("category", ""), form.get("amount", ""),
            form.get("on_date", ""), form.get("description", ""), _vote(form),
            upload.filename or "" if upload else "", upload.read(limit + 1) if upload else b"")
        with rt.uow() as uow:
            ledger.add_line(uow, rt.rules().ratings, _me(), entry, rt.now(), vouchers_dir(),
                            limit)
    except InvalidInput as error:
        return ledger_page(code, {error.field: str(error)}, 422)
    flash(_("Ledger line added."), "ok")
    return redirect(url_for("accountability.ledger_page", code=code,
                            month=form.get("on_date", "")[:7]))


@bp.post("/complexes/<code>/accounts/report")
@requires(*KEEPERS)
def service_report(code: str) -> Any:
    """Write the month's service report."""
    rt, form = runtime(), request.form
    try:
        with rt.uow() as uow:
            ledger.write_service_report(uow, _me(), code, form.get("month", ""),
                                        form.get("service_report", ""))
    except InvalidInput as error:
        return ledger_page(code, {error.field: str(error)}, 422)
    flash(_("Service report saved."), "ok")
    return redirect(url_for("accountability.ledger_page", code=code, month=form.get("month")))


@bp.post("/complexes/<code>/accounts/publish")
@requires(*KEEPERS)
def publish_month(code: str) -> Any:
    """Publish the month on the notice board."""
    rt, form = runtime(), request.form
    try:
        with rt.uow() as uow:
            ledger.publish_month(uow, rt.rules().ratings, _me(), code, form.get("month", ""),
                                 rt.now())
    except InvalidInput as error:
        return ledger_page(code, {error.field: str(error)}, 422)
    flash(_("The month's accounts are on the notice board."), "ok")
    return redirect(url_for("accountability.public_month", code=code, month=form.get("month")))


@bp.post("/complexes/<code>/accounts/ratio")
@requires(*KEEPERS)
def remuneration(code: str) -> Any:
    """Set (or clear) the 酬金制 share agreed with the company, in percent."""
    rt, text = runtime(), (request.form.get("percent") or "").strip()
    try:
        ratio = None if not text else float(text) / 100
    except ValueError:
        return ledger_page(code, {"ratio": _("must be a percentage, e.g. 10")}, 422)
    try:
        with rt.uow() as uow:
            ledger.set_remuneration_ratio(uow, _me(), code, ratio)
    except InvalidInput as error:
        return ledger_page(code, {error.field: str(error)}, 422)
    flash(_("Remuneration share saved."), "ok")
    return redirect(url_for("accountability.ledger_page", code=code))


@bp.get("/notice/accounts")
def public_accounts() -> str:
    """Every complex with published accounts (双晒)."""
    with runtime().uow() as uow:
        complexes = ledger.complexes_with_accounts(uow)
    return render_template("accounts/public_index.html", complexes=complexes)


@bp.get("/notice/<code>/accounts")
def public_months(code: str) -> str:
    """A complex's published months."""
    with runtime().uow() as uow:
        name, months = ledger.published_months(uow, code)
    return render_template("accounts/public_months.html", code=code, name=name, months=months)


@bp.get("/notice/<code>/accounts/<month>")
def public_month(code: str, month: str) -> str:
    """A published month: the service report, every line with its voucher, the totals."""
    rt = runtime()
    with rt.uow() as uow:
        view = ledger.month_view(uow, rt.rules().ratings, None, code, month, public=True)
    return render_template("accounts/month.html", month=view, names=_names())


@bp.get("/vouchers/<int:line_id>")
def voucher(line_id: int) -> Response:
    """A published line's voucher."""
    with runtime().uow() as uow:
        name, content_type, data = ledger.voucher(uow, line_id)
    response = Response(data, mimetype=content_type)
    response.headers["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
