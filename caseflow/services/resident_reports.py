"""A resident's report with its photos, checked whole and stored as one transaction.

The report form shows every bad field at once, beside the field: `report_problem` checks
all of them (and every photo) before it writes anything, and raises `ReportInvalid` with a
problem word per form field, which the page translates. Photos are cleaned (re-encoded
without their metadata, services/photos.py) before the case is written, so a refused photo
costs no database work. Open311 reports take the same path with their `media`
(multipart files) and `media_url` (kept as a link, never fetched).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from caseflow.domain.errors import InvalidInput
from caseflow.domain.policy import Actor
from caseflow.rules import RuleSet
from caseflow.services import submission
from caseflow.services.attachments import (
    PhotoStore,
    Upload,
    add_link,
    add_report_photos,
    checked_link,
    checked_photos,
    keep_waiting,
)
from caseflow.services.cases import PHONE, PLACE_KINDS, register_case
from caseflow.services.georeport_intake import Filed, park_report
from caseflow.services.photos import PhotoRefused
from caseflow.services.uow import UnitOfWork

# The report form's fields: (form name, where submit_case reads it, longest, required).
FORM_FIELDS = (
    ("unit", ("unit",), 64, True),
    ("category", ("category",), 64, True),
    ("title", ("title",), 200, True),
    ("description", ("description",), 5000, False),
    ("name", ("reporter", "name"), 100, True),
    ("phone", ("reporter", "phone"), 32, True),
)
# submit_case's field names as the form names them.
FORM_NAMES = {"reporter.phone": "phone", "reporter.name": "name", "reporter": "name"}


class ReportInvalid(InvalidInput):
    """Every bad field of a report at once: form field → problem word (required, too_long,
    not_phone, unknown_place, not_a_place, unknown_category, a photo's problem, invalid)."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        field, problem = next(iter(problems.items()))
        super().__init__(field, problem)
        self.problems = dict(problems)


@dataclass(frozen=True)
class ResidentReport:
    """What a resident sent: the grievance (as submit_case takes it) and their photos."""

    raw: Mapping[str, Any]
    photos: Sequence[Upload] = ()


@dataclass(frozen=True)
class Reported:
    """A stored report: its reference, the tracking token (shown once) and its photos."""

    ref: str
    token: str
    token_hash: str
    photo_ids: tuple[int, ...]


def _value(raw: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = raw
    for key in path:
        value = value.get(key, "") if isinstance(value, Mapping) else ""
    return value


def form_problems(uow: UnitOfWork, rules: RuleSet, raw: Mapping[str, Any]) -> dict[str, str]:
    """Each bad field of a grievance with its problem word, in the form's order."""
    problems: dict[str, str] = {}
    for name, path, longest, required in FORM_FIELDS:
        value = _value(raw, path)
        text = value.strip() if isinstance(value, str) else ""
        if required and not text:
            problems[name] = "required"
        elif len(text) > longest:
            problems[name] = "too_long"
    phone = _value(raw, ("reporter", "phone"))
    if "phone" not in problems and not PHONE.match(str(phone).strip()):
        problems["phone"] = "not_phone"
    if "category" not in problems and raw.get("category") not in rules.categories:
        problems["category"] = "unknown_category"
    if "unit" not in problems:
        found = submission.lineage(uow.session, str(raw.get("unit", "")).strip())
        if found is None:
            problems["unit"] = "unknown_place"
        elif found.place.kind not in PLACE_KINDS:
            problems["unit"] = "not_a_place"
    return problems


def report_problem(uow: UnitOfWork, rules: RuleSet, report: ResidentReport, actor: Actor,
                   now: datetime, store: PhotoStore) -> Reported:
    """Check every field and photo, then route and store the case with its photos as one
    transaction; ReportInvalid names every bad field, before anything is written."""
    problems = form_problems(uow, rules, report.raw)
    photos = []
    try:
        photos = checked_photos(report.photos, store.limits, store.per_report, "photos")
    except PhotoRefused as refused:
        problems["photos"] = refused.problem
    if problems:
        raise ReportInvalid(problems)
    try:
        case, token = register_case(uow, rules, report.raw, actor, now)
    except InvalidInput as error:  # what only routing finds (no unit holds the place)
        raise ReportInvalid({FORM_NAMES.get(error.field, error.field): "invalid"}) from None
    attached = add_report_photos(uow.session, case.id, photos, actor.label, now,
                                 store.directory)
    uow.session.flush()  # the photos' ids, for the receipt
    reported = Reported(case.ref, token, case.tracking_token_hash,
                        tuple(a.id for a in attached))
    uow.commit()
    return reported


def file_with_media(uow: UnitOfWork, rules: RuleSet, raw: Mapping[str, Any], actor: Actor,
                    now: datetime, media: Sequence[Upload], media_url: str, store: PhotoStore
                    ) -> Filed:
    """A placed Open311 report as a case with its photos and its media_url link, as one
    transaction; what the client is told back. The photos are checked before any write."""
    photos = checked_photos(media, store.limits, store.per_report, "media")
    link = checked_link(media_url) if media_url else ""
    case, token = register_case(uow, rules, raw, actor, now)
    add_report_photos(uow.session, case.id, photos, actor.label, now, store.directory)
    if link:
        add_link(uow.session, case.id, link, actor.label, now)
    filed = Filed(case.ref, token, case.unit.name, case.state, dict(case.deadlines or {}))
    uow.commit()
    return filed


def park_with_media(uow: UnitOfWork, rules: RuleSet, raw: Mapping[str, Any], address: str,
                    inside: int | None, actor: Actor, now: datetime, media: Sequence[Upload],
                    media_url: str, store: PhotoStore) -> str:
    """An Open311 report nobody could place, kept for a dispatcher with its photos and link
    (attached when it is registered) and committed; the client's token."""
    photos = checked_photos(media, store.limits, store.per_report, "media")
    link = checked_link(media_url) if media_url else ""
    kept = {"photos": keep_waiting(photos, store.directory), "url": link}
    with_media = {**raw, "media": kept} if photos or link else dict(raw)
    return park_report(uow, rules, with_media, address, inside, actor, now)
