"""The parts an assessment collects for each assessed unit (a complex's property team):
case figures from the one truth (the monthly summary and the clock charges), the owners'
ratings of the year and the panel's score sheets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from caseflow.domain.assessments import UnitParts
from caseflow.models import (
    Assessment,
    ClockCharge,
    ExpertSheet,
    OwnerEvaluation,
    PropertyCompany,
    Unit,
    UnitClosure,
)
from caseflow.services.reporting.common import Period
from caseflow.services.reporting.rates import JUDGED, rates_from_counts
from caseflow.services.reporting.rollup import cohort_source, count_sums


@dataclass(frozen=True)
class AssessedUnit:
    """被考评单位: a complex and the company whose office serves it."""

    complex_id: int
    complex_code: str
    complex_name: str
    company_id: int
    company_code: str
    company_name: str


def period_of(year: int, quarter: int) -> Period:
    """The local span of a quarter (1-4), or of the year when `quarter` is 0."""
    if quarter == 0:
        return Period.from_dates(date(year, 1, 1), date(year, 12, 31))
    first = date(year, 3 * quarter - 2, 1)
    following = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return Period.from_dates(first, date.fromordinal(following.toordinal() - 1))


def assessed_units(session: Session, area_id: int) -> list[AssessedUnit]:
    """Every complex in the area with a property office of a company, by name (the first
    office's company when a complex has several)."""
    office = aliased(Unit)
    complex_ = aliased(Unit)
    rows = session.execute(
        select(complex_.id, complex_.code, complex_.name, PropertyCompany.id,
               PropertyCompany.code, PropertyCompany.name)
        .join(UnitClosure, and_(UnitClosure.descendant_id == complex_.id,
                                UnitClosure.ancestor_id == area_id))
        .join(office, and_(office.parent_id == complex_.id, office.kind == "property_office"))
        .join(PropertyCompany, PropertyCompany.id == office.property_company_id)
        .where(complex_.kind == "complex")
        .order_by(complex_.name, office.id)
    )
    found: dict[int, AssessedUnit] = {}
    for row in rows:
        found.setdefault(row[0], AssessedUnit(*row))
    return list(found.values())


def _case_counts(session: Session, period: Period, now: datetime, area_id: int,
                 complex_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The rate counts of the period's cases placed in each complex (or below it)."""
    source = cohort_source(session, period, now, area_id, grain=None)
    query = (
        select(UnitClosure.ancestor_id.label("complex_id"), *count_sums(source))
        .join(UnitClosure, UnitClosure.descendant_id == source.c.place_unit_id)
        .where(UnitClosure.ancestor_id.in_(complex_ids))
        .group_by(UnitClosure.ancestor_id)
    )
    return {row.complex_id: dict(row._mapping) for row in session.execute(query)}


def _late_clocks(session: Session, period: Period, complex_ids: list[int]) -> dict[int, int]:
    """Accept and resolve clocks that ended late in the period at units of each complex
    (its office, itself): charged where they ran (services/charges.py)."""
    query = (
        select(UnitClosure.ancestor_id, func.count())
        .join(ClockCharge, ClockCharge.unit_id == UnitClosure.descendant_id)
        .where(UnitClosure.ancestor_id.in_(complex_ids), ClockCharge.clock.in_(JUDGED),
               ClockCharge.ended_at >= period.start, ClockCharge.ended_at < period.end)
        .group_by(UnitClosure.ancestor_id)
    )
    return {key: n for key, n in session.execute(query)}


def owners_of(session: Session, year: int) -> dict[tuple[int, int], tuple[float, int]]:
    """(complex, company) → the owners' mean rating of the year (0-100) and how many."""
    query = (
        select(OwnerEvaluation.complex_id, OwnerEvaluation.company_id,
               func.avg(OwnerEvaluation.average), func.count())
        .where(OwnerEvaluation.year == year, OwnerEvaluation.complex_id.isnot(None))
        .group_by(OwnerEvaluation.complex_id, OwnerEvaluation.company_id)
    )
    return {(c, co): (float(avg), n) for c, co, avg, n in session.execute(query)}


def sheets_of(session: Session, assessment_id: int) -> dict[int, tuple[float, int]]:
    """complex → the panel's mean sheet total and how many sheets."""
    query = (
        select(ExpertSheet.complex_id, func.avg(ExpertSheet.total), func.count())
        .where(ExpertSheet.assessment_id == assessment_id)
        .group_by(ExpertSheet.complex_id)
    )
    return {c: (float(avg), n) for c, avg, n in session.execute(query)}


def collect(
    session: Session, assessment: Assessment, now: datetime
) -> list[tuple[AssessedUnit, UnitParts, int]]:
    """Each assessed unit of the assessment's area with its parts and late clocks, now."""
    units = assessed_units(session, assessment.area_id)
    ids = [u.complex_id for u in units]
    if not ids:
        return []
    period = period_of(assessment.year, assessment.quarter)
    counts = _case_counts(session, period, now, assessment.area_id, ids)
    late = _late_clocks(session, period, ids)
    owners = owners_of(session, assessment.year)
    sheets = sheets_of(session, assessment.id)
    out = []
    for unit in units:
        c = counts.get(unit.complex_id)
        rates = rates_from_counts(c) if c else {}
        reopen = rates.get("reopen_rate")
        own = owners.get((unit.complex_id, unit.company_id))
        sheet = sheets.get(unit.complex_id)
        parts = UnitParts(
            cases=c["submitted"] if c else 0,
            case_rates={"on_time": rates.get("on_time_resolution_rate"),
                        "response": rates.get("response_rate"),
                        "satisfaction": rates.get("satisfaction_rate"),
                        "reopen": None if reopen is None else 1 - reopen},
            owners=None if own is None else own[0], owner_ratings=0 if own is None else own[1],
            experts=None if sheet is None else sheet[0],
            expert_sheets=0 if sheet is None else sheet[1],
        )
        out.append((unit, parts, late.get(unit.complex_id, 0)))
    return out
