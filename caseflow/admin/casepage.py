"""The case page: details, path, deadlines, likely duplicate, timeline, and one action
composer (choose an action, one note, the fields that action needs; a confirmation step for
the irreversible ones; a stale version re-shows what was typed and what changed since)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from caseflow.admin.labels import ACTIONS, label
from caseflow.admin.runtime import runtime
from caseflow.admin.security import requires
from caseflow.domain.errors import CaseflowError, NotFound
from caseflow.domain.lifecycle import IRREVERSIBLE_ACTIONS
from caseflow.error_responses import caseflow_page, explain
from caseflow.services import actions
from caseflow.services.actions import ActionCommand
from caseflow.services.case_page import DISPATCH_PANEL_ACTIONS, case_page
from caseflow.services.visibility import STAFF_ROLES

bp = Blueprint("admin_case", __name__)

# The fields each action reads from the composer, beside the note and its visibility.
ACTION_FIELDS: dict[str, tuple[str, ...]] = {
    "record_decision": ("outcome",), "evaluate": ("satisfaction",), "reroute": ("unit",),
    "request_extension": ("extra_amount", "extra_unit"), "reassign": ("assignee",),
    "merge": ("into",), "defer": ("review_on",), "dispatch": ("department",),
}


# The units an extension is asked in, as the duration parser reads them.
EXTENSION_UNITS = ("working days", "working hours", "days", "hours")


def render_case(ref: str, status: int = 200, kept: Any = None, **extra: Any
                ) -> tuple[str, int]:
    """The case page as the signed-in user sees it now; `kept` is what they typed."""
    rt = runtime()
    kept = kept if kept is not None else MultiDict()
    with rt.uow() as uow:
        view = case_page(uow, rt.rules(), current_user.viewer, ref, rt.now())
        seen = _int(kept.get("seen"))
        since = [e for e in view.events if seen is not None and e.id > seen]
        return render_template("admin/case.html", v=view, rules=rt.rules(), now=rt.now(),
                               kept=kept, since=since, action_fields=ACTION_FIELDS,
                               extension_units=EXTENSION_UNITS,
                               **extra), status


@bp.get("/cases/<ref>")
@requires(*STAFF_ROLES)
def show(ref: str) -> tuple[str, int]:
    """Read a case."""
    return render_case(ref)


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _extension(form: Any) -> str:
    """The extra time as the rules write it ("2 working days"), from a number and a unit."""
    amount, unit = form.get("extra_amount", "").strip(), form.get("extra_unit", "")
    if amount and unit in EXTENSION_UNITS:
        return f"{amount} {unit}"
    return str(form.get("extra", "")).strip()  # the API's and older pages' one text field


def action_data(action: str, form: Any) -> dict[str, Any]:
    """The extra fields an action needs, read from the composer."""
    if action == "record_decision":
        return {"outcome": form.get("outcome")}
    if action == "evaluate":
        return {"satisfaction": form.get("satisfaction")}
    if action == "reroute":
        return {"unit": form.get("unit", "").strip()}
    if action == "request_extension":
        return {"extra": _extension(form)}
    if action == "reassign":
        return {"assignee": form.get("assignee")}
    if action == "merge":
        return {"into": form.get("into", "").strip().upper()}
    if action == "dispatch":
        return {"department": form.get("department", "").strip()}
    if action in DISPATCH_PANEL_ACTIONS:
        return {"dispatch": form.get("dispatch", "").strip()}
    if action == "defer" and form.get("review_on"):
        return {"review_on": f"{form['review_on']}T09:00:00+08:00"}
    return {}


def take(ref: str, action: str, form: Any) -> None:
    """The one call of the action service from the case page (one transaction)."""
    rt = runtime()
    command = ActionCommand(
        ref, action, current_user.viewer, form.get("note", ""), form.get("visibility") or None,
        action_data(action, form), _int(form.get("version", "")),
    )
    with rt.uow() as uow:
        actions.act(uow, rt.rules(), command, rt.now())


@bp.post("/cases/<ref>/act")
@requires(*STAFF_ROLES)
def act(ref: str) -> Response | tuple[str, int]:
    """Take one action on the version of the case the user saw; an irreversible one first
    asks for confirmation (the same page, everything typed kept, one button to confirm)."""
    form, action = request.form, request.form.get("action", "")
    if not action:
        return render_case(ref, 422, kept=form, problem=_("Choose an action."))
    if action in IRREVERSIBLE_ACTIONS and form.get("confirm") != "yes":
        return render_case(ref, kept=form, confirming=action)
    take(ref, action, form)
    flash(_("Done: %(action)s.", action=label(ACTIONS, action)), "ok")
    return redirect(url_for("admin_case.show", ref=ref))


def refused(error: CaseflowError) -> tuple[str, int]:
    """A refused action: the case as it is now, the reason, what the user typed, and (when
    someone else acted meanwhile) the events since the page they saw."""
    if request.endpoint != "admin_case.act" or isinstance(error, NotFound):
        return caseflow_page(error)
    form = MultiDict(request.form)
    form.pop("confirm", None)  # a confirmation was for the case as it was
    return render_case((request.view_args or {})["ref"], error.status, kept=form,
                       problem=explain(error), problem_code=error.code)


bp.register_error_handler(CaseflowError, refused)
