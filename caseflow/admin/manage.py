"""Administration: users, the unit tree, property companies."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from caseflow.admin.runtime import runtime
from caseflow.admin.security import requires
from caseflow.services import accounts, companies
from caseflow.services.queries import unit_forest
from caseflow.services.users import LEAST_ROLE, ROLES

bp = Blueprint("admin_manage", __name__, url_prefix="/admin")


@bp.get("/users")
@requires("admin")
def users() -> str:
    """Every account with its role, unit and state."""
    with runtime().uow() as uow:
        return render_template("admin/users.html", users=accounts.list_users(uow), roles=ROLES,
                               least_role=LEAST_ROLE, now=runtime().now(),
                               form=request.form)


@bp.post("/users")
@requires("admin")
def create() -> Response:
    """Add an account."""
    form = request.form
    with runtime().uow() as uow:
        accounts.add_user(uow, form.get("username", ""), form.get("display_name", ""),
                          form.get("role") or LEAST_ROLE, form.get("unit", "").strip() or None,
                          form.get("password", ""))
    flash(_("User %(name)s created.", name=form.get("username")), "ok")
    return redirect(url_for("admin_manage.users"))


@bp.post("/users/<username>/active")
@requires("admin")
def set_active(username: str) -> Response:
    """Deactivate or reactivate an account."""
    active = request.form.get("active") == "yes"
    with runtime().uow() as uow:
        accounts.set_active(uow, username, active)
    flash(_("User %(name)s updated.", name=username), "ok")
    return redirect(url_for("admin_manage.users"))


@bp.post("/users/<username>/password")
@requires("admin")
def reset(username: str) -> Response:
    """Set a new password for someone who forgot theirs; lifts a lockout."""
    rt = runtime()
    with rt.uow() as uow:
        accounts.reset_password(uow, username, request.form.get("password", ""), rt.now())
    flash(_("Password of %(name)s reset.", name=username), "ok")
    return redirect(url_for("admin_manage.users"))


@bp.get("/units")
@requires("admin")
def units() -> str:
    """The jurisdiction tree, indented, with kinds and property companies."""
    with runtime().uow() as uow:
        names = {c.code: c.name for c, _count in companies.list_companies(uow)}
        return render_template("admin/units.html", forest=unit_forest(uow), companies=names)


@bp.get("/companies")
@requires("admin")
def companies_page() -> str:
    """Property companies and how many offices each runs."""
    with runtime().uow() as uow:
        return render_template("admin/companies.html", rows=companies.list_companies(uow))


@bp.post("/companies")
@requires("admin")
def create_company() -> Response:
    """Register a property company."""
    with runtime().uow() as uow:
        companies.create_company(uow, request.form.get("code", ""), request.form.get("name", ""))
    flash(_("Saved."), "ok")
    return redirect(url_for("admin_manage.companies_page"))


@bp.post("/companies/<code>")
@requires("admin")
def rename_company(code: str) -> Response:
    """Rename a property company."""
    with runtime().uow() as uow:
        companies.rename_company(uow, code, request.form.get("name", ""))
    flash(_("Saved."), "ok")
    return redirect(url_for("admin_manage.companies_page"))
