"""marshmallow schemas of the meetings and votes API (caseflow/api/meetings.py)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from caseflow.domain import lifecycle
from caseflow.domain.voting import CHANNELS, CHOICES

Text = fields.String


class ParticipantSchema(Schema):
    """Someone at the table."""

    name = Text(required=True)
    role = Text(required=True, metadata={"description": "e.g. party_member, grid_worker"})
    organisation = Text(load_default="")


class TaskSchema(Schema):
    """A follow-up task decided at the meeting."""

    title = Text(required=True)
    owner = Text(required=True)
    due_on = fields.Date(required=True)


class PlanSchema(Schema):
    """A meeting to plan: on a case (it starts deliberating) or on a complex."""

    kind = Text(required=True, metadata={"description": "a kind from meetings.yaml"})
    starts_at = fields.AwareDateTime(required=True)
    case = Text(metadata={"description": "case id or reference"})
    complex = Text(metadata={"description": "complex unit code"})
    title = Text(load_default="")
    place = Text(load_default="")
    agenda = Text(load_default="")
    participants = fields.List(fields.Nested(ParticipantSchema), load_default=list)


class MinutesSchema(Schema):
    """The minutes, and optionally who actually attended."""

    minutes = Text(required=True)
    participants = fields.List(fields.Nested(ParticipantSchema))


class DecisionSchema(Schema):
    """What the meeting decided, and what happens to its case."""

    outcome = Text(required=True, validate=validate.OneOf(lifecycle.DECISION_OUTCOMES))
    decisions = fields.List(Text(), required=True)
    tasks = fields.List(fields.Nested(TaskSchema), load_default=list)


class MeetingSchema(Schema):
    """A meeting as read."""

    id = fields.Integer()
    case = Text(attribute="case.ref", allow_none=True)
    complex = Text(attribute="complex.code")
    kind = Text()
    title = Text()
    round = fields.Integer(metadata={"description": "the n-th meeting on its case"})
    status = Text()
    starts_at = fields.DateTime()
    place = Text()
    agenda = Text()
    participants = fields.List(fields.Nested(ParticipantSchema))
    minutes = Text()
    decisions = fields.List(Text())
    tasks = fields.List(fields.Dict())
    outcome = Text(allow_none=True)
    due_at = fields.DateTime(metadata={"description": "meeting clock: decision due"})
    decided_at = fields.DateTime(allow_none=True)
    notice_until = fields.DateTime(allow_none=True)
    masked = fields.Boolean(
        metadata={"description": "participants' names and numbers in text are masked for you"}
    )


class MeetingQuerySchema(Schema):
    """Meetings of a case or a complex."""

    case = Text()
    complex = Text()


class VoteCreateSchema(Schema):
    """A matter put to the owners of a complex."""

    complex = Text(required=True)
    title = Text(required=True)
    matter = Text(required=True, metadata={"description": "a matter from voting.yaml"})
    fund_amount = fields.Decimal(as_string=True, allow_none=True, places=2)
    meeting_id = fields.Integer(allow_none=True)
    closes_at = fields.AwareDateTime(allow_none=True)


class VoteSchema(Schema):
    """A vote as read; `result` is filled once it is closed."""

    id = fields.Integer()
    complex = Text(attribute="complex.code")
    meeting_id = fields.Integer(allow_none=True)
    title = Text()
    matter = Text()
    threshold = Text()
    # A string keeps the fen exact ("1200.00"); documented as what it is, not a number.
    fund_amount = fields.Decimal(as_string=True, allow_none=True,
                                 metadata={"type": "string", "format": "decimal"})
    status = Text()
    ballots_cast = fields.Integer()
    opened_at = fields.DateTime()
    closes_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    notice_until = fields.DateTime(allow_none=True)
    result = fields.Dict()


class VoteQuerySchema(Schema):
    """Votes of a complex."""

    complex = Text(required=True)


class BallotInSchema(Schema):
    """One owner's ballot: the owner key or any of their part codes."""

    voter = Text(required=True, metadata={"description": "owner key or part code"})
    choice = Text(required=True, validate=validate.OneOf(CHOICES))
    channel = Text(load_default="in_person", validate=validate.OneOf(CHANNELS))
    proxy_holder = Text(load_default="")


class BallotChangeSchema(Schema):
    """A new choice for an owner who already voted."""

    choice = Text(required=True, validate=validate.OneOf(CHOICES))
    channel = Text(load_default="in_person", validate=validate.OneOf(CHANNELS))
    proxy_holder = Text(load_default="")


class BallotSchema(Schema):
    """A recorded ballot."""

    voter_key = Text()
    choice = Text()
    channel = Text()
    proxy_holder = Text()
    cast_at = fields.DateTime()
    changed_at = fields.DateTime(allow_none=True)
    history = fields.List(fields.Dict())


class CheckSchema(Schema):
    """One threshold tested: the rule, what was needed, what was reached."""

    name = Text()
    rule = Text()
    share = Text()
    inclusive = fields.Boolean()
    basis = Text()
    bound = Text(metadata={"description": "exact bound as n/d"})
    needed = Text()
    reached = Text()
    passed = fields.Boolean()


class ResultSchema(Schema):
    """A vote counted, explaining itself."""

    passed = fields.Boolean()
    quorum_met = fields.Boolean()
    final = fields.Boolean(metadata={"description": "false while the vote is still open"})
    total_area = Text()
    total_owners = fields.Integer()
    counts = fields.Dict(keys=Text(), values=fields.Dict())
    checks = fields.List(fields.Nested(CheckSchema))


class ImportedSchema(Schema):
    """How many exclusive parts the ballot list now holds."""

    complex = Text()
    parts = fields.Integer()


class NoticeMeetingSchema(Schema):
    """A decided meeting as the public sees it: no minutes, no participants' names."""

    id = fields.Integer()
    kind = Text()
    title = Text()
    starts_at = fields.DateTime()
    decisions = fields.List(Text())
    tasks = fields.List(fields.Dict())
    outcome = Text(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    notice_until = fields.DateTime(allow_none=True)


class NoticeSchema(Schema):
    """The complex's public notice (公示): decisions and vote results on notice now."""

    complex = Text(attribute="complex.code")
    name = Text(attribute="complex.name")
    meetings = fields.List(fields.Nested(NoticeMeetingSchema))
    votes = fields.List(fields.Nested(VoteSchema))
