"""What the panel and the committees work from: assessments in reach, an open assessment's
provisional figures, and the complexes whose accounts a committee keeps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from caseflow.domain.assessments import UnitParts, lacks_data, unit_score
from caseflow.domain.errors import PermissionDenied
from caseflow.models import Assessment, ExpertSheet, Unit, UnitClosure
from caseflow.models.assessments import OPEN
from caseflow.rules import RuleSet
from caseflow.services.assessments.figures import collect
from caseflow.services.assessments.panel import SCORES, get_assessment
from caseflow.services.deliberation.access import may_act_for_complex, reaches
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import Viewer

READS = SCORES | {"leader"}


@dataclass(frozen=True)
class AssessmentItem:
    """An assessment as listed for the panel."""

    id: int
    label: str
    area: str
    status: str


@dataclass(frozen=True)
class DeskRow:
    """An assessed unit's parts so far and the score they would give (not yet published)."""

    complex_code: str
    complex_name: str
    company_name: str
    parts: UnitParts
    provisional: float | None
    my_sheet: dict[str, Any] | None


@dataclass(frozen=True)
class Desk:
    """An assessment with its units, for the panel's page."""

    item: AssessmentItem
    is_open: bool
    rows: list[DeskRow]


def _reads(viewer: Viewer) -> None:
    if viewer.role not in READS:
        raise PermissionDenied("assessments are for the assessment panel and leaders")


def areas_for(uow: UnitOfWork, viewer: Viewer) -> list[tuple[str, str]]:
    """(code, name) of the streets and districts the viewer may open an assessment for."""
    query = select(Unit.code, Unit.name).where(Unit.kind.in_(("street", "district")))
    if not viewer.sees_everything:
        query = query.join(UnitClosure, UnitClosure.descendant_id == Unit.id).where(
            UnitClosure.ancestor_id == viewer.unit_id)
    return [(c, n) for c, n in uow.session.execute(query.order_by(Unit.name))]


def assessments_for(uow: UnitOfWork, viewer: Viewer) -> list[AssessmentItem]:
    """The assessments of areas the viewer reaches, newest first."""
    _reads(viewer)
    rows = uow.session.execute(
        select(Assessment, Unit.name).join(Unit, Unit.id == Assessment.area_id)
        .order_by(Assessment.year.desc(), Assessment.quarter.desc(), Assessment.id.desc()))
    return [AssessmentItem(a.id, a.label, name, a.status) for a, name in rows
            if reaches(uow.session, viewer, a.area_id)]


def desk(uow: UnitOfWork, rules: RuleSet, viewer: Viewer, assessment_id: int,
         now: datetime) -> Desk:
    """The assessment's units with their parts now (an open one) and the viewer's sheets."""
    _reads(viewer)
    assessment = get_assessment(uow, assessment_id)
    if not reaches(uow.session, viewer, assessment.area_id):
        raise PermissionDenied("this assessment lies outside your area")
    area = uow.session.get(Unit, assessment.area_id)
    item = AssessmentItem(assessment.id, assessment.label, area.name if area else "",
                          assessment.status)
    if assessment.status != OPEN:
        return Desk(item, False, [])
    settings = rules.ratings.get("assessment") or {}
    mine = {s.complex_id: dict(s.scores) for s in uow.session.scalars(select(ExpertSheet).where(
        ExpertSheet.assessment_id == assessment.id, ExpertSheet.inspector_id == viewer.id))}
    rows = [
        DeskRow(unit.complex_code, unit.complex_name, unit.company_name, parts,
                None if lacks_data(parts, settings.get("not_rated") or {})
                else unit_score(parts, settings), mine.get(unit.complex_id))
        for unit, parts, _ in collect(uow.session, assessment, now)
    ]
    return Desk(item, True, rows)


def complexes_kept(uow: UnitOfWork, viewer: Viewer) -> list[tuple[str, str]]:
    """(code, name) of the complexes whose accounts and rating rounds the viewer keeps."""
    query = select(Unit).where(Unit.kind == "complex").order_by(Unit.name)
    if not viewer.sees_everything:
        query = query.join(UnitClosure, UnitClosure.descendant_id == Unit.id).where(
            UnitClosure.ancestor_id == viewer.unit_id)
    return [(u.code, u.name) for u in uow.session.scalars(query)
            if may_act_for_complex(uow.session, viewer, u.id)]
