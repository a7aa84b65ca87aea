"""The navigation bar: other features append entries here instead of editing base.html.

To add a page to the bar, from your blueprint's registration code::

    from caseflow.admin.nav import NAV, NavEntry
    from flask_babel import lazy_gettext as _l
    if not any(entry.endpoint == "dashboard.index" for entry in NAV):  # apps are built often
        NAV.append(NavEntry("dashboard.index", _l("Dashboard"), roles=("leader", "admin")))

`roles=None` shows the entry to every signed-in user; `public=True` also to visitors.
Labels should be lazy (`lazy_gettext`) so they follow the language switch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class NavEntry:
    """One link of the bar: an endpoint, its label, and who sees it."""

    endpoint: str
    label: Any
    roles: tuple[str, ...] | None = None
    public: bool = False

    def visible_to(self, user: Any) -> bool:
        """True when this user (or an anonymous visitor) should see the link."""
        if not getattr(user, "is_authenticated", False):
            return self.public
        return self.roles is None or user.role in self.roles


NAV: list[NavEntry] = [
    NavEntry("admin_inbox.inbox", _l("Inbox"), roles=None),
    NavEntry("admin_intake.intake", _l("Register"), roles=("dispatcher", "admin", "caseworker",
                                                          "unit_lead")),
    NavEntry("admin_rules.rules", _l("Rules"), roles=("admin",)),
    NavEntry("admin_manage.users", _l("Users"), roles=("admin",)),
    NavEntry("admin_manage.units", _l("Units"), roles=("admin",)),
    NavEntry("admin_manage.companies_page", _l("Property companies"), roles=("admin",)),
    NavEntry("admin_public.submit", _l("Report a problem"), public=True),
]


# Where a role lands after signing in (and at `/`), when not the inbox: a feature registers
# its page here, e.g. HOME["leader"] = "dashboard.index".
HOME: dict[str, str] = {}


def home_endpoint(user: Any) -> str:
    """The page this user starts at."""
    return HOME.get(getattr(user, "role", ""), "admin_inbox.inbox")


def entries_for(user: Any) -> list[NavEntry]:
    """The entries this user sees, in order (links to pages this app lacks are left out)."""
    pages = current_app.view_functions
    return [entry for entry in NAV if entry.endpoint in pages and entry.visible_to(user)]
