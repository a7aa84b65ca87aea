"""Signing in and out, and changing one's own password."""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from caseflow.admin.i18n import safe_next
from caseflow.admin.nav import home_endpoint
from caseflow.admin.runtime import runtime
from caseflow.services import accounts
from caseflow.services.visibility import Viewer

bp = Blueprint("admin_auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "admin_auth.login"
login_manager.login_message = None  # the login page says what to do


@dataclass(frozen=True)
class StaffUser:
    """The signed-in user as pages need it, detached from any database session."""

    id: int
    username: str
    display_name: str
    role: str
    unit_id: int | None
    unit_name: str
    unit_ids: tuple[int, ...] = ()
    is_authenticated: bool = True
    is_active: bool = True
    is_anonymous: bool = False

    def get_id(self) -> str:
        """Flask-Login keeps this id in the session."""
        return str(self.id)

    @property
    def viewer(self) -> Viewer:
        """Who this user reads as, for the read policy in services."""
        return Viewer(role=self.role, id=self.id, unit_id=self.unit_id, username=self.username,
                      display_name=self.display_name, unit_name=self.unit_name,
                      unit_ids=self.unit_ids)

    @classmethod
    def of(cls, viewer: Viewer) -> StaffUser:
        """The signed-in user from who services say they are."""
        assert viewer.id is not None  # noqa: S101 (type narrowing: staff viewers carry their id)
        return cls(viewer.id, viewer.username, viewer.display_name, viewer.role,
                   viewer.unit_id, viewer.unit_name, viewer.units)


@login_manager.user_loader
def load_user(user_id: str) -> StaffUser | None:
    """The session's user, while their account is active."""
    if not user_id.isdigit():
        return None
    with runtime().uow() as uow:
        viewer = accounts.signed_in(uow, int(user_id))
    return StaffUser.of(viewer) if viewer is not None else None


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    """The sign-in form; wrong passwords count toward a lockout."""
    if request.method == "GET":
        return render_template("admin/login.html")
    config = current_app.config
    with runtime().uow() as uow:
        user = accounts.sign_in(uow, request.form.get("username", ""),
                                request.form.get("password", ""), runtime().now(),
                                request.remote_addr or "-",
                                config["LOGIN_MAX_FAILURES"], config["LOGIN_LOCKOUT"])
        staff = StaffUser.of(user) if user else None
    if staff is None:
        flash(_("Wrong username or password."), "error")
        return render_template("admin/login.html", username=request.form.get("username", "")), 401
    session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME without activity
    login_user(staff)
    return redirect(safe_next(request.args.get("next"), url_for(home_endpoint(staff))))


@bp.post("/logout")
def logout() -> Response:
    """Sign out and forget the session (the language choice stays in its cookie)."""
    logout_user()
    session.clear()
    return redirect(url_for("admin_auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password() -> str | Response | tuple[str, int]:
    """Change one's own password, proving the old one."""
    if request.method == "GET":
        return render_template("admin/password.html")
    if request.form.get("new", "") != request.form.get("repeat", ""):
        flash(_("The two new passwords differ."), "error")
        return render_template("admin/password.html"), 422
    with runtime().uow() as uow:
        accounts.change_password(uow, current_user.id, request.form.get("old", ""),
                                 request.form.get("new", ""), runtime().now())
    flash(_("Your password has been changed."), "ok")
    return redirect(url_for("admin_inbox.inbox"))
