"""Public accountability: assessments (open, score sheets, publish), published ratings,
owners' rating rounds and answers, and the 双晒 ledger."""

from __future__ import annotations

from typing import Any

from caseflow.api.assessment_schemas import (
    AnswerSchema,
    CreatedSchema,
    LineInSchema,
    MonthSchema,
    OpenAssessmentSchema,
    OpenRoundSchema,
    PublishedOutSchema,
    PublishMonthSchema,
    RatingsQuerySchema,
    RatingsSchema,
    RoundSchema,
    SheetOutSchema,
    SheetSchema,
)
from caseflow.api.auth import current_user, requires
from caseflow.api.common import Blueprint, problems, runtime
from caseflow.services.assessments import ledger, panel, public, rounds
from caseflow.services.visibility import Viewer

blp = Blueprint("assessments", __name__, url_prefix="/api/v1",
                description="Assessments, credit grades, owners' ratings and 双晒 accounts")
KEEPERS = ("admin", "owners_committee", "unit_lead", "caseworker")


def _me() -> Viewer:
    viewer = current_user()
    assert viewer is not None  # noqa: S101 - `requires` let only signed-in users through
    return viewer


@blp.route("/assessments", methods=["POST"])
@blp.arguments(OpenAssessmentSchema)
@blp.response(201, CreatedSchema)
@problems(blp, 401, 403, 404, 422)
@requires(panel.RUNS)
def open_assessment(body: dict[str, Any]) -> dict[str, int]:
    """Open an area's assessment for a quarter or the year."""
    rt = runtime()
    with rt.uow() as uow:
        return {"id": panel.open_assessment(uow, _me(), body["area"], body["year"],
                                            body["quarter"], rt.now())}


@blp.route("/assessments/<int:assessment_id>/sheets", methods=["POST"])
@blp.arguments(SheetSchema)
@blp.response(200, SheetOutSchema)
@problems(blp, 401, 403, 404, 409, 422)
@requires(panel.SCORES)
def enter_sheet(body: dict[str, Any], assessment_id: int) -> dict[str, float]:
    """Record (or replace) your score sheet for one assessed unit."""
    rt = runtime()
    entry = panel.SheetEntry(assessment_id, body["complex"], body["scores"])
    with rt.uow() as uow:
        return {"total": panel.enter_sheet(uow, rt.rules(), _me(), entry, rt.now())}


@blp.route("/assessments/<int:assessment_id>/publish", methods=["POST"])
@blp.response(200, PublishedOutSchema)
@problems(blp, 401, 403, 404, 409)
@requires(panel.RUNS)
def publish(assessment_id: int) -> dict[str, int]:
    """Publish: every unit's result, the credit grades and complex stars are frozen."""
    rt = runtime()
    with rt.uow() as uow:
        return {"units": panel.publish_assessment(uow, rt.rules(), _me(), assessment_id,
                                                  rt.now())}


@blp.route("/ratings", methods=["GET"])
@blp.arguments(RatingsQuerySchema, location="query")
@blp.response(200, RatingsSchema)
@problems(blp, 404)
def ratings(args: dict[str, Any]) -> public.RatingsPage:
    """A published assessment's results and credit grades (public, no token needed)."""
    with runtime().uow() as uow:
        return public.ratings_page(uow, args.get("assessment"))


@blp.route("/rating-rounds", methods=["POST"])
@blp.arguments(OpenRoundSchema)
@blp.response(201, CreatedSchema)
@problems(blp, 401, 403, 404, 422)
@requires(KEEPERS)
def open_round(body: dict[str, Any]) -> dict[str, int]:
    """Open a rating round for every household of the complex's ballot list."""
    rt = runtime()
    with rt.uow() as uow:
        return {"id": rounds.open_round(uow, _me(), body["complex"], body["year"],
                                        body["title"], rt.now())}


@blp.route("/rating-rounds/<int:round_id>", methods=["GET"])
@blp.response(200, RoundSchema)
@problems(blp, 401, 403, 404)
@requires(KEEPERS)
def get_round(round_id: int) -> rounds.RoundView:
    """A round and how many households answered."""
    with runtime().uow() as uow:
        return rounds.round_codes(uow, _me(), round_id)[0]


@blp.route("/rating-answers", methods=["POST"])
@blp.arguments(AnswerSchema)
@blp.response(201, RoundSchema)
@problems(blp, 422)
def answer(body: dict[str, Any]) -> rounds.RoundView:
    """A household's rating, by its code (public; once per household)."""
    rt = runtime()
    with rt.uow() as uow:
        return rounds.submit_rating(uow, rt.rules().ratings, body["code"], body["scores"],
                                    rt.now())


@blp.route("/ledger-lines", methods=["POST"])
@blp.arguments(LineInSchema)
@blp.response(201, CreatedSchema)
@problems(blp, 401, 403, 404, 409, 422)
@requires(KEEPERS)
def add_line(body: dict[str, Any]) -> dict[str, int]:
    """Add an income or expense line to an unpublished month (vouchers: on the pages)."""
    rt = runtime()
    entry = ledger.LineEntry(body["complex"], body["kind"], body["category"], body["amount"],
                             body["on_date"].isoformat(), body["description"], body["vote"])
    with rt.uow() as uow:
        return {"id": ledger.add_line(uow, rt.rules().ratings, _me(), entry, rt.now())}


@blp.route("/ledger-months", methods=["POST"])
@blp.arguments(PublishMonthSchema)
@blp.response(200, MonthSchema)
@problems(blp, 401, 403, 404, 409, 422)
@requires(KEEPERS)
def publish_month(body: dict[str, Any]) -> ledger.MonthView:
    """Write the month's service report and publish the month on the notice board."""
    rt = runtime()
    settings = rt.rules().ratings
    with rt.uow() as uow:
        ledger.publish_month(uow, settings, _me(), body["complex"], body["month"], rt.now(),
                             report=body["service_report"])
    with rt.uow() as uow:
        return ledger.month_view(uow, settings, None, body["complex"], body["month"], True)


@blp.route("/ledger-months/<complex_code>/<month>", methods=["GET"])
@blp.response(200, MonthSchema)
@problems(blp, 404, 422)
def get_month(complex_code: str, month: str) -> ledger.MonthView:
    """A published month of a complex's accounts (public)."""
    rt = runtime()
    with rt.uow() as uow:
        return ledger.month_view(uow, rt.rules().ratings, None, complex_code, month, True)
