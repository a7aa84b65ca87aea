"""`GET /api/v1/stats/...`: the reports for leaders, scoped to the viewer's subtree;
`POST /api/v1/stats/owner-evaluations`: enter an owners' yearly evaluation."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from caseflow.api.auth import current_user, requires
from caseflow.api.common import Blueprint, problems, runtime
from caseflow.services.reporting import evaluations
from caseflow.services.reporting.common import Report
from caseflow.services.reporting.service import READERS, Request, run_report
from caseflow.services.reporting.unresolved import UNRESOLVED_DIMENSIONS

blp = Blueprint("stats", __name__, url_prefix="/api/v1/stats", description="Reports (统计)")


class PeriodQuerySchema(Schema):
    """The unit whose subtree to read (default: the viewer's) and local dates, both included."""

    unit = fields.String(load_default=None)
    from_ = fields.Date(data_key="from", load_default=None)
    to = fields.Date(load_default=None)


class UnresolvedQuerySchema(PeriodQuerySchema):
    """Open cases now by one dimension; `level` rolls units up to that kind."""

    by = fields.String(load_default="layer", validate=validate.OneOf(UNRESOLVED_DIMENSIONS))
    level = fields.String(load_default=None)


class RatesQuerySchema(PeriodQuerySchema):
    """Trend by month or week."""

    grain = fields.String(load_default="month", validate=validate.OneOf(("month", "week")))


class HotspotsQuerySchema(PeriodQuerySchema):
    """The unit kind of a hotspot and of an area for 每月一题."""

    place = fields.String(load_default="complex")
    area = fields.String(load_default="community")


class RankingQuerySchema(PeriodQuerySchema):
    """The unit kind ranked."""

    level = fields.String(load_default="community")


class TableSchema(Schema):
    """Columns in order and rows as objects."""

    columns = fields.List(fields.String())
    rows = fields.List(fields.Dict())


class ReportSchema(Schema):
    """A report: its name, parameters and tables (the same as the dashboard and exports)."""

    report = fields.String()
    params = fields.Dict()
    tables = fields.Dict(keys=fields.String(), values=fields.Nested(TableSchema))


class OwnerEvaluationSchema(Schema):
    """One owners' evaluation: a score per configured aspect (rules/ratings.yaml)."""

    company = fields.String(required=True)
    year = fields.Integer(required=True, validate=validate.Range(2000, 2100))
    complex = fields.String(load_default=None)
    scores = fields.Dict(keys=fields.String(), values=fields.Float(), required=True)
    source = fields.String(load_default="api")


class EvaluationOutSchema(Schema):
    """The stored evaluation."""

    id = fields.Integer()
    year = fields.Integer()
    average = fields.Float()


def _report(name: str, args: dict[str, Any], *options: str) -> dict[str, Any]:
    rt = runtime()
    request = Request(
        name, args["unit"], args["from_"], args["to"],
        tuple((o, args[o]) for o in options if args.get(o) is not None),
    )
    with rt.uow() as uow:
        report: Report = run_report(uow, rt.rules(), request, rt.now(), current_user())
    return report.as_json()


def _view(path: str, name: str, schema: type[Schema], *options: str) -> None:
    """Register GET /stats/<path> running report `name` with the query `schema`."""

    @blp.route(path, methods=["GET"], endpoint=name)
    @blp.arguments(schema, location="query")
    @blp.response(200, ReportSchema)
    @problems(blp, 401, 403, 404, 422)
    @requires(READERS)
    def view(args: dict[str, Any]) -> dict[str, Any]:
        return _report(name, args, *options)

    view.__doc__ = f"The {name} report (docs/metrics.md)."


_view("/unresolved", "unresolved", UnresolvedQuerySchema, "by", "level")
_view("/rates", "rates", RatesQuerySchema, "grain")
_view("/containment", "containment", PeriodQuerySchema)
_view("/hotspots", "hotspots", HotspotsQuerySchema, "place", "area")
_view("/ranking", "ranking", RankingQuerySchema, "level")
_view("/property-ratings", "property-ratings", PeriodQuerySchema)
_view("/departments", "departments", PeriodQuerySchema)


@blp.route("/owner-evaluations", methods=["POST"])
@blp.arguments(OwnerEvaluationSchema)
@blp.response(201, EvaluationOutSchema)
@problems(blp, 401, 403, 404, 422)
@requires(("admin", "unit_lead"))
def enter_owner_evaluation(body: dict[str, Any]) -> Any:
    """Enter one owners' yearly evaluation of a property company on the 12 aspects."""
    rt = runtime()
    rules = rt.rules()
    with rt.uow() as uow:
        return evaluations.enter_owner_evaluation(
            uow, rules.ratings, body["company"], body["year"], body["scores"], rt.now(),
            body["complex"], body["source"],
        )
