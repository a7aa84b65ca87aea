"""Names users read for the codes the engine uses: states, actions, channels, kinds."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

STATES: dict[str, Any] = {
    "submitted": _l("Submitted"),
    "accepted": _l("Accepted"),
    "in_progress": _l("In progress"),
    "deliberating": _l("Deliberating"),
    "on_hold": _l("On hold"),
    "resolved": _l("Resolved"),
    "deferred": _l("Deferred"),
    "closed": _l("Closed"),
    "withdrawn": _l("Withdrawn"),
    "merged": _l("Merged"),
    "rejected": _l("Rejected"),
}

ACTIONS: dict[str, Any] = {
    "submit": _l("Submit"),
    "accept": _l("Accept"),
    "start": _l("Start work"),
    "hold": _l("Put on hold"),
    "resume": _l("Resume"),
    "deliberate": _l("Call a meeting"),
    "record_decision": _l("Record the decision"),
    "resolve": _l("Resolve"),
    "evaluate": _l("Evaluate"),
    "escalate": _l("Escalate"),
    "return": _l("Return"),
    "reroute": _l("Re-route"),
    "request_extension": _l("Request an extension"),
    "approve_extension": _l("Approve the extension"),
    "refuse_extension": _l("Refuse the extension"),
    "defer": _l("Defer"),
    "withdraw": _l("Withdraw"),
    "merge": _l("Merge"),
    "reject": _l("Reject"),
    "close": _l("Close"),
    "reopen": _l("Reopen"),
    "comment": _l("Comment"),
    "claim": _l("Claim"),
    "reassign": _l("Reassign"),
    "warn": _l("Warning"),
    "supervise": _l("Supervision"),
    "sweep": _l("Deadline check"),
    "dispatch": _l("Dispatch to a department"),
    "dispatch_accept": _l("Accept the dispatch"),
    "dispatch_return": _l("Return the dispatch"),
    "dispatch_resolve": _l("Give the department's result"),
    "confirm_dispatch": _l("Confirm the department's result"),
    "reject_dispatch": _l("Reject the department's result"),
    "dispatch_escalate": _l("Dispatch overdue"),
}

# A dispatch's states (caseflow.models.dispatches).
DISPATCH_STATES: dict[str, Any] = {
    "submitted": _l("Waiting for the department"),
    "accepted": _l("Being handled by the department"),
    "resolved": _l("Result given, waiting for confirmation"),
    "confirmed": _l("Result confirmed"),
    "returned": _l("Returned by the department"),
    "cancelled": _l("Cancelled with the case"),
}

SATISFACTION: dict[str, Any] = {
    "satisfied": _l("Satisfied"),
    "basically_satisfied": _l("Basically satisfied"),
    "unsatisfied": _l("Unsatisfied"),
}

OUTCOMES: dict[str, Any] = {
    "continue": _l("Continue handling"),
    "resolved": _l("Resolved by the meeting"),
    "escalate": _l("Escalate"),
}

CHANNELS: dict[str, Any] = {
    "web": _l("Web"),
    "phone": _l("Phone"),
    "walk_in": _l("Walk-in"),
    "app": _l("App"),
    "open311": _l("Open311"),
    "hotline_12345": _l("12345 hotline"),
    "wechat": _l("WeChat"),
    "grid_patrol": _l("Grid patrol"),
}

PRIORITIES: dict[str, Any] = {
    "normal": _l("Normal"),
    "urgent": _l("Urgent"),
    "critical": _l("Critical"),
}

UNIT_KINDS: dict[str, Any] = {
    "city": _l("City"),
    "district": _l("District"),
    "street": _l("Sub-district"),
    "community": _l("Community"),
    "complex": _l("Residential complex"),
    "building": _l("Building"),
    "property_office": _l("Property office"),
    "department": _l("Department"),
}

ROLES: dict[str, Any] = {
    "admin": _l("Administrator"),
    "dispatcher": _l("Dispatcher"),
    "unit_lead": _l("Unit lead"),
    "caseworker": _l("Caseworker"),
    "leader": _l("Leader"),
    "owners_committee": _l("Owners' committee"),
    "resident": _l("Resident"),
    "system": _l("System"),
}

DUE: dict[str, Any] = {
    "overdue": _l("Overdue"),
    "warning": _l("Due soon"),
    "on_time": _l("On time"),
    "on_hold": _l("Paused"),
    "none": _l("No deadline"),
}

CLOCKS: dict[str, Any] = {
    "accept": _l("Accept"),
    "resolve": _l("Resolve"),
    "respond": _l("Respond"),
    "follow_up": _l("Follow up"),
    "first_result": _l("First result"),
    "feedback": _l("Feedback"),
    "meeting": _l("Meeting"),
}

# Form fields named by InvalidInput errors, as the form labels call them.
FIELDS: dict[str, Any] = {
    "title": _l("Title"),
    "description": _l("Details"),
    "category": _l("Category"),
    "unit": _l("Where (complex or building)"),
    "reporter.phone": _l("Phone"),
    "reporter.name": _l("Your name"),
    "channel": _l("Channel"),
    "priority": _l("Priority"),
    "note": _l("Note"),
    "visibility": _l("Who may read the note"),
    "confirm": _l("I confirm"),
    "password": _l("Password"),
    "old_password": _l("Current password"),
    "username": _l("Username"),
    "display_name": _l("Name"),
    "name": _l("Name"),
    "code": _l("Code"),
    "role": _l("Role"),
    "satisfaction": _l("Satisfaction"),
    "data.outcome": _l("Outcome"),
    "files": _l("Files"),
    "data.extra": _l("Extra time, e.g. “2 working days”"),
    "data.unit": _l("Send to unit (code)"),
    "data.assignee": _l("Assign to"),
    "data.into": _l("Duplicate of case (reference)"),
    "data.review_on": _l("Review on"),
    "data.department": _l("Department"),
    "data.dispatch": _l("Dispatch"),
}


def label(table: dict[str, Any], code: str | None) -> str:
    """The translated name of a code, or the code itself when the table does not know it."""
    if code is None:
        return ""
    return str(table.get(code, code))
