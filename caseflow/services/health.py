"""Readiness: can this process serve? Database reachable, schema at head, rules loaded."""

from __future__ import annotations

from sqlalchemy import text

from caseflow.services import migrations
from caseflow.services.calendars import holiday_outlook
from caseflow.services.runtime import Runtime


def readiness(runtime: Runtime) -> dict[str, str]:
    """Each check's result: "ok" or a plain reason; ready when every value is "ok"."""
    checks = {"database": "ok", "migrations": "ok", "rules": "ok"}
    try:
        with runtime.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any driver error means not ready; say which
        reason = f"unreachable: {type(error).__name__}"
        return {"database": reason, "migrations": "not checked", "rules": "not checked"}
    try:
        if not migrations.is_at_head(runtime.engine):
            checks["migrations"] = "not at head: run `caseflow init-db`"
    except Exception as error:
        checks["migrations"] = f"cannot read revision: {type(error).__name__}"
    try:
        runtime.rules()
    except Exception as error:
        checks["rules"] = f"not loaded: {type(error).__name__}: {error}"[:300]
    return checks


def readiness_warnings(runtime: Runtime) -> dict[str, str]:
    """What an operator should act on soon without it making the process unready."""
    try:
        outlook = holiday_outlook(runtime.rules(), runtime.now())
    except Exception:  # rules not loaded: readiness already says so
        return {}
    if not outlook.warn:
        return {}
    return {"holidays": f"the public holidays of {outlook.next_year} are unknown: "
                        "import the State Council's notice (caseflow calendar import)"}
