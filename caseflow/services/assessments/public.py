"""Reading published assessments (the public /ratings page, the API): stored rows only, so
a published quarter reads the same whatever happened since."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from caseflow.models import Assessment, AssessmentResult, CreditGrade, PropertyCompany, Unit
from caseflow.models.assessments import PUBLISHED
from caseflow.services.assessments.panel import get_assessment
from caseflow.services.uow import UnitOfWork

HISTORY = 6  # published assessments shown side by side in the history tables


@dataclass(frozen=True)
class Published:
    """One published assessment as listed."""

    id: int
    label: str
    area: str
    published_at: datetime | None


@dataclass(frozen=True)
class UnitRow:
    """One assessed unit's frozen result."""

    complex_code: str
    complex_name: str
    company_name: str
    rated: bool
    score: float | None
    stars: str
    rank: int | None
    red: bool
    black: bool
    complex_stars: str
    figures: Mapping[str, Any]


@dataclass(frozen=True)
class CompanyRow:
    """A company's credit grade as it stood at the assessment, and its earlier grades."""

    code: str
    name: str
    grade: str
    basis: Mapping[str, Any]
    history: list[tuple[str, str]] = field(default_factory=list)  # (assessment label, grade)


@dataclass(frozen=True)
class RatingsPage:
    """What /ratings shows: the chosen published assessment, its results, the lists, the
    companies' grades and each unit's history across the last published assessments."""

    assessments: list[Published]
    chosen: Published | None
    units: list[UnitRow]
    red: list[UnitRow]
    black: list[UnitRow]
    companies: list[CompanyRow]
    columns: list[Published]  # the history's assessments, oldest first
    history: dict[str, list[tuple[float | None, str] | None]]  # complex code → per column


def published(uow: UnitOfWork) -> list[Published]:
    """Every published assessment, newest first."""
    rows = uow.session.execute(
        select(Assessment, Unit.name).join(Unit, Unit.id == Assessment.area_id)
        .where(Assessment.status == PUBLISHED)
        .order_by(Assessment.published_at.desc(), Assessment.id.desc())
    )
    return [Published(a.id, a.label, name, a.published_at) for a, name in rows]


def _units(uow: UnitOfWork, assessment_id: int) -> list[UnitRow]:
    rows = uow.session.execute(
        select(AssessmentResult, Unit.code).join(Unit, Unit.id == AssessmentResult.complex_id)
        .where(AssessmentResult.assessment_id == assessment_id)
    )
    units = [UnitRow(code, r.complex_name, r.company_name, r.rated, r.score, r.stars, r.rank,
                     r.red, r.black, r.complex_stars, dict(r.figures)) for r, code in rows]
    return sorted(units, key=lambda u: (u.rank is None, u.rank or 0, u.complex_name))


def _companies(uow: UnitOfWork, chosen: Published, listed: list[Published]) -> list[CompanyRow]:
    labels = {p.id: p.label for p in listed}
    grades = uow.session.execute(
        select(CreditGrade, PropertyCompany.code, PropertyCompany.name)
        .join(PropertyCompany, PropertyCompany.id == CreditGrade.company_id)
        .where(CreditGrade.assessment_id.in_(list(labels)))
    ).all()
    order = [p.id for p in reversed(listed)]
    past: dict[str, list[tuple[str, str]]] = {}
    for g, code, _ in sorted(grades, key=lambda row: order.index(row[0].assessment_id)):
        past.setdefault(code, []).append((labels[g.assessment_id], g.grade))
    return sorted(
        (CompanyRow(code, name, g.grade, dict(g.basis), past.get(code, []))
         for g, code, name in grades if g.assessment_id == chosen.id),
        key=lambda c: (-(c.basis.get("mean_score") or -1), c.name),
    )


def ratings_page(uow: UnitOfWork, assessment_id: int | None = None) -> RatingsPage:
    """The page of one published assessment (the newest by default)."""
    listed = published(uow)
    if assessment_id is not None:
        get_assessment(uow, assessment_id)  # NotFound for an unknown one
    chosen = next((p for p in listed if assessment_id in (None, p.id)), None)
    if chosen is None:
        return RatingsPage(listed, None, [], [], [], [], [], {})
    units = _units(uow, chosen.id)
    same_area = [p for p in listed if p.area == chosen.area]
    start = same_area.index(chosen)
    columns = list(reversed(same_area[start:start + HISTORY]))
    history: dict[str, list[tuple[float | None, str] | None]] = {}
    for position, column in enumerate(columns):
        for row in _units(uow, column.id):
            cells = history.setdefault(row.complex_code, [None] * len(columns))
            cells[position] = (row.score, row.stars)
    return RatingsPage(
        listed, chosen, units, [u for u in units if u.red], [u for u in units if u.black],
        _companies(uow, chosen, same_area[start:start + HISTORY]), columns, history,
    )
