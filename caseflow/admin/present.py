"""Reading the grievance forms, and the tracking link's case, for the public pages."""

from __future__ import annotations

from typing import Any

from caseflow.services.cases import get_case
from caseflow.services.uow import UnitOfWork


def grievance(form: Any, channel: str) -> dict[str, Any]:
    """A submission as submit_case expects it, from the grievance form."""
    reporter: dict[str, Any] = {"name": form.get("name", ""), "phone": form.get("phone", "")}
    for flag in ("elderly", "disabled"):
        if form.get(flag):
            reporter[flag] = True
    return {
        "title": form.get("title", ""),
        "description": form.get("description", ""),
        "category": form.get("category", ""),
        "unit": form.get("unit", ""),
        "channel": channel,
        "reporter": reporter,
    }


def tracked_case(uow: UnitOfWork, ref: str, token: str) -> Any:
    """The case a tracking link names, only with its token (NotFound otherwise)."""
    from caseflow.domain.errors import NotFound
    from caseflow.services.cases import hash_token

    try:
        case = get_case(uow.session, ref)
    except NotFound:
        raise NotFound("case") from None
    if not token or hash_token(token) != case.tracking_token_hash:
        raise NotFound("case")
    return case


def masked(name: str) -> str:
    """刘女士 → 刘**: the public page never shows who reported."""
    return (name[:1] + "*" * max(len(name) - 1, 1)) if name else ""
