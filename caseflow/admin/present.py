"""Reading the grievance forms of the public and intake pages."""

from __future__ import annotations

from typing import Any


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
