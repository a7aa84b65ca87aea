"""Language choice (zh default, en by choice) and the helpers templates use to show codes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, redirect, request, session
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response

from caseflow.admin import labels
from caseflow.admin.nav import entries_for
from caseflow.admin.rule_texts import rule_message
from caseflow.admin.runtime import runtime
from caseflow.domain.durations import parse_duration

LOCALES = ("zh", "en")
ZONE = ZoneInfo("Asia/Shanghai")
COOKIE = "caseflow_lang"

bp = Blueprint("admin_i18n", __name__)


def select_locale() -> str:
    """The visitor's choice (session, then cookie), else Chinese."""
    chosen = session.get("lang") or request.cookies.get(COOKIE)
    return chosen if chosen in LOCALES else "zh"


def select_timezone() -> str:
    """Times are shown as residents and officers read them: Beijing time."""
    return "Asia/Shanghai"


def safe_next(target: str | None, fallback: str = "/") -> str:
    """Only same-site paths, so the switch cannot be used to redirect elsewhere."""
    if not target or urlsplit(target).netloc or not target.startswith("/") \
            or target.startswith("//"):
        return fallback
    return target


@bp.post("/lang")
def language() -> Response:
    """Store the chosen language in the session and a year-long cookie."""
    lang = request.form.get("lang", "zh")
    lang = lang if lang in LOCALES else "zh"
    session["lang"] = lang
    response = redirect(safe_next(request.form.get("next")))
    response.set_cookie(COOKIE, lang, max_age=365 * 86400, httponly=True, samesite="Lax",
                        secure=bool(request.environ.get("wsgi.url_scheme") == "https"))
    return response


def local_time(value: datetime | str | None, with_seconds: bool = False) -> str:
    """A stored UTC time as Beijing wall-clock time."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(ZONE).strftime("%Y-%m-%d %H:%M:%S" if with_seconds
                                           else "%Y-%m-%d %H:%M")


def time_left(delta: timedelta) -> str:
    """`2天3小时` / `2 d 3 h`, and 'overdue by …' once negative."""
    seconds = int(delta.total_seconds())
    late, seconds = seconds < 0, abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(_("%(n)d d", n=days))
    if hours or days:
        parts.append(_("%(n)d h", n=hours))
    if not days:
        parts.append(_("%(n)d min", n=minutes))
    text = " ".join(parts)
    return _("overdue by %(time)s", time=text) if late else _("%(time)s left", time=text)


# The units an extension can be asked in (the duration parser's words), as users read them.
DURATION_UNITS: dict[str, Any] = {
    "working days": _l("working days"), "working hours": _l("working hours"),
    "days": _l("days"), "hours": _l("hours"), "minutes": _l("minutes"),
}


def duration_text(value: Any) -> str:
    """A rules duration ("2 working days", "30m", "3d") in the reader's language."""
    try:
        duration = parse_duration(str(value).strip())
    except (ValueError, TypeError):
        return str(value)
    n, unit = duration.amount, duration.unit
    if duration.working:
        if unit == "days":
            return ngettext("%(num)d working day", "%(num)d working days", n)
        if unit == "hours":
            return ngettext("%(num)d working hour", "%(num)d working hours", n)
        return ngettext("%(num)d working minute", "%(num)d working minutes", n)
    if unit == "days":
        return ngettext("%(num)d day", "%(num)d days", n)
    if unit == "hours":
        return ngettext("%(num)d hour", "%(num)d hours", n)
    if unit == "minutes":
        return ngettext("%(num)d minute", "%(num)d minutes", n)
    return ngettext("%(num)d second", "%(num)d seconds", n)


def threshold_rule(check: dict[str, Any]) -> str:
    """A vote threshold as owners read it: "≥ 2/3 of 3000.00 m²" / "≥ 3000.00 m² 的 2/3"."""
    operator = "≥" if check.get("inclusive") else ">"
    if str(check.get("name", "")).endswith("_area"):
        basis = _("%(area)s m²", area=check.get("basis"))
    else:
        basis = _("%(n)s owners", n=check.get("basis"))
    return _("%(operator)s %(share)s of %(basis)s", operator=operator,
             share=check.get("share"), basis=basis)


def _template_helpers() -> dict[str, Any]:
    locale = str(get_locale() or "zh")

    def named(thing: Any) -> str:
        """name_zh / name_en of a rules object (layer, category), by the current language."""
        if thing is None:
            return ""
        return getattr(thing, "name_en" if locale == "en" else "name_zh", "") or thing.id

    def layer_name(code: str | None) -> str:
        found = [x for x in runtime().rules().layers if x.id == code]
        return named(found[0]) if found else (code or "")

    def category_name(code: str | None) -> str:
        category = runtime().rules().categories.get(code or "")
        return named(category) if category else (code or "")

    def meeting_kind_name(code: str | None) -> str:
        kinds = runtime().rules().meetings.get("kinds") or {}
        kind = kinds.get(code or "") if isinstance(kinds, dict) else None
        if not isinstance(kind, dict):
            return code or ""
        return kind.get("name_en" if locale == "en" else "name_zh") or code or ""

    return {
        "layer_name": layer_name,
        "category_name": category_name,
        "current_locale": "en" if locale.startswith("en") else "zh",
        "nav_entries": lambda: entries_for(current_user),
        "csrf_token": generate_csrf,
        "named": named,
        "state_name": lambda code: labels.label(labels.STATES, code),
        "action_name": lambda code: labels.label(labels.ACTIONS, code),
        "channel_name": lambda code: labels.label(labels.CHANNELS, code),
        "priority_name": lambda code: labels.label(labels.PRIORITIES, code),
        "kind_name": lambda code: labels.label(labels.UNIT_KINDS, code),
        "role_name": lambda code: labels.label(labels.ROLES, code),
        "due_name": lambda code: labels.label(labels.DUE, code),
        "clock_name": lambda code: labels.label(labels.CLOCKS, code),
        "satisfaction_name": lambda code: labels.label(labels.SATISFACTION, code),
        "outcome_name": lambda code: labels.label(labels.OUTCOMES, code),
        "consent_name": lambda code: labels.label(labels.CONSENTS, code),
        "follow_up_name": lambda code: labels.label(labels.FOLLOW_UP_OUTCOMES, code),
        "eval_channel_name": lambda code: labels.label(labels.EVALUATION_CHANNELS, code),
        "photo_kind_name": lambda code: labels.label(labels.PHOTO_KINDS, code),
        "duration_unit_name": lambda code: labels.label(DURATION_UNITS, code),
        "choice_name": lambda code: labels.label(labels.VOTE_CHOICES, code),
        "ballot_channel_name": lambda code: labels.label(labels.BALLOT_CHANNELS, code),
        "meeting_status_name": lambda code: labels.label(labels.MEETING_STATUSES, code),
        "check_name": lambda code: labels.label(labels.VOTE_CHECKS, code),
        "meeting_kind_name": meeting_kind_name,
        "threshold_rule": threshold_rule,
        "dispatch_state_name": lambda code: labels.label(labels.DISPATCH_STATES, code),
    }


def init_app(app: Flask) -> None:
    """Make the helpers and filters available to every template."""
    app.context_processor(_template_helpers)
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(time_left, "time_left")
    app.add_template_filter(duration_text, "duration")
    app.add_template_filter(rule_message, "rule_message")
