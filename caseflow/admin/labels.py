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
    "unlink_duplicate": _l("Not a duplicate"),
    "reject": _l("Reject"),
    "close": _l("Close"),
    "reopen": _l("Reopen"),
    "comment": _l("Comment"),
    "claim": _l("Claim"),
    "reassign": _l("Reassign"),
    "warn": _l("Warning"),
    "supervise": _l("Supervision"),
    "sweep": _l("Deadline check"),
    "remind": _l("Reminder"),
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

PHOTO_KINDS: dict[str, Any] = {
    "report": _l("Photo sent by the resident"),
    "before": _l("Photo before the work"),
    "after": _l("Photo after the work"),
    "link": _l("Photo link"),
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
    "inspector": _l("Housing office inspector"),
    "expert": _l("Association expert"),
    "resident": _l("Resident"),
    "volunteer": _l("Volunteer"),
    "building_lead": _l("Building lead"),
    "liaison": _l("Party-member liaison"),
    "butler": _l("Building butler"),
    "system": _l("System"),
}

CONSENTS: dict[str, Any] = {
    "verbal": _l("verbal consent"),
    "written": _l("written consent"),
    "signed": _l("signed authorisation"),
}

FOLLOW_UP_OUTCOMES: dict[str, Any] = {
    "satisfied": _l("Satisfied"),
    "basically_satisfied": _l("Basically satisfied"),
    "unsatisfied": _l("Unsatisfied"),
    "unreachable": _l("Could not be reached"),
}

EVALUATION_CHANNELS: dict[str, Any] = {
    "resident": _l("The resident's own rating"),
    "follow_up_call": _l("Follow-up call"),
    "walk_in": _l("Walk-in"),
    "grid_visit": _l("Grid visit"),
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
    "data.department": _l("Department"),
    "data.dispatch": _l("Dispatch"),
    "data.review_on": _l("Review on"),
}


# The notice board and the vote pages: choices, ballot channels, statuses and thresholds.
VOTE_CHOICES: dict[str, Any] = {
    "for": _l("For"), "against": _l("Against"), "abstain": _l("Abstain"),
}
BALLOT_CHANNELS: dict[str, Any] = {
    "in_person": _l("In person"), "written": _l("In writing"), "proxy": _l("By proxy"),
    "online": _l("Online"),
}
MEETING_STATUSES: dict[str, Any] = {
    "planned": _l("Planned"), "held": _l("Held"), "decided": _l("Decided"),
    "open": _l("Open for voting"), "closed": _l("Voting closed"),
}
VOTE_CHECKS: dict[str, Any] = {
    "participation_area": _l("Floor area of the owners who voted"),
    "participation_owners": _l("Owners who voted"),
    "approval_area": _l("Floor area voting for"),
    "approval_owners": _l("Owners voting for"),
}


def label(table: dict[str, Any], code: str | None) -> str:
    """The translated name of a code, or the code itself when the table does not know it."""
    if code is None:
        return ""
    return str(table.get(code, code))

# Joint meetings on a rhythm and opinion campaigns.
AGENDA_REASONS: dict[str, Any] = {
    "problem": _l("Problem case or overdue"),
    "escalated": _l("Escalated above the complex"),
    "open_long": _l("Open for a long time"),
    "repeat": _l("Repeat complaints at one place"),
    "hotspot": _l("Hotspot of the month (每月一题)"),
}

FREQUENCIES: dict[str, Any] = {"monthly": _l("Monthly"), "weekly": _l("Weekly")}

WEEKDAYS: dict[int, Any] = {
    1: _l("Monday"), 2: _l("Tuesday"), 3: _l("Wednesday"), 4: _l("Thursday"),
    5: _l("Friday"), 6: _l("Saturday"), 7: _l("Sunday"),
}

FOLLOW_UPS: dict[str, Any] = {
    "comment": _l("Write the decision into the case's record"),
    "escalate": _l("Escalate the case"),
}

OPINION_CHANNELS: dict[str, Any] = {
    "web": _l("Online form"),
    "meeting": _l("At a meeting"),
    "intake": _l("At the counter"),
}

CAMPAIGN_STATES: dict[str, Any] = {
    "open": _l("Collecting opinions"),
    "closed": _l("Closed"),
    "published": _l("Summary published"),
}


# ---- Reporting figures (dashboard, landing page, charts, CSV/XLSX and `caseflow report`).
# The words are decided here once; caseflow/admin/figures.py applies them to every edge.

REPORTS: dict[str, Any] = {
    "unresolved": _l("Open cases"),
    "rates": _l("Three rates"),
    "containment": _l("Where cases were settled"),
    "hotspots": _l("Hotspots"),
    "ranking": _l("Unit ranking"),
    "property-ratings": _l("Property company ratings"),
    "property_ratings": _l("Property company ratings"),
    "departments": _l("Departments (部门解题)"),
}

# Tables by (report, table): "summary" and "by_layer" mean different things in two reports.
REPORT_TABLES: dict[tuple[str, str], Any] = {
    ("unresolved", "by_layer"): _l("Open cases by layer"),
    ("unresolved", "by_category"): _l("Open cases by category"),
    ("unresolved", "by_unit"): _l("Open cases by handling unit"),
    ("unresolved", "by_state"): _l("Open cases by state"),
    ("unresolved", "by_age"): _l("Open cases by age"),
    ("unresolved", "by_overdue"): _l("Open cases, overdue or not"),
    ("unresolved", "by_green_channel"): _l("Open cases, green channel or not"),
    ("unresolved", "oldest"): _l("Oldest open cases"),
    ("unresolved", "most_overdue"): _l("Longest overdue cases"),
    ("rates", "summary"): _l("Rates for the period"),
    ("rates", "trend"): _l("Rates by month or week"),
    ("rates", "durations"): _l("Time taken, by layer"),
    ("containment", "summary"): _l("Cases settled low on the ladder"),
    ("containment", "by_layer"): _l("Closed cases by the layer that settled them"),
    ("containment", "escalation_flow"): _l("Escalations, from layer to layer"),
    ("hotspots", "places"): _l("Places with most cases"),
    ("hotspots", "monthly_issue"): _l("Issue of the month per area"),
    ("ranking", "ranking"): _l("Units ranked by score"),
    ("property_ratings", "ratings"): _l("Scores and stars"),
    ("property_ratings", "red_list"): _l("Red list"),
    ("property_ratings", "black_list"): _l("Black list"),
    ("departments", "departments"): _l("Departments ranked by score"),
}

# The first column of the unresolved report's counts, named after what it groups by.
DIMENSIONS: dict[str, Any] = {
    "layer": _l("Layer"),
    "category": _l("Category"),
    "unit": _l("Handling unit"),
    "state": _l("State"),
    "age": _l("Time open"),
    "overdue": _l("Overdue or not"),
    "green_channel": _l("Green channel"),
}

REPORT_COLUMNS: dict[str, Any] = {
    "department": _l("Department code"),
    "dispatched": _l("Dispatches received"),
    "returned": _l("Returned"),
    "resolved": _l("Results given"),
    "confirmed": _l("Results confirmed"),
    "evaluated": _l("Cases evaluated"),
    "scope": _l("Scope"),
    "period": _l("Period"),
    "open": _l("Open cases"),
    "overdue": _l("Overdue"),
    "warning": _l("Due soon"),
    "supervised": _l("Supervised"),
    "ref": _l("Reference"),
    "title": _l("Title"),
    "layer": _l("Layer"),
    "state": _l("State"),
    "unit": _l("Unit code"),
    "unit_name": _l("Handled by"),
    "name": _l("Name"),
    "age_days": _l("Days open"),
    "overdue_days": _l("Days overdue"),
    "submitted": _l("Cases received"),
    "response_rate": _l("Response rate"),
    "resolution_rate": _l("Resolution rate"),
    "on_time_resolution_rate": _l("On-time resolution rate"),
    "satisfaction_rate": _l("Satisfaction rate"),
    "evaluation_coverage": _l("Share evaluated"),
    "reopen_rate": _l("Reopen rate"),
    "clock": _l("Deadline"),
    "cases": _l("Cases"),
    "median_hours": _l("Median time"),
    "p90_hours": _l("90th percentile time"),
    "closed": _l("Closed cases"),
    "within_complex": _l("Settled within the complex"),
    "within_community": _l("Settled within the community"),
    "share": _l("Share"),
    "cumulative_share": _l("Share up to this layer"),
    "from_layer": _l("From layer"),
    "to_layer": _l("To layer"),
    "area": _l("Area code"),
    "category": _l("Category"),
    "repeats": _l("Repeat complaints"),
    "voices": _l("Residents who added their voice"),
    "rank": _l("Rank"),
    "score": _l("Score"),
    "satisfaction_score": _l("Weighted satisfaction"),
    "closure_rate": _l("Closure rate"),
    "on_time_closure_rate": _l("On-time closure rate"),
    "rework_rate": _l("Rework rate"),
    "extension_rate": _l("Extension rate"),
    "deferred": _l("Deferred"),
    "late_clocks": _l("Deadlines missed"),
    "company": _l("Company code"),
    "stars": _l("Stars"),
    "on_time_rate": _l("On-time rate"),
    "owners_evaluation": _l("Owners' evaluation"),
    "owner_evaluations": _l("Owners' evaluations received"),
}

# What the codes inside report cells mean.
AGES: dict[str, Any] = {
    "<1d": _l("Under 1 day"),
    "1-3d": _l("1 to 3 days"),
    "3-7d": _l("3 to 7 days"),
    "7-30d": _l("7 to 30 days"),
    ">30d": _l("Over 30 days"),
}
GREEN: dict[str, Any] = {"green": _l("Green channel"), "normal": _l("Ordinary")}
STARS: dict[str, Any] = {
    "five": _l("Five stars"),
    "four": _l("Four stars"),
    "three": _l("Three stars"),
    "unrated": _l("No stars"),
    "不参评": _l("Not rated"),
}
UNIT = _l("Unit")
TOTAL = _l("Total")
ALL = _l("All")
UNITS_OF_TIME: dict[str, Any] = {"hours": _l("hours"), "days": _l("days")}
GRAINS: dict[str, Any] = {"month": _l("By month"), "week": _l("By week")}
