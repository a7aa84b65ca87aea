"""The inbox: cases of the user's unit and below, most urgent first, with filters."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from caseflow.admin.drill import figure_filters
from caseflow.admin.nav import home_endpoint
from caseflow.admin.runtime import runtime
from caseflow.admin.security import requires
from caseflow.domain.lifecycle import OPEN_STATES, STATES
from caseflow.services.case_page import due_status
from caseflow.services.case_views import list_for
from caseflow.services.queries import CaseFilters

bp = Blueprint("admin_inbox", __name__)
PER_PAGE = 20
REF = re.compile(r"^CF-\d{8}-[0-9A-Z]{6}$", re.IGNORECASE)


def filters_from(args: Any) -> CaseFilters:
    """The inbox filters from the query string; open cases unless a state is chosen. A
    figure's link (admin/drill.py) narrows them to the cases it counted."""
    state = args.get("state", "")
    overdue = {"yes": True, "no": False}.get(args.get("overdue", ""))
    return replace(CaseFilters(
        state=(state,) if state in STATES else OPEN_STATES,
        layer=args.get("layer") or None,
        category=args.get("category") or None,
        overdue=overdue,
        text=args.get("q") or None,
    ), **figure_filters(args))


@bp.get("/")
def home() -> Response:
    """Staff start at their inbox; visitors at the sign-in page."""
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    return redirect(url_for("admin_auth.login"))


@bp.get("/inbox")
@requires()
def inbox() -> str | Response:
    """One page of cases; a reference typed in the search box opens that case."""
    query = request.args.get("q", "").strip()
    if REF.match(query):
        return redirect(url_for("admin_case.show", ref=query.upper()))
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rt = runtime()
    now = rt.now()
    with rt.uow() as uow:
        cases, total = list_for(uow, current_user.viewer, filters_from(request.args), now,
                                "urgency", page, PER_PAGE)
        rows = [(case, due_status(case, now)) for case in cases]
        return render_template("admin/inbox.html", rows=rows, total=total, page=page,
                               pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
                               rules=rt.rules(), states=STATES, args=request.args)
