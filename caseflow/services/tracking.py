"""A resident following their case: by the secret link, or by reference and phone.

A resident proves a case is theirs with its tracking token (the link they were given) or
with its reference and the last four digits of the phone they reported with. Either proof
yields the token's hash, which the pages keep in the resident's signed session so that the
photos and the withdraw/reopen/evaluate buttons work without the link. Wrong digits and an
unknown reference get the same answer, compared in constant time: the lookup tells nothing
about which references exist (the page also limits how often it may be tried).
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from caseflow.domain.errors import InvalidInput, NotFound
from caseflow.domain.masking import mask_name
from caseflow.domain.policy import OWNER, Actor
from caseflow.models import Attachment
from caseflow.rules import RuleSet
from caseflow.services import attachments, voices
from caseflow.services.actions import ActionCommand, act, actions_for
from caseflow.services.cases import BY_REF
from caseflow.services.timeline import TrackedCase, proved_case, tracked_case
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import resident

# What a resident may do from the tracking page, when the lifecycle and roles allow it.
RESIDENT_ACTIONS = ("evaluate", "withdraw", "reopen")
FOUR_DIGITS = re.compile(r"^[0-9]{4}$")
NO_DIGITS = "\x00" * 4  # compared against when the reference is unknown: same work, no match


@dataclass(frozen=True)
class Proof:
    """What a resident shows: the link's token, or the hash their session keeps."""

    token: str = ""
    token_hash: str = ""


@dataclass(frozen=True)
class PhotoLink:
    """A photo the resident may see: its id and kind, or a client's link."""

    id: int
    kind: str
    link_url: str


@dataclass(frozen=True)
class TrackingPage:
    """The tracking page: the case, its photos, its voices and what the resident may do."""

    case: TrackedCase
    photos: list[PhotoLink]
    voices: int
    actions: list[str]
    token_hash: str


def _last_four(phone: str) -> str:
    digits = "".join(c for c in phone if c.isdigit())
    return digits[-4:] if len(digits) >= 4 else NO_DIGITS


def proof_by_phone(uow: UnitOfWork, ref: str, last_four: str) -> str:
    """The case's token hash when `last_four` ends its reporter's phone; NotFound("case")
    for a wrong reference or wrong digits alike. InvalidInput for digits that are not four."""
    digits = last_four.strip()
    if not FOUR_DIGITS.match(digits):
        raise InvalidInput("phone_last4", "must be the last four digits of the phone")
    case = uow.session.scalar(BY_REF, {"key": ref.strip().upper()}) if ref.strip() else None
    expected = _last_four(case.reporter_phone) if case is not None else NO_DIGITS
    matches = hmac.compare_digest(expected.encode(), digits.encode())
    if case is None or not matches or not case.tracking_token_hash:
        raise NotFound("case")
    return case.tracking_token_hash


def _resident_actor(reporter_name: str) -> Actor:
    return Actor(role="resident", relation=OWNER, label=mask_name(reporter_name) or "resident")


def tracking_page(uow: UnitOfWork, rules: RuleSet, ref: str, proof: Proof, now: datetime
                  ) -> TrackingPage:
    """What the resident sees of their case: category, description, photos, replies, the
    handling unit, expected times, state changes, voices and the actions open to them."""
    case = proved_case(uow, ref, proof.token, proof.token_hash)
    viewer = resident(case.id)
    photos = [PhotoLink(a.id, a.kind, a.link_url)
              for a in attachments.photos_for(uow, case, viewer)]
    allowed = actions_for(rules, case, _resident_actor(case.reporter_name), now)
    return TrackingPage(
        case=tracked_case(uow, case.ref, token_hash=case.tracking_token_hash),
        photos=photos,
        voices=voices.voice_counts(uow, [case.id]).get(case.id, 0),
        actions=[action for action in RESIDENT_ACTIONS if action in allowed],
        token_hash=case.tracking_token_hash,
    )


def tracked_photo(uow: UnitOfWork, ref: str, proof: Proof, attachment_id: int) -> Attachment:
    """One stored photo of the resident's case that they may see, or NotFound."""
    case = proved_case(uow, ref, proof.token, proof.token_hash)
    return attachments.shown_photo(uow, case, resident(case.id), attachment_id)


@dataclass(frozen=True)
class ResidentAction:
    """A resident acting on their case from the tracking page."""

    ref: str
    proof: Proof
    action: str
    note: str = ""
    data: Mapping[str, Any] | None = None


def act_as_resident(uow: UnitOfWork, rules: RuleSet, command: ResidentAction, now: datetime
                    ) -> str:
    """Withdraw, reopen or evaluate the resident's own case as one transaction with its
    event (services.actions); the case's state after it."""
    if command.action not in RESIDENT_ACTIONS:
        raise InvalidInput("action", f"must be one of {', '.join(RESIDENT_ACTIONS)}")
    case = proved_case(uow, command.ref, command.proof.token, command.proof.token_hash)
    acted = act(uow, rules, ActionCommand(
        case.id, command.action, _resident_actor(case.reporter_name), command.note,
        data=dict(command.data or {})), now)
    return acted.state
