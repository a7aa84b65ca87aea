"""Property-company ratings: period score from YAML weights, star bands, red and black lists."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from caseflow.domain.metrics import (
    NOT_RATED,
    black_list,
    composite_score,
    rank,
    red_list,
    rounded,
    star_band,
    too_little_data,
)
from caseflow.models import ClockCharge, OwnerEvaluation, PropertyCompany, Unit, UnitClosure
from caseflow.services.reporting.common import (
    ZONE,
    Period,
    Report,
    in_subtree,
    labelled,
    table,
)
from caseflow.services.reporting.rates import JUDGED, rates_from_counts
from caseflow.services.reporting.rollup import cohort_source, count_sums
from caseflow.services.uow import UnitOfWork

# `rated` (false: 不参评) is in every row for the API and JSON, not a column on screen.
COLUMNS = (
    "rank", "company", "name", "score", "stars", "cases", "on_time_rate",
    "satisfaction_rate", "reopen_rate", "owners_evaluation", "owner_evaluations", "late_clocks",
)


def _company_counts(
    uow: UnitOfWork, period: Period, now: datetime, scope: int | None
) -> dict[int, Mapping[str, Any]]:
    """Rate counts per company over cases placed in complexes its offices serve."""
    office = aliased(Unit)
    source = cohort_source(uow.session, period, now, scope, grain=None)
    query = (
        select(office.property_company_id.label("company_id"), *count_sums(source))
        .join(UnitClosure, UnitClosure.descendant_id == source.c.place_unit_id)
        .join(
            office,
            and_(
                office.parent_id == UnitClosure.ancestor_id,
                office.kind == "property_office",
                office.property_company_id.isnot(None),
            ),
        )
        .group_by(office.property_company_id)
    )
    return {row.company_id: labelled(row) for row in uow.session.execute(query)}


def late_clocks_by_company(
    uow: UnitOfWork, period: Period, scope: int | None
) -> dict[int, int]:
    """Accept and resolve clocks that ended late in the period at each company's offices
    (clock_charges: charged where they ran, wherever the case went next)."""
    office = aliased(Unit)
    query = (
        select(office.property_company_id, func.count())
        .join(ClockCharge, ClockCharge.unit_id == office.id)
        .where(office.property_company_id.isnot(None), ClockCharge.clock.in_(JUDGED),
               ClockCharge.ended_at >= period.start, ClockCharge.ended_at < period.end)
        .group_by(office.property_company_id)
    )
    inside = in_subtree(ClockCharge.unit_id, scope)
    if inside is not None:
        query = query.where(inside)
    # The WHERE already drops offices of no company; the test tells mypy so.
    return {key: n for key, n in uow.session.execute(query) if key is not None}


def _owner_scores(uow: UnitOfWork, year: int) -> dict[int, tuple[float, int]]:
    """Mean of the owners' evaluations of the year per company, and how many there were."""
    query = (
        select(OwnerEvaluation.company_id, func.avg(OwnerEvaluation.average), func.count())
        .where(OwnerEvaluation.year == year)
        .group_by(OwnerEvaluation.company_id)
    )
    return {cid: (float(avg), n) for cid, avg, n in uow.session.execute(query)}


def _figures(
    counts: Mapping[str, Any] | None, owners: tuple[float, int] | None
) -> dict[str, Any]:
    rates = rates_from_counts(counts) if counts else {}
    reopen = rates.get("reopen_rate")
    return {
        "cases": counts["submitted"] if counts else 0,
        "on_time": rates.get("on_time_resolution_rate"),
        "satisfaction": rates.get("satisfaction_rate"),
        "reopen": None if reopen is None else 1 - reopen,
        "reopen_rate": reopen,
        "owners_evaluation": None if owners is None else owners[0] / 100,
        "owner_evaluations": 0 if owners is None else owners[1],
    }


def _companies(uow: UnitOfWork, ids: set[int]) -> dict[int, tuple[str, str]]:
    query = select(PropertyCompany.id, PropertyCompany.code, PropertyCompany.name)
    return {i: (c, n) for i, c, n in uow.session.execute(query) if i in ids}


def ratings_report(
    uow: UnitOfWork,
    period: Period,
    now: datetime,
    settings: Mapping[str, Any],
    scope: int | None = None,
) -> Report:
    """Every company with cases or owners' evaluations: score, stars, rank, red/black lists."""
    counts = _company_counts(uow, period, now, scope)
    # The owners' evaluation is yearly: a quarter uses the evaluations of its year.
    owners = _owner_scores(uow, period.start.astimezone(ZONE).year)
    if scope is not None:
        owners = {cid: v for cid, v in owners.items() if cid in counts}
    names = _companies(uow, set(counts) | set(owners))
    weights = settings.get("weights") or {}
    late = late_clocks_by_company(uow, period, scope)
    rule = settings.get("not_rated") or {}
    figures: dict[str, dict[str, Any]] = {}
    for cid, (code, name) in names.items():
        f = _figures(counts.get(cid), owners.get(cid))
        f["rated"] = not too_little_data(f["cases"], f["owner_evaluations"], rule)
        # Not rated: no score at all, so no rank, no stars and neither list.
        f["score"] = composite_score(f, weights) if f["rated"] else None
        f["late_clocks"] = late.get(cid, 0)
        figures[code] = {"company": code, "name": name} | f
    ranked = rank((code, f["score"]) for code, f in figures.items())
    red = settings.get("red_list") or {}
    floor = red.get("min_owners_evaluation")
    # A failing owners' evaluation keeps a company off the red list, whatever its score.
    barred = [code for code, f in figures.items() if floor is not None
              and f["owners_evaluation"] is not None and f["owners_evaluation"] * 100 < floor]
    reds = red_list(ranked, int(red.get("top", 9)), float(red.get("min_score", 80)), barred)
    blacks = black_list(ranked, float((settings.get("black_list") or {}).get("below", 60)))
    rows = [_row(r.rank, figures[r.key], settings.get("stars") or {}) for r in ranked]
    return Report(
        "property_ratings",
        {"from": period.start.isoformat(), "to": period.end.isoformat()},
        (
            table("ratings", rows, COLUMNS),
            table("red_list", [{"company": c, "name": figures[c]["name"]} for c in reds],
                  ("company", "name")),
            table("black_list", [{"company": c, "name": figures[c]["name"]} for c in blacks],
                  ("company", "name")),
        ),
    )


def _row(position: int | None, f: dict[str, Any], bands: Mapping[str, float]) -> dict[str, Any]:
    score = rounded(f["score"], 2)
    return {
        "rank": position, "company": f["company"], "name": f["name"], "score": score,
        "stars": star_band(score, bands) if f["rated"] else NOT_RATED, "rated": f["rated"],
        "cases": f["cases"],
        "on_time_rate": rounded(f["on_time"]), "satisfaction_rate": rounded(f["satisfaction"]),
        "reopen_rate": rounded(f["reopen_rate"]),
        "owners_evaluation": rounded(None if f["owners_evaluation"] is None
                                     else f["owners_evaluation"] * 100, 2),
        "owner_evaluations": f["owner_evaluations"], "late_clocks": f["late_clocks"],
    }

