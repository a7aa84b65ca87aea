"""The case page: details, path, deadlines, timeline, and one form per allowed action."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from caseflow.admin.labels import ACTIONS, label
from caseflow.admin.runtime import runtime
from caseflow.admin.security import requires
from caseflow.domain.errors import CaseflowError, InvalidInput, NotFound
from caseflow.domain.lifecycle import IRREVERSIBLE_ACTIONS
from caseflow.error_responses import caseflow_page, explain
from caseflow.services.actions import act_on_case
from caseflow.services.case_page import DISPATCH_PANEL_ACTIONS, case_page
from caseflow.services.visibility import STAFF_ROLES

bp = Blueprint("admin_case", __name__)


def render_case(ref: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    """The case page as the signed-in user sees it now."""
    rt = runtime()
    with rt.uow() as uow:
        view = case_page(uow, rt.rules(), current_user.viewer, ref, rt.now())
        return render_template("admin/case.html", v=view, rules=rt.rules(), now=rt.now(),
                               **extra), status


@bp.get("/cases/<ref>")
@requires(*STAFF_ROLES)
def show(ref: str) -> tuple[str, int]:
    """Read a case."""
    return render_case(ref)


def action_data(action: str, form: Any) -> dict[str, Any]:
    """The extra fields an action needs, read from its form."""
    if action == "record_decision":
        return {"outcome": form.get("outcome")}
    if action == "evaluate":
        return {"satisfaction": form.get("satisfaction")}
    if action == "reroute":
        return {"unit": form.get("unit", "").strip()}
    if action == "request_extension":
        return {"extra": form.get("extra", "").strip()}
    if action == "reassign":
        return {"assignee": form.get("assignee")}
    if action == "merge":
        return {"into": form.get("into", "").strip()}
    if action == "dispatch":
        return {"department": form.get("department", "").strip()}
    if action in DISPATCH_PANEL_ACTIONS:
        return {"dispatch": form.get("dispatch", "").strip()}
    if action == "defer" and form.get("review_on"):
        return {"review_on": f"{form['review_on']}T09:00:00+08:00"}
    return {}


@bp.post("/cases/<ref>/act")
@requires(*STAFF_ROLES)
def act(ref: str) -> Response:
    """Take one action on the version of the case the user saw."""
    form, action = request.form, request.form.get("action", "")
    if action in IRREVERSIBLE_ACTIONS and form.get("confirm") != "yes":
        raise InvalidInput("confirm", _("tick “I confirm” for an action that cannot be undone"))
    version = form.get("version", "")
    rt = runtime()
    with rt.uow() as uow:
        act_on_case(uow, rt.rules(), ref, action, current_user.viewer, rt.now(),
                    form.get("note", ""), action_data(action, form),
                    int(version) if version.isdigit() else None, form.get("visibility") or None)
    flash(_("Done: %(action)s.", action=label(ACTIONS, action)), "ok")
    return redirect(url_for("admin_case.show", ref=ref))


def refused(error: CaseflowError) -> tuple[str, int]:
    """A refused action: the case as it is now, the reason, and the note the user typed."""
    if request.endpoint != "admin_case.act" or isinstance(error, NotFound):
        return caseflow_page(error)
    return render_case(request.view_args["ref"], error.status, problem=explain(error),
                       problem_code=error.code, kept_action=request.form.get("action"),
                       kept_note=request.form.get("note", ""),
                       kept_visibility=request.form.get("visibility", ""))


bp.register_error_handler(CaseflowError, refused)
