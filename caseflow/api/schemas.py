"""marshmallow schemas of the JSON API: request bodies, query strings and responses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import INCLUDE, Schema, ValidationError, fields, pre_load, validate

from caseflow.domain.lifecycle import SATISFACTION_LEVELS
from caseflow.domain.notes import INTERNAL, VISIBILITIES
from caseflow.services.cases import CHANNELS, PRIORITIES
from caseflow.services.queries import SORTS

Text = fields.String


def nul_field(value: Any, path: str = "") -> str | None:
    """The first field (dotted path) whose text holds a NUL character, which PostgreSQL refuses."""
    if isinstance(value, str):
        return path or "body" if "\x00" in value else None
    if isinstance(value, Mapping):
        for key in value:
            if "\x00" in str(key):
                return f"{path}.{key}" if path else str(key)
            found = nul_field(value.get(key), f"{path}.{key}" if path else str(key))
            if found:
                return found
    if isinstance(value, list | tuple):
        for item in value:
            found = nul_field(item, path)
            if found:
                return found
    return None


class InputSchema(Schema):
    """Base of request schemas: text with NUL characters is refused before anything else."""

    @pre_load
    def refuse_nul(self, data: Any, **_: Any) -> Any:
        """A 422 naming the field, rather than a database error."""
        field = nul_field(data)
        if field:
            raise ValidationError("must not contain NUL characters", field_name=field)
        return data


class ProblemSchema(Schema):
    """An RFC 9457 problem: what went wrong, with a stable code and the offending field."""

    class Meta:
        unknown = INCLUDE

    type = Text(required=True)
    title = Text(required=True)
    status = fields.Integer(required=True)
    detail = Text(required=True)
    code = Text(required=True)
    field = Text(metadata={"description": "the request field at fault (422)"})
    current_version = fields.Integer(metadata={"description": "the case's version now (409)"})
    allowed = fields.List(Text(), metadata={"description": "actions allowed instead (422)"})


class LoginSchema(InputSchema):
    """A username and password."""

    username = Text(required=True, validate=validate.Length(1, 64))
    password = Text(required=True, validate=validate.Length(1, 200), load_only=True)


class TokenSchema(Schema):
    """A freshly issued bearer token; shown once."""

    token = Text(required=True)
    expires_at = fields.DateTime(allow_none=True, required=True)


class ReporterSchema(Schema):
    """Who raised the grievance; extra plain attributes such as `elderly` are kept."""

    class Meta:
        unknown = INCLUDE

    name = Text(required=True, validate=validate.Length(1, 100))
    phone = Text(required=True, validate=validate.Length(1, 32))
    elderly = fields.Boolean()
    disabled = fields.Boolean()


class SubmitSchema(InputSchema):
    """A new grievance."""

    title = Text(required=True, validate=validate.Length(1, 200))
    description = Text(load_default="", validate=validate.Length(0, 5000))
    category = Text(required=True, validate=validate.Length(1, 64))
    unit = Text(
        required=True, metadata={"description": "code of a complex or building"},
        validate=validate.Length(1, 64),
    )
    reporter = fields.Nested(ReporterSchema, required=True)
    channel = Text(validate=validate.OneOf(CHANNELS))
    priority = Text(validate=validate.OneOf(PRIORITIES))
    tags = fields.List(Text(validate=validate.Length(1, 32)), validate=validate.Length(0, 20))


class UnitRefSchema(Schema):
    """A unit named by code and name."""

    code = Text(required=True)
    name = Text(required=True)
    kind = Text(required=True)


class CaseReporterSchema(Schema):
    """The reporter as this reader may see them (masked for most readers)."""

    name = Text(required=True)
    phone = Text(required=True)
    masked = fields.Boolean(required=True)
    attrs = fields.Dict(keys=Text(), required=True)


class CaseSchema(Schema):
    """A case as the API shows it."""

    id = fields.Integer(required=True)
    ref = Text(required=True)
    title = Text(required=True)
    description = Text(required=True)
    category = Text(required=True)
    priority = Text(required=True)
    nature = Text(required=True)
    channel = Text(required=True)
    tags = fields.List(Text(), required=True)
    voices = fields.Integer(
        dump_default=0,
        metadata={"description": "residents who added their voice to the case (附议)"})
    state = Text(required=True)
    layer = Text(required=True)
    unit = fields.Nested(UnitRefSchema, required=True)
    place = fields.Nested(UnitRefSchema, required=True)
    reporter = fields.Nested(CaseReporterSchema, required=True)
    assignee_id = fields.Integer(allow_none=True, required=True)
    green_channel = fields.Boolean(required=True)
    returned = fields.Boolean(required=True)
    supervised = fields.Boolean(required=True)
    problem_case = fields.Boolean(required=True)
    extension_pending = fields.Boolean(required=True)
    overdue = fields.Boolean(required=True, metadata={
        "description": "a running clock (not paused, not stopped) is past its deadline now"})
    warning = fields.Boolean(required=True, metadata={
        "description": "not overdue, but a running clock is past its warning point now"})
    deadlines = fields.Dict(keys=Text(), required=True)
    next_due_at = fields.DateTime(allow_none=True, required=True, metadata={
        "description": "the earliest deadline of the running clocks (none while paused)"})
    submitted_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    resolved_at = fields.DateTime(allow_none=True, required=True)
    closed_at = fields.DateTime(allow_none=True, required=True)
    satisfaction = Text(allow_none=True, required=True)
    routing_rule = Text(required=True)
    rules_version = Text(required=True)
    version = fields.Integer(required=True)


class SubmittedCaseSchema(CaseSchema):
    """A case just submitted, with the resident's tracking token (shown only this once)."""

    tracking_token = Text(required=True)


class CaseQuerySchema(InputSchema):
    """Filters, sorting and paging of the case list."""

    state = fields.List(Text(), metadata={"description": "one or more states"})
    layer = Text()
    category = Text()
    unit = Text(metadata={"description": "unit code: its whole subtree"})
    overdue = fields.Boolean()
    green_channel = fields.Boolean()
    assignee = Text(metadata={"description": "username, or 'me'"})
    text = Text(validate=validate.Length(1, 100), metadata={"description": "search title+text"})
    sort = Text(load_default="urgency", validate=validate.OneOf(SORTS))
    page = fields.Integer(load_default=1, validate=validate.Range(1, 100000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(1, 100))


class CasePageSchema(Schema):
    """One page of cases."""

    items = fields.List(fields.Nested(CaseSchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


class AllowedActionsSchema(Schema):
    """What this user may do to the case now."""

    case = Text(required=True)
    state = Text(required=True)
    version = fields.Integer(required=True)
    allowed = fields.List(Text(), required=True)


class ActionSchema(InputSchema):
    """One action on a case, with the version the user saw."""

    action = Text(required=True, validate=validate.Length(1, 32))
    note = Text(load_default="", validate=validate.Length(0, 5000))
    # Who reads the note: staff only (the default) or the resident too (a reply).
    visibility = Text(load_default=INTERNAL, validate=validate.OneOf(VISIBILITIES))
    data = fields.Dict(keys=Text(), load_default=dict)
    version = fields.Integer(required=True, validate=validate.Range(1, 2**31 - 1))


class EventSchema(Schema):
    """One entry of a case's history."""

    id = fields.Integer(required=True)
    at = fields.DateTime(required=True)
    action = Text(required=True)
    actor_role = Text(required=True)
    actor_label = Text(required=True)
    from_state = Text(allow_none=True, required=True)
    to_state = Text(required=True)
    from_layer = Text(allow_none=True, required=True)
    to_layer = Text(required=True)
    note = Text(required=True)
    visibility = Text(required=True)
    data = fields.Dict(keys=Text(), required=True)


class EvaluationSchema(InputSchema):
    """The resident's rating of a resolved case, proved by the tracking token."""

    tracking_token = Text(required=True, validate=validate.Length(1, 200), load_only=True)
    satisfaction = Text(required=True, validate=validate.OneOf(SATISFACTION_LEVELS))
    response = fields.Integer(validate=validate.Range(1, 5))
    resolution = fields.Integer(validate=validate.Range(1, 5))
    attitude = fields.Integer(validate=validate.Range(1, 5))
    comment = Text(load_default="", validate=validate.Length(0, 2000))


class AttachmentSchema(Schema):
    """A photo attached to a case."""

    id = fields.Integer(required=True)
    kind = Text(required=True)
    filename = Text(required=True)
    content_type = Text(required=True)
    size = fields.Integer(required=True)
    sha256 = Text(required=True)
    uploaded_by = Text(required=True)
    at = fields.DateTime(required=True)
    url = Text(required=True)
    thumbnail_url = Text(required=True, allow_none=True)


class AttachmentFormSchema(InputSchema):
    """The upload form: a photo and whether it shows the place before or after the work."""

    kind = Text(load_default="before", validate=validate.OneOf(("before", "after")))


class UnitNodeSchema(Schema):
    """A unit with its children."""

    code = Text(required=True)
    name = Text(required=True)
    kind = Text(required=True)
    property_company = Text(allow_none=True, required=True)
    children = fields.List(fields.Nested(lambda: UnitNodeSchema()), required=True)


class UnitTreeSchema(Schema):
    """The jurisdiction forest."""

    units = fields.List(fields.Nested(UnitNodeSchema), required=True)


class RulesInfoSchema(Schema):
    """The active rule set."""

    version = Text(required=True)
    files = fields.List(Text(), required=True)
    layers = fields.List(fields.Dict(keys=Text()), required=True)
    categories = fields.List(fields.Dict(keys=Text()), required=True)


class RuleFilesSchema(InputSchema):
    """Rule files to check, by file name (e.g. `routing.yaml`) → YAML text."""

    files = fields.Dict(keys=Text(), values=Text(), required=True)


class RuleIssueSchema(Schema):
    """One problem found in a rules file."""

    file = Text(required=True)
    line = fields.Integer(allow_none=True, required=True)
    message = Text(required=True)


class RulesCheckSchema(Schema):
    """Whether a rule set is valid, and every issue if not."""

    valid = fields.Boolean(required=True)
    version = Text(allow_none=True, required=True)
    issues = fields.List(fields.Nested(RuleIssueSchema), required=True)


class ExplainRequestSchema(InputSchema):
    """A grievance (as submitted) to route, under the active rules or the files given."""

    case = fields.Dict(keys=Text(), required=True)
    files = fields.Dict(keys=Text(), values=Text())


class ExplainSchema(Schema):
    """Where the rules would send a grievance, and why."""

    version = Text(required=True)
    rule = Text(required=True)
    start_layer = Text(required=True)
    green_channel = fields.Boolean(required=True)
    priority = Text(allow_none=True, required=True)
    tags = fields.List(Text(), required=True)
    # 部门解题: the department the case is dispatched to at once (routing `then.department`).
    department = Text(allow_none=True, load_default=None)
    clocks = fields.Dict(keys=Text(), values=Text(), required=True)
    trace = fields.List(Text(), required=True)
