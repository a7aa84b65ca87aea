"""Entering owners' yearly evaluations of property companies, one by one or from CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select

from caseflow.domain.errors import InvalidInput, NotFound
from caseflow.models import OwnerEvaluation, PropertyCompany
from caseflow.services.units import get_unit
from caseflow.services.uow import UnitOfWork


def _aspects(settings: Mapping[str, Any]) -> tuple[list[str], float, float]:
    owners = settings.get("owners_evaluation") or {}
    low, high = owners.get("scale") or (0, 100)
    return list(owners.get("aspects") or ()), float(low), float(high)


def add_owner_evaluation(
    uow: UnitOfWork,
    settings: Mapping[str, Any],
    company: str,
    year: int,
    scores: Mapping[str, Any],
    now: datetime,
    complex_code: str | None = None,
    source: str = "",
) -> OwnerEvaluation:
    """Record one evaluation; every configured aspect needs a score within the scale.
    The caller commits."""
    aspects, low, high = _aspects(settings)
    found = uow.session.scalar(select(PropertyCompany).where(PropertyCompany.code == company))
    if found is None:
        raise NotFound(f"property company {company}")
    missing = [a for a in aspects if a not in scores]
    unknown = [a for a in scores if a not in aspects]
    if missing or unknown:
        raise InvalidInput("scores", f"missing {missing or '-'}, unknown {unknown or '-'}")
    try:
        values = {a: float(scores[a]) for a in aspects}
    except (TypeError, ValueError):
        raise InvalidInput("scores", "every score must be a number") from None
    if any(not low <= v <= high for v in values.values()):
        raise InvalidInput("scores", f"every score must lie between {low:g} and {high:g}")
    complex_id = get_unit(uow.session, complex_code).id if complex_code else None
    evaluation = OwnerEvaluation(
        company_id=found.id, year=year, complex_id=complex_id, scores=values,
        average=sum(values.values()) / len(values), source=source, entered_at=now,
    )
    uow.session.add(evaluation)
    return evaluation


def import_owner_evaluations(
    uow: UnitOfWork, settings: Mapping[str, Any], text: str, now: datetime, source: str
) -> int:
    """Import CSV rows `company,year,complex,<aspect>...`; all or nothing; returns the count."""
    reader = csv.DictReader(io.StringIO(text))
    count = 0
    for line, row in enumerate(reader, start=2):
        company, year = row.pop("company", None), row.pop("year", None)
        complex_code = row.pop("complex", None) or None
        try:
            add_owner_evaluation(
                uow, settings, str(company), int(str(year)), row, now, complex_code, source
            )
        except (InvalidInput, NotFound, ValueError) as error:
            raise InvalidInput(f"line {line}", str(error)) from None
        count += 1
    uow.commit()
    return count


def enter_owner_evaluation(
    uow: UnitOfWork, settings: Mapping[str, Any], company: str, year: int,
    scores: Mapping[str, Any], now: datetime, complex_code: str | None = None, source: str = "",
) -> dict[str, Any]:
    """`add_owner_evaluation`, and commit: one evaluation entered by hand."""
    evaluation = add_owner_evaluation(uow, settings, company, year, scores, now, complex_code,
                                      source)
    uow.commit()
    return {"id": evaluation.id, "year": evaluation.year, "average": evaluation.average}
