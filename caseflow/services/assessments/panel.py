"""An assessment's life: opened for a quarter or year, the panel enters its score sheets,
and publishing freezes every unit's result, the companies' credit grades and the
complexes' stars as rows that later cases never move."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from caseflow.domain.assessments import (
    complex_stars,
    credit_grade,
    judge,
    lacks_data,
    unit_score,
)
from caseflow.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from caseflow.models import (
    Assessment,
    AssessmentResult,
    CreditGrade,
    ExpertSheet,
    Unit,
    UnitClosure,
)
from caseflow.models.assessments import OPEN, PUBLISHED
from caseflow.rules import RuleSet
from caseflow.services.assessments.figures import collect
from caseflow.services.deliberation.access import in_area
from caseflow.services.units import get_unit
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import Viewer

# 考评组: the governance office (unit leads of the street), the housing office's inspectors
# and the association's experts. Leads and inspectors run the assessment; all three score.
RUNS = frozenset({"admin", "unit_lead", "inspector"})
SCORES = frozenset({"admin", "unit_lead", "inspector", "expert"})


@dataclass(frozen=True)
class SheetEntry:
    """One panel member's score sheet for one assessed unit."""

    assessment_id: int
    complex_code: str
    scores: Mapping[str, Any]


def _allowed(uow: UnitOfWork, viewer: Viewer | None, roles: frozenset[str], unit_id: int,
             what: str) -> None:
    """`None` is the operator at the command line, who already holds the database."""
    if viewer is None:
        return
    if viewer.role not in roles or not in_area(uow.session, viewer, unit_id):
        raise PermissionDenied(f"{what} is for the assessment panel of this area")


def get_assessment(uow: UnitOfWork, assessment_id: int) -> Assessment:
    """The assessment, or NotFound."""
    # Larger ids than the column holds are unknown, not a database overflow.
    found = uow.session.get(Assessment, assessment_id) if 0 < assessment_id < 2**31 else None
    if found is None:
        raise NotFound(f"assessment {assessment_id}")
    return found


def open_assessment(uow: UnitOfWork, viewer: Viewer | None, area_code: str, year: int,
                    quarter: int, now: datetime) -> int:
    """Open the assessment of an area for a quarter (1-4) or the year (0); commits."""
    if quarter not in (0, 1, 2, 3, 4):
        raise InvalidInput("quarter", "must be 1, 2, 3, 4, or 0 for the yearly assessment")
    if not 2000 <= year <= 2100:
        raise InvalidInput("year", "must be a year between 2000 and 2100")
    area = get_unit(uow.session, area_code)
    _allowed(uow, viewer, RUNS, area.id, "opening an assessment")
    assessment = Assessment(area_id=area.id, year=year, quarter=quarter, status=OPEN,
                            opened_at=now, opened_by_id=None if viewer is None else viewer.id,
                            settings={})
    uow.session.add(assessment)
    try:
        uow.session.flush()
    except IntegrityError:
        raise InvalidInput("quarter", "this area's assessment for that period exists") from None
    uow.commit()
    return assessment.id


def _sheet_scores(scores: Mapping[str, Any], items: Mapping[str, Any]) -> dict[str, float]:
    """Every item of the sheet scored between 0 and its most points."""
    if not items:
        raise InvalidInput("scores", "ratings.yaml has no assessment.expert_sheet")
    missing = [i for i in items if i not in scores or scores[i] in ("", None)]
    unknown = [k for k in scores if k not in items]
    if missing or unknown:
        raise InvalidInput("scores", f"missing {missing or '-'}, unknown {unknown or '-'}")
    out = {}
    for item, most in items.items():
        try:
            value = float(scores[item])
        except (TypeError, ValueError):
            raise InvalidInput(item, "must be a number") from None
        if not 0 <= value <= float(most):
            raise InvalidInput(item, f"must lie between 0 and {float(most):g}")
        out[item] = value
    return out


def enter_sheet(uow: UnitOfWork, rules: RuleSet, viewer: Viewer, entry: SheetEntry,
                now: datetime) -> float:
    """Record (or replace) the viewer's score sheet for a unit of an open assessment; commits.
    Returns the sheet's total."""
    assessment = get_assessment(uow, entry.assessment_id)
    if assessment.status != OPEN:
        raise Conflict("the assessment is published; its sheets are closed")
    complex_ = get_unit(uow.session, entry.complex_code)
    _allowed(uow, viewer, SCORES, complex_.id, "a score sheet")
    if not uow.session.scalar(select(UnitClosure.depth).where(
            UnitClosure.ancestor_id == assessment.area_id,
            UnitClosure.descendant_id == complex_.id)) and assessment.area_id != complex_.id:
        raise InvalidInput("complex", "is not in the assessment's area")
    if viewer.id is None:
        raise PermissionDenied("a score sheet is entered by a named panel member")
    items = (rules.ratings.get("assessment") or {}).get("expert_sheet") or {}
    scores = _sheet_scores(entry.scores, items)
    sheet = uow.session.scalar(select(ExpertSheet).where(
        ExpertSheet.assessment_id == assessment.id, ExpertSheet.complex_id == complex_.id,
        ExpertSheet.inspector_id == viewer.id))
    if sheet is None:
        sheet = ExpertSheet(assessment_id=assessment.id, complex_id=complex_.id,
                            inspector_id=viewer.id, scores={}, total=0.0, entered_at=now)
        uow.session.add(sheet)
    sheet.scores, sheet.total, sheet.entered_at = scores, sum(scores.values()), now
    uow.commit()
    return sheet.total


def _history(uow: UnitOfWork, area_id: int) -> list[tuple[int, list[AssessmentResult]]]:
    """The area's published assessments, newest first, with their results."""
    published = uow.session.scalars(
        select(Assessment).where(Assessment.area_id == area_id, Assessment.status == PUBLISHED)
        .order_by(Assessment.published_at.desc(), Assessment.id.desc())
    ).all()
    results = uow.session.scalars(select(AssessmentResult).where(
        AssessmentResult.assessment_id.in_([a.id for a in published]))).all()
    by_assessment: dict[int, list[AssessmentResult]] = {a.id: [] for a in published}
    for r in results:
        by_assessment[r.assessment_id].append(r)
    return [(a.id, by_assessment[a.id]) for a in published]


def _grades(uow: UnitOfWork, settings: Mapping[str, Any], assessment: Assessment,
            fresh: list[AssessmentResult], now: datetime) -> None:
    """Each company with a team in this assessment: its grade over its history."""
    history = [(assessment.id, fresh), *_history(uow, assessment.area_id)]
    rule = settings.get("credit_grades") or {}
    for company_id in sorted({r.company_id for r in fresh}):
        teams = [[(r.score, r.black) for r in results if r.company_id == company_id]
                 for _, results in history]
        grade, basis = credit_grade([t for t in teams if t], rule)
        uow.session.add(CreditGrade(company_id=company_id, assessment_id=assessment.id,
                                    grade=grade, basis=basis, graded_at=now))


def _stars(uow: UnitOfWork, settings: Mapping[str, Any], area_id: int,
           fresh: list[AssessmentResult]) -> None:
    """星级小区: each complex's stars from this result and its earlier published ones."""
    earlier = _history(uow, area_id)
    rule = settings.get("complex_stars") or {}
    for result in fresh:
        past = [r for _, results in earlier for r in results if r.complex_id == result.complex_id]
        runs = [(result.score, result.figures.get("owners"))]
        runs += [(r.score, r.figures.get("owners")) for r in past]
        result.complex_stars = complex_stars(runs, rule)


def publish_assessment(uow: UnitOfWork, rules: RuleSet, viewer: Viewer | None,
                       assessment_id: int, now: datetime) -> int:
    """Compute every unit's result now and freeze it with the credit grades and complex
    stars; commits. Returns how many units were assessed."""
    assessment = get_assessment(uow, assessment_id)
    _allowed(uow, viewer, RUNS, assessment.area_id, "publishing an assessment")
    if assessment.status != OPEN:
        raise Conflict("the assessment is already published")
    settings = rules.ratings
    rule = (settings.get("assessment") or {}).get("not_rated") or {}
    gathered = collect(uow.session, assessment, now)
    scores = {u.complex_code: None if lacks_data(parts, rule)
              else unit_score(parts, settings.get("assessment") or {})
              for u, parts, _ in gathered}
    verdicts = judge(scores, settings)
    fresh = [_result(assessment.id, unit, parts, late, verdicts[unit.complex_code])
             for unit, parts, late in gathered]
    _stars(uow, settings, assessment.area_id, fresh)
    _grades(uow, settings, assessment, fresh, now)
    uow.session.add_all(fresh)
    assessment.status, assessment.published_at = PUBLISHED, now
    assessment.published_by_id = None if viewer is None else viewer.id
    assessment.rules_version = rules.version
    assessment.settings = _plain(settings)
    uow.commit()
    return len(fresh)


def _result(assessment_id: int, unit: Any, parts: Any, late: int, v: Any) -> AssessmentResult:
    def pct(value: float | None) -> float | None:
        return None if value is None else round(value, 4)

    figures = {
        "cases": parts.cases, "late_clocks": late,
        **{name: pct(rate) for name, rate in parts.case_rates.items()},
        "owners": None if parts.owners is None else round(parts.owners, 2),
        "owner_ratings": parts.owner_ratings,
        "experts": None if parts.experts is None else round(parts.experts, 2),
        "expert_sheets": parts.expert_sheets,
    }
    return AssessmentResult(
        assessment_id=assessment_id, complex_id=unit.complex_id, company_id=unit.company_id,
        complex_name=unit.complex_name, company_name=unit.company_name, rated=v.rated,
        score=v.score, stars=v.stars, rank=v.rank, red=v.red, black=v.black,
        complex_stars="", figures=figures,
    )


def _plain(value: Any) -> Any:
    """The rules as JSON (they are loaded read-only: proxies and tuples)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def area_of_assessment(uow: UnitOfWork, assessment_id: int) -> Unit:
    """The unit whose property teams the assessment covers."""
    return uow.session.get(Unit, get_assessment(uow, assessment_id).area_id)  # type: ignore[return-value]
