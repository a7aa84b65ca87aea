"""Validation of meetings.yaml and voting.yaml: shares, thresholds, matters, notice days."""

from __future__ import annotations

from typing import Any

from caseflow.domain.voting import parse_share
from caseflow.rules.loader import FileCheck, LDict, RuleIssue, line_of


def check_meetings_and_voting(
    meetings: LDict | None, voting: LDict | None, issues: list[RuleIssue]
) -> None:
    """Add an issue, with its line, for every malformed entry of the two files."""
    if isinstance(meetings, dict):
        _notice_days(FileCheck("meetings.yaml", issues), meetings)
    if isinstance(voting, dict):
        _check_voting(FileCheck("voting.yaml", issues), voting)


def _notice_days(fc: FileCheck, data: LDict) -> None:
    days = data.get("notice_days", 7)
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        fc.issue(data.line_of("notice_days"), "notice_days must be a whole number of days ≥ 1")


def _check_voting(fc: FileCheck, data: LDict) -> None:
    _notice_days(fc, data)
    if "participation" in data:
        _threshold(fc, data["participation"], data.line_of("participation"), "participation")
    thresholds = data.get("thresholds")
    names: set[str] = set()
    if thresholds is not None:
        body = fc.mapping(thresholds, data.line_of("thresholds"), "thresholds")
        for name, entry in (body or {}).items():
            names.add(name)
            _threshold(fc, entry, body.line_of(name) if body else 0, f"threshold {name!r}")
    matters = data.get("matters")
    if matters is not None:
        body = fc.mapping(matters, data.line_of("matters"), "matters")
        for name, entry in (body or {}).items():
            target = entry.get("threshold") if isinstance(entry, dict) else None
            if target not in names:
                where = body.line_of(name) if body else 0
                known = ", ".join(sorted(names))
                fc.issue(where, f"matter {name!r} must name a threshold: {known}")


def _threshold(fc: FileCheck, entry: Any, line: int, what: str) -> None:
    body = fc.mapping(entry, line, what)
    if body is None:
        return
    for key in ("area", "owners"):
        try:
            parse_share(body.get(key), f"{what} {key}")
        except ValueError as error:
            fc.issue(body.line_of(key) or line_of(body, line), str(error))
    if not isinstance(body.get("inclusive", True), bool):
        fc.issue(body.line_of("inclusive"), f"{what} inclusive must be true or false")
