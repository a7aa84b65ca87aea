"""已有人反映: similar open reports at a place, and residents adding their voice to one.

Before a resident opens a new case, the report form lists the open cases of the same
category at the same complex (its buildings included); the resident may add their voice
(附议) to one instead. A voice keeps who and their contact masked (王**, 138****5678) and
when; the full phone is never stored, only a hash that lets one phone speak once per case.
The count of voices shows on the case page, in the API and in the hotspots report.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from caseflow.domain.errors import InvalidInput, NotFound
from caseflow.domain.lifecycle import OPEN_STATES, RESOLVED
from caseflow.domain.masking import mask_name, mask_phone
from caseflow.models import Case, CaseVoice, Unit, UnitClosure
from caseflow.services.cases import PHONE, get_case
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import PUBLIC, shown_text

SIMILAR_DAYS = 90  # an open case older than this is not offered: the resident's may differ
SIMILAR_LIMIT = 5
# A resolved case waits for its reporter's evaluation: a voice would come too late.
VOICE_STATES = tuple(state for state in OPEN_STATES if state != RESOLVED)


@dataclass(frozen=True)
class SimilarCase:
    """An open case a resident may recognise as theirs: nothing personal, text masked."""

    ref: str
    title: str
    state: str
    place: str
    submitted_at: datetime
    voices: int


@dataclass(frozen=True)
class AddVoice:
    """A resident saying "me too" on an open case."""

    ref: str
    name: str
    phone: str
    channel: str = "web"


@dataclass(frozen=True)
class Voice:
    """A voice as anyone shown it reads it: masked who, and when."""

    name: str
    phone: str
    at: datetime


def _complex_of(uow: UnitOfWork, code: str) -> int | None:
    """The id of the complex holding the place `code` (itself, if it is one), or None."""
    place_id = select(Unit.id).where(Unit.code == code).scalar_subquery()
    query = (
        select(UnitClosure.ancestor_id)
        .join(Unit, Unit.id == UnitClosure.ancestor_id)
        .where(UnitClosure.descendant_id == place_id, Unit.kind == "complex")
    )
    return uow.session.scalar(query)


def similar_open_cases(uow: UnitOfWork, place_code: str, category: str, now: datetime
                       ) -> list[SimilarCase]:
    """The open cases of `category` at the complex of `place_code`, newest first (at most
    SIMILAR_LIMIT); none for an unknown place."""
    complex_id = _complex_of(uow, place_code.strip()) if place_code and category else None
    if complex_id is None:
        return []
    place = Unit.__table__.alias("place")
    query = (
        select(Case.id, Case.ref, Case.title, Case.state, place.c.name, Case.submitted_at)
        .join(UnitClosure, UnitClosure.descendant_id == Case.place_unit_id)
        .join(place, place.c.id == Case.place_unit_id)
        .where(UnitClosure.ancestor_id == complex_id, Case.category == category,
               Case.state.in_(VOICE_STATES),
               Case.submitted_at >= now - timedelta(days=SIMILAR_DAYS))
        .order_by(Case.submitted_at.desc(), Case.id.desc())
        .limit(SIMILAR_LIMIT)
    )
    rows = uow.session.execute(query).all()
    counts = voice_counts(uow, [row.id for row in rows])
    return [SimilarCase(row.ref, shown_text(row.title, PUBLIC), row.state, row.name,
                        row.submitted_at, counts.get(row.id, 0)) for row in rows]


def contact_hash(case_id: int, phone: str) -> str:
    """What tells one phone's voice on a case from another's, without keeping the number."""
    digits = "".join(c for c in phone if c.isdigit())
    return hashlib.sha256(f"{case_id}:{digits}".encode()).hexdigest()


def add_voice(uow: UnitOfWork, command: AddVoice, now: datetime) -> tuple[str, bool]:
    """Add the resident's voice to an open case and commit: (its reference, whether it is
    new — False when this phone had already spoken). InvalidInput names a bad field;
    a case that is not open (or unknown) is NotFound to the public."""
    name, phone = command.name.strip(), command.phone.strip()
    if not name:
        raise InvalidInput("name", "is required")
    if len(name) > 100:
        raise InvalidInput("name", "must be at most 100 characters")
    if not PHONE.match(phone):
        raise InvalidInput("phone", "is not a phone number")
    try:
        case = get_case(uow.session, command.ref.strip())
    except NotFound:
        raise NotFound("case") from None
    if case.state not in VOICE_STATES:
        raise NotFound("case")
    key = contact_hash(case.id, phone)
    known = uow.session.scalar(select(CaseVoice.id).where(
        CaseVoice.case_id == case.id, CaseVoice.contact_hash == key))
    if known is not None:
        return case.ref, False
    uow.session.add(CaseVoice(case_id=case.id, at=now, name=mask_name(name),
                              phone=mask_phone(phone), contact_hash=key,
                              channel=command.channel))
    uow.commit()
    return case.ref, True


def voice_counts(uow: UnitOfWork, case_ids: Sequence[int]) -> dict[int, int]:
    """How many residents added their voice to each case (cases without any left out)."""
    if not case_ids:
        return {}
    rows = uow.session.execute(
        select(CaseVoice.case_id, func.count()).where(CaseVoice.case_id.in_(list(case_ids)))
        .group_by(CaseVoice.case_id))
    return {case_id: count for case_id, count in rows}


def voices_of(uow: UnitOfWork, case_id: int) -> list[Voice]:
    """A case's voices, oldest first: masked as stored, for whoever may read the case."""
    rows = uow.session.scalars(select(CaseVoice).where(CaseVoice.case_id == case_id)
                               .order_by(CaseVoice.at, CaseVoice.id))
    return [Voice(row.name, row.phone, row.at) for row in rows]
