"""HTML pages for errors on the UI's blueprints; the API answers its own paths in JSON.

Handlers are attached per blueprint, so they win over any app-wide JSON handler only for
requests routed to the UI, and the two never disagree about who answers.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from caseflow.admin.labels import ACTIONS, FIELDS, STATES, label
from caseflow.domain.errors import (
    AccountLocked,
    ActionNotAllowed,
    CaseflowError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RulesInvalid,
    StaleVersion,
)

ZONE = ZoneInfo("Asia/Shanghai")


def explain(error: CaseflowError) -> str:
    """The error in the reader's language, as one sentence."""
    if isinstance(error, StaleVersion):
        return _("This case has been updated by someone else.")
    if isinstance(error, NotFound):
        return _("Not found.")
    if isinstance(error, AccountLocked):
        return _("Too many failed sign-ins. Try again after %(time)s or ask an administrator.",
                 time=error.until.astimezone(ZONE).strftime("%H:%M"))
    if isinstance(error, PermissionDenied):
        return _("You may not do this.")
    if isinstance(error, ActionNotAllowed):
        return _("“%(action)s” is not possible while the case is “%(state)s”.",
                 action=label(ACTIONS, error.action), state=label(STATES, error.state))
    if isinstance(error, InvalidInput):
        return _("Please check “%(field)s”: %(message)s", field=label(FIELDS, error.field),
                 message=error.reason)
    if isinstance(error, RulesInvalid):
        return _("The rules are not valid.")
    return error.message


def caseflow_page(error: CaseflowError) -> tuple[str, int]:
    """Any domain error as a page with its HTTP status."""
    return render_template("admin/error.html", message=explain(error)), error.status


def csrf_page(error: CSRFError) -> tuple[str, int]:
    """A form without a valid token: nothing was changed."""
    message = _("The form has expired or was not sent from this site. Nothing was changed; "
                "please go back, reload the page and try again.")
    return render_template("admin/error.html", message=message), 400


def http_page(error: HTTPException) -> tuple[str, int]:
    """404 and friends on UI paths."""
    return render_template("admin/error.html", message=error.description), error.code or 500


def attach(blueprint: Blueprint) -> None:
    """Answer errors raised by this blueprint's views with pages."""
    blueprint.register_error_handler(CaseflowError, caseflow_page)
    blueprint.register_error_handler(CSRFError, csrf_page)
    blueprint.register_error_handler(HTTPException, http_page)
