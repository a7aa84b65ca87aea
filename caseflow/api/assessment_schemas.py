"""marshmallow schemas of the accountability API (caseflow/api/assessments.py)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

Text = fields.String
Money = fields.Decimal(as_string=True, metadata={"type": "string", "format": "decimal"})


class OpenAssessmentSchema(Schema):
    """An area's assessment for a quarter (1-4) or the year (0)."""

    area = Text(required=True, metadata={"description": "street or district unit code"})
    year = fields.Integer(required=True, validate=validate.Range(2000, 2100))
    quarter = fields.Integer(required=True, validate=validate.Range(0, 4))


class CreatedSchema(Schema):
    """What was created: its id."""

    id = fields.Integer()


class SheetSchema(Schema):
    """A panel member's score sheet: item → points (ratings.yaml `assessment.expert_sheet`)."""

    complex = Text(required=True)
    scores = fields.Dict(keys=Text(), values=fields.Float(), required=True)


class SheetOutSchema(Schema):
    """The saved sheet's total."""

    total = fields.Float()


class PublishedOutSchema(Schema):
    """How many assessed units were frozen."""

    units = fields.Integer()


class PublishedSchema(Schema):
    """A published assessment as listed."""

    id = fields.Integer()
    label = Text()
    area = Text()
    published_at = fields.DateTime(allow_none=True)


class UnitResultSchema(Schema):
    """One assessed unit's frozen result; rates are 0-1, scores 0-100."""

    complex_code = Text()
    complex_name = Text()
    company_name = Text()
    rated = fields.Boolean(metadata={"description": "false: 不参评 (too little data)"})
    score = fields.Float(allow_none=True)
    stars = Text(metadata={"description": "five, four, three, unrated, or 不参评"})
    rank = fields.Integer(allow_none=True)
    red = fields.Boolean()
    black = fields.Boolean()
    complex_stars = Text()
    figures = fields.Dict()


class CompanyGradeSchema(Schema):
    """A company's credit grade at the assessment, and its earlier grades."""

    code = Text()
    name = Text()
    grade = Text()
    basis = fields.Dict()
    history = fields.List(fields.List(Text()))


class RatingsSchema(Schema):
    """A published assessment's results, lists and grades."""

    assessments = fields.List(fields.Nested(PublishedSchema))
    chosen = fields.Nested(PublishedSchema, allow_none=True)
    units = fields.List(fields.Nested(UnitResultSchema))
    companies = fields.List(fields.Nested(CompanyGradeSchema))


class RatingsQuerySchema(Schema):
    """Which published assessment (the newest by default)."""

    assessment = fields.Integer()


class OpenRoundSchema(Schema):
    """A rating round for every household of the complex's ballot list."""

    complex = Text(required=True)
    year = fields.Integer(required=True, validate=validate.Range(2000, 2100))
    title = Text(required=True, validate=validate.Length(1, 200))


class RoundSchema(Schema):
    """A rating round and its response count."""

    id = fields.Integer()
    complex_code = Text()
    complex_name = Text()
    company_name = Text()
    year = fields.Integer()
    title = Text()
    status = Text()
    households = fields.Integer()
    responses = fields.Integer()
    response_rate = fields.Float(allow_none=True)


class AnswerSchema(Schema):
    """A household's rating: its code and a 0-100 score per aspect."""

    code = Text(required=True)
    scores = fields.Dict(keys=Text(), values=fields.Raw(), required=True)


class LineInSchema(Schema):
    """A ledger line (the voucher is uploaded on the pages)."""

    complex = Text(required=True)
    kind = Text(required=True, validate=validate.OneOf(("income", "expense")))
    category = Text(required=True)
    amount = Text(required=True, metadata={"description": "yuan, e.g. \"1280.50\""})
    on_date = fields.Date(required=True)
    description = Text(load_default="")
    vote = fields.Integer(load_default=None, allow_none=True)


class PublishMonthSchema(Schema):
    """A month to publish, with its service report."""

    complex = Text(required=True)
    month = Text(required=True, metadata={"description": "YYYY-MM"})
    service_report = Text(required=True)


class LineSchema(Schema):
    """A ledger line as shown."""

    id = fields.Integer()
    kind = Text()
    category = Text()
    amount = Money
    on_date = fields.Date()
    description = Text()
    vote_id = fields.Integer(allow_none=True)
    has_voucher = fields.Boolean()


class MonthSchema(Schema):
    """A complex's published month."""

    complex_code = Text()
    complex_name = Text()
    month = Text()
    lines = fields.List(fields.Nested(LineSchema))
    totals = fields.Dict()
    service_report = Text()
    published = fields.Boolean()
