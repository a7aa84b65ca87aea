"""Owners' rating rounds (业主评议, seed 004): the owners' committee opens a round for its
complex; each household of the ballot list gets a code (a printed slip or a link) and rates
the company once on the 12 aspects. Each answer is an owners' evaluation of the year, so it
flows into the assessment like the paper rounds imported from CSV."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from caseflow.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from caseflow.models import (
    OwnerEvaluation,
    PropertyCompany,
    RatingCode,
    RatingRound,
    Unit,
)
from caseflow.models.assessments import CLOSED, OPEN
from caseflow.services.deliberation.access import may_act_for_complex
from caseflow.services.reporting.evaluations import add_owner_evaluation
from caseflow.services.units import get_unit
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import Viewer
from caseflow.services.voting import ballot_list

# No 0/O or 1/I/L: the codes are read off paper slips.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


@dataclass(frozen=True)
class RoundView:
    """A round as the committee and the form show it (no household in it)."""

    id: int
    complex_code: str
    complex_name: str
    company_name: str
    year: int
    title: str
    status: str
    households: int
    responses: int

    @property
    def response_rate(self) -> float | None:
        """Share of the households that answered."""
        return self.responses / self.households if self.households else None


def _view(r: RatingRound, complex_: Unit, company: PropertyCompany) -> RoundView:
    return RoundView(r.id, complex_.code, complex_.name, company.name, r.year, r.title,
                     r.status, r.households, r.responses)


def _company_of(uow: UnitOfWork, complex_id: int) -> PropertyCompany:
    company = uow.session.scalar(
        select(PropertyCompany).join(Unit, Unit.property_company_id == PropertyCompany.id)
        .where(Unit.parent_id == complex_id, Unit.kind == "property_office").order_by(Unit.id)
    )
    if company is None:
        raise InvalidInput("complex", "no property company serves this complex")
    return company


def _require_committee(uow: UnitOfWork, viewer: Viewer | None, complex_id: int) -> None:
    if not may_act_for_complex(uow.session, viewer, complex_id):
        raise PermissionDenied("rating rounds are run by the complex's owners' committee")


def open_round(uow: UnitOfWork, viewer: Viewer | None, complex_code: str, year: int,
               title: str, now: datetime) -> int:
    """Open a round for every household of the complex's ballot list; commits."""
    complex_ = get_unit(uow.session, complex_code)
    _require_committee(uow, viewer, complex_.id)
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise InvalidInput("title", "is required (at most 200 characters)")
    if not 2000 <= year <= 2100:
        raise InvalidInput("year", "must be a year between 2000 and 2100")
    households = [p.code for p in ballot_list(uow.session, complex_.id) if not p.developer_unsold]
    if not households:
        raise InvalidInput("complex", "import the ballot list first: it names the households")
    company = _company_of(uow, complex_.id)
    rating_round = RatingRound(complex_id=complex_.id, company_id=company.id, year=year,
                               title=title, status=OPEN, households=len(households),
                               responses=0, opened_at=now,
                               opened_by_id=None if viewer is None else viewer.id)
    uow.session.add(rating_round)
    uow.session.flush()
    uow.session.add_all(
        RatingCode(round_id=rating_round.id, household=household, code=_new_code())
        for household in households
    )
    uow.commit()
    return rating_round.id


def _new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def _round(uow: UnitOfWork, round_id: int) -> tuple[RatingRound, Unit, PropertyCompany]:
    found = uow.session.get(RatingRound, round_id) if 0 < round_id < 2**31 else None
    if found is None:
        raise NotFound(f"rating round {round_id}")
    complex_ = uow.session.get(Unit, found.complex_id)
    company = uow.session.get(PropertyCompany, found.company_id)
    return found, complex_, company  # type: ignore[return-value]


def rounds_of(uow: UnitOfWork, viewer: Viewer | None, complex_code: str) -> list[RoundView]:
    """The complex's rounds, newest first (for its committee)."""
    complex_ = get_unit(uow.session, complex_code)
    _require_committee(uow, viewer, complex_.id)
    rows = uow.session.scalars(select(RatingRound).where(RatingRound.complex_id == complex_.id)
                               .order_by(RatingRound.id.desc()))
    return [_view(r, complex_, uow.session.get(PropertyCompany, r.company_id))  # type: ignore[arg-type]
            for r in rows]


def round_codes(uow: UnitOfWork, viewer: Viewer | None,
                round_id: int) -> tuple[RoundView, list[tuple[str, str, bool]]]:
    """The round and each household's code, and whether it was used (to print the slips)."""
    found, complex_, company = _round(uow, round_id)
    _require_committee(uow, viewer, complex_.id)
    codes = uow.session.scalars(select(RatingCode).where(RatingCode.round_id == round_id)
                                .order_by(RatingCode.household))
    return _view(found, complex_, company), [(c.household, c.code, c.used_at is not None)
                                             for c in codes]


def _code(uow: UnitOfWork, code: str) -> RatingCode:
    code = (code or "").strip().upper().replace(" ", "").replace("-", "")
    found = uow.session.scalar(select(RatingCode).where(RatingCode.code == code)) if code else None
    if found is None:
        raise InvalidInput("code", "no rating round has this code")
    return found


def form_for(uow: UnitOfWork, code: str) -> RoundView:
    """The round a household's code opens, for the form (InvalidInput for a bad code)."""
    found = _code(uow, code)
    rating_round, complex_, company = _round(uow, found.round_id)
    if found.used_at is not None:
        raise InvalidInput("code", "this household has already rated in this round")
    if rating_round.status != OPEN:
        raise InvalidInput("code", "this rating round is closed")
    return _view(rating_round, complex_, company)


def submit_rating(uow: UnitOfWork, settings: Mapping[str, Any], code: str,
                  scores: Mapping[str, Any], now: datetime) -> RoundView:
    """Record a household's answer once; commits. A second answer, even racing the first,
    is refused by the unique key on (round, household)."""
    view = form_for(uow, code)
    found = _code(uow, code)
    rating_round, complex_, company = _round(uow, found.round_id)
    evaluation = add_owner_evaluation(uow, settings, company.code, rating_round.year, scores,
                                      now, complex_.code, source="online")
    evaluation.round_id, evaluation.household = rating_round.id, found.household
    found.used_at = now
    # In SQL: two households answering at once both count.
    uow.session.execute(update(RatingRound).where(RatingRound.id == rating_round.id)
                        .values(responses=RatingRound.responses + 1))
    try:
        uow.commit()
    except IntegrityError:
        uow.session.rollback()
        raise InvalidInput("code", "this household has already rated in this round") from None
    return RoundView(**{**view.__dict__, "responses": view.responses + 1})


def close_round(uow: UnitOfWork, viewer: Viewer | None, round_id: int, now: datetime) -> None:
    """Close the round: no more answers; commits."""
    found, complex_, _ = _round(uow, round_id)
    _require_committee(uow, viewer, complex_.id)
    if found.status != OPEN:
        raise Conflict("the rating round is already closed")
    found.status, found.closed_at = CLOSED, now
    uow.commit()


def owner_answers(uow: UnitOfWork, round_id: int) -> list[OwnerEvaluation]:
    """The round's answers (tests and exports), without the households' names."""
    return list(uow.session.scalars(select(OwnerEvaluation)
                                    .where(OwnerEvaluation.round_id == round_id)))
