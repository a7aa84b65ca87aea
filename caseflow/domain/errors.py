"""One exception tree for caseflow; `caseflow/error_responses.py` answers it on every edge."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any


class CaseflowError(Exception):
    """Base of every expected error; `code` is stable, `status` is an HTTP hint."""

    code = "error"
    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        # Kept so that pickling (e.g. across worker processes) rebuilds the same error.
        self._init_args: tuple[Any, ...] = (message,)

    def __reduce__(self) -> tuple[Any, ...]:
        """Rebuild with the constructor's own arguments, not `Exception.args`."""
        return (self.__class__, self._init_args)

    def __str__(self) -> str:
        return self.message

    def details(self) -> dict[str, Any]:
        """Extra fields for the error body; subclasses add theirs."""
        return {}

    def to_dict(self) -> dict[str, Any]:
        """The error as a JSON-ready body: code, message and the extra fields."""
        return {"code": self.code, "message": self.message, **self.details()}


class InvalidInput(CaseflowError):
    """A request field is missing, malformed or out of range."""

    code = "invalid_input"
    status = 422

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.reason = message
        self._init_args = (field, message)

    def details(self) -> dict[str, Any]:
        """The offending field."""
        return {"field": self.field}


class MalformedInput(InvalidInput):
    """A request field no database can store or no parser should read (NUL, surrogate, depth)."""

    code = "malformed_input"
    status = 400


class NotFound(CaseflowError):
    """Something looked up by id or reference does not exist (or is not visible)."""

    code = "not_found"
    status = 404

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} not found")
        self.what = what
        self._init_args = (what,)

    def details(self) -> dict[str, Any]:
        """What was looked for."""
        return {"what": self.what}


class PermissionDenied(CaseflowError):
    """The actor's role or jurisdiction does not allow this."""

    code = "forbidden"
    status = 403

    def __init__(self, message: str = "permission denied") -> None:
        super().__init__(message)


class Unauthenticated(CaseflowError):
    """No credentials, or credentials that are wrong, expired or revoked."""

    code = "unauthenticated"
    status = 401

    def __init__(self, message: str = "a valid bearer token is required") -> None:
        super().__init__(message)


class AccountLocked(PermissionDenied):
    """Too many wrong passwords: the account is locked until `until`."""

    code = "account_locked"

    def __init__(self, until: datetime) -> None:
        super().__init__("too many failed sign-ins; try again later")
        self.until = until
        self._init_args = (until,)


class Refused(CaseflowError):
    """A request refused with the status an edge's protocol names (Open311: 400, 403, 404)."""

    code = "refused"

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self._init_args = (status, message)


class StaleVersion(CaseflowError):
    """Optimistic lock failed: the row changed since the client read it."""

    code = "stale_version"
    status = 409

    def __init__(self, current_version: int) -> None:
        super().__init__(
            f"the case was changed by someone else; its current version is {current_version}"
        )
        self.current_version = current_version
        self._init_args = (current_version,)

    def details(self) -> dict[str, Any]:
        """The version the client should reload."""
        return {"current_version": self.current_version}


class ActionNotAllowed(CaseflowError):
    """The lifecycle does not allow this action in the case's current state."""

    code = "action_not_allowed"
    status = 422

    def __init__(self, action: str, state: str, allowed: Iterable[str]) -> None:
        self.allowed = list(allowed)
        hint = ", ".join(self.allowed) or "none"
        super().__init__(f"cannot {action} a case that is {state}; allowed: {hint}")
        self.action = action
        self.state = state
        self._init_args = (action, state, self.allowed)

    def details(self) -> dict[str, Any]:
        """The refused action, the state and what is allowed instead."""
        return {"action": self.action, "state": self.state, "allowed": self.allowed}


class RulesInvalid(CaseflowError):
    """A rule set failed validation; carries every issue found, not just the first."""

    code = "rules_invalid"
    status = 422

    def __init__(self, issues: Iterable[Any]) -> None:
        self.issues = list(issues)
        first = _issue_text(self.issues[0]) if self.issues else "no details"
        more = f" (and {len(self.issues) - 1} more)" if len(self.issues) > 1 else ""
        super().__init__(f"rules are invalid: {first}{more}")
        self._init_args = (self.issues,)

    def details(self) -> dict[str, Any]:
        """Every issue as {file, line, message}."""
        return {"issues": [_issue_dict(i) for i in self.issues]}


class Conflict(CaseflowError):
    """The request conflicts with existing state (e.g. a reused idempotency key)."""

    code = "conflict"
    status = 409

    def __init__(self, message: str) -> None:
        super().__init__(message)


def _issue_dict(issue: Any) -> dict[str, Any]:
    # Duck-typed: RuleIssue lives in caseflow.rules, which this floor may not import.
    if isinstance(issue, dict):
        return {k: issue.get(k) for k in ("file", "line", "message")}
    return {"file": issue.file, "line": issue.line, "message": issue.message}


def _issue_text(issue: Any) -> str:
    d = _issue_dict(issue)
    return f"{d['file']}:{d['line']}: {d['message']}"
