"""Opinion campaigns (征求意见): collect, categorise and count residents' opinions, link the
cases spun out of them, and publish a summary.

Seed 001: "讨论会就开了20多次, 收集意见建议200余条". A campaign is run by a unit (a community,
a street, or a complex) over the complexes it covers — one complex, or a project such as an
old-complex renovation covering several. Opinions come by the public web form while it is
open, or are typed in by staff from meetings and the counter. Authors' names and phones are
personal data: shown through `visibility` like reporters', never on the public page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from caseflow.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from caseflow.domain.policy import OUTSIDE, Actor
from caseflow.models import Campaign, Meeting, Opinion, Unit, UnitClosure
from caseflow.models.campaigns import CLOSED, OPEN, PUBLISHED
from caseflow.rules import RuleSet
from caseflow.services.cases import PHONE, register_case
from caseflow.services.deliberation.access import (
    ACTING_ROLES,
    in_area,
    reach_clause,
    works_inside,
)
from caseflow.services.queries import visible_case
from caseflow.services.units import get_unit
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import PUBLIC, Viewer, shown_name, shown_text, viewer_of

CHANNELS = ("web", "meeting", "intake")
STAFF_CHANNELS = ("meeting", "intake")
AREA_KINDS = ("street", "community", "complex")
OTHER = "其他"
LIMITS = {"title": 200, "description": 5000, "text": 2000, "summary": 10000, "topic": 64}


@dataclass(frozen=True)
class CampaignCommand:
    """Open a campaign: who runs it, on what, which complexes, for how long, by which topics."""

    area: str
    title: str
    description: str
    complexes: Sequence[str]
    topics: Sequence[str]
    closes_at: datetime


@dataclass(frozen=True)
class OpinionCommand:
    """One opinion: its topic and text, from which complex, by which channel, and who gave it."""

    topic: str
    text: str
    channel: str
    complex: str = ""
    author_name: str = ""
    author_phone: str = ""
    meeting_id: int | None = None


@dataclass(frozen=True)
class OpinionView:
    """An opinion as the viewer may read it (author masked unless they handle personal data)."""

    id: int
    topic: str
    text: str
    channel: str
    complex_name: str
    author: str
    case_ref: str | None
    meeting_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class CampaignView:
    """A campaign with its counts: by topic, by topic and channel, by complex."""

    id: int
    title: str
    description: str
    area_code: str
    area_name: str
    status: str
    opens_at: datetime
    closes_at: datetime
    topics: list[str]
    complexes: list[tuple[str, str]]
    total: int
    by_topic: dict[str, int]
    by_channel: dict[str, dict[str, int]]
    by_complex: dict[str, int]
    cases: int
    summary: str
    published_at: datetime | None
    may_run: bool = False
    opinions: list[OpinionView] = field(default_factory=list)


def _text(value: str, name: str, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(name, "is required")
    if len(text) > LIMITS[name]:
        raise InvalidInput(name, f"must be at most {LIMITS[name]} characters")
    return text


def _may_run(uow: UnitOfWork, viewer: Viewer, campaign: Campaign) -> bool:
    if viewer.sees_everything:
        return True
    roles = ACTING_ROLES | {"dispatcher"}
    return viewer.role in roles and in_area(uow.session, viewer, campaign.area_id)


def _complexes(uow: UnitOfWork, area: Unit, codes: Sequence[str]) -> list[int]:
    """The complexes named, each inside the running unit's area (or the area itself)."""
    if not codes and area.kind == "complex":
        return [area.id]
    if not codes:
        raise InvalidInput("complexes", "name at least one residential complex")
    ids = []
    for code in dict.fromkeys(c.strip() for c in codes if c.strip()):
        unit = get_unit(uow.session, code)
        inside = uow.session.scalar(select(func.count()).select_from(UnitClosure).where(
            UnitClosure.ancestor_id == area.id, UnitClosure.descendant_id == unit.id))
        if unit.kind != "complex" or not inside:
            raise InvalidInput("complexes", f"{code} is not a complex of {area.name}")
        ids.append(unit.id)
    return ids


def areas_for(uow: UnitOfWork, viewer: Viewer) -> list[tuple[str, str]]:
    """(code, name) of the streets, communities and complexes where the viewer may open a
    campaign: their area's, or every one for an administrator."""
    who = viewer_of(viewer)
    query = select(Unit.code, Unit.name).where(Unit.kind.in_(AREA_KINDS))
    if not who.sees_everything:
        if who.role not in ACTING_ROLES | {"dispatcher"} or not who.units:
            return []
        query = query.where(Unit.id.in_(select(UnitClosure.descendant_id).where(
            UnitClosure.ancestor_id.in_(who.units))))
    return [(code, name) for code, name in uow.session.execute(query.order_by(Unit.code))]


def open_campaign(uow: UnitOfWork, viewer: Viewer, now: datetime,
                  command: CampaignCommand) -> int:
    """Open a campaign now, until `closes_at`. Commits; returns its id."""
    who = viewer_of(viewer)
    area = get_unit(uow.session, command.area)
    if area.kind not in AREA_KINDS:
        raise InvalidInput("area", "must be a street, a community or a residential complex")
    probe = Campaign(area_id=area.id)
    if not _may_run(uow, who, probe):
        raise PermissionDenied("only staff of this area open its campaigns")
    topics = [_text(t, "topic") for t in dict.fromkeys(command.topics) if t.strip()]
    if not topics:
        raise InvalidInput("topics", "name at least one topic")
    if command.closes_at <= now:
        raise InvalidInput("closes_at", "must be in the future")
    campaign = Campaign(
        area_id=area.id, title=_text(command.title, "title"),
        description=_text(command.description, "description", required=False),
        topics=[*topics, *([OTHER] if OTHER not in topics else [])],
        complex_ids=_complexes(uow, area, command.complexes), status=OPEN, opens_at=now,
        closes_at=command.closes_at, summary="", created_by_id=who.id or None, created_at=now,
    )
    uow.session.add(campaign)
    uow.commit()
    return campaign.id


def _campaign(uow: UnitOfWork, campaign_id: int) -> Campaign:
    campaign = uow.session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(f"campaign {campaign_id}")
    return campaign


def _reaches(uow: UnitOfWork, viewer: Viewer, campaign: Campaign) -> bool:
    """The running unit and those above it, and the staff of a complex it covers."""
    return (viewer.sees_everything or in_area(uow.session, viewer, campaign.area_id)
            or any(works_inside(uow.session, viewer, c) for c in campaign.complex_ids))


def _reached(uow: UnitOfWork, viewer: Viewer, campaign_id: int) -> Campaign:
    campaign = _campaign(uow, campaign_id)
    if not _reaches(uow, viewer, campaign):
        raise PermissionDenied(f"campaign {campaign_id} lies outside your area")
    return campaign


def _complex_of(uow: UnitOfWork, campaign: Campaign, code: str) -> int | None:
    if not code.strip():
        return campaign.complex_ids[0] if len(campaign.complex_ids) == 1 else None
    unit = uow.session.scalar(select(Unit).where(Unit.code == code.strip()))
    if unit is None or unit.id not in campaign.complex_ids:
        raise InvalidInput("complex", "is not one of the campaign's complexes")
    return unit.id


def give_opinion(uow: UnitOfWork, viewer: Viewer, now: datetime, campaign_id: int,
                 command: OpinionCommand) -> int:
    """Add one opinion while the campaign is open: residents by the web form, staff of its
    area from a meeting or the counter. Commits; returns its id."""
    who = viewer_of(viewer)
    campaign = _campaign(uow, campaign_id)
    if campaign.status != OPEN or now >= campaign.closes_at:
        raise Conflict("this campaign no longer collects opinions")
    staff = who.is_staff
    if staff and not _may_run(uow, who, campaign):
        raise PermissionDenied("only staff of this campaign's area record opinions")
    channel = command.channel if staff else "web"
    if channel not in (STAFF_CHANNELS if staff else ("web",)):
        raise InvalidInput("channel", f"must be one of {', '.join(STAFF_CHANNELS)}")
    if command.topic not in campaign.topics:
        raise InvalidInput("topic", "choose one of the campaign's topics")
    phone = command.author_phone.strip()
    if phone and not PHONE.match(phone):
        raise InvalidInput("author_phone", "is not a phone number")
    meeting_id = command.meeting_id if staff else None
    if meeting_id is not None and uow.session.get(Meeting, meeting_id) is None:
        raise InvalidInput("meeting_id", "no such meeting")
    opinion = Opinion(
        campaign_id=campaign.id, complex_id=_complex_of(uow, campaign, command.complex),
        channel=channel, topic=command.topic, text=_text(command.text, "text"),
        author_name=command.author_name.strip()[:100], author_phone=phone,
        meeting_id=meeting_id, created_by_id=who.id if staff else None, created_at=now,
    )
    uow.session.add(opinion)
    uow.commit()
    return opinion.id


def spin_out_case(uow: UnitOfWork, rules: RuleSet, viewer: Viewer, now: datetime,
                  opinion_id: int, category: str, case_ref: str = "") -> str:
    """Link an opinion to a case: an existing one by reference, or a new case registered
    from it (at its complex, in the given category). One transaction; returns the ref."""
    who = viewer_of(viewer)
    opinion = uow.session.get(Opinion, opinion_id)
    if opinion is None:
        raise NotFound(f"opinion {opinion_id}")
    campaign = _campaign(uow, opinion.campaign_id)
    if not _may_run(uow, who, campaign):
        raise PermissionDenied("only staff of this campaign's area turn opinions into cases")
    if opinion.case_id is not None:
        raise Conflict("this opinion already has a case")
    if case_ref.strip():
        case = visible_case(uow, who, case_ref.strip())
    else:
        case = _register(uow, rules, who, now, opinion, campaign, category)
    opinion.case_id = case.id
    uow.commit()
    return case.ref


def _register(uow: UnitOfWork, rules: RuleSet, who: Viewer, now: datetime, opinion: Opinion,
              campaign: Campaign, category: str) -> Any:
    if opinion.complex_id is None:
        raise InvalidInput("complex", "the opinion names no complex to register a case at")
    if not opinion.author_phone:
        raise InvalidInput("author_phone", "a new case needs its author's phone; link an "
                                           "existing case instead")
    place = uow.session.get_one(Unit, opinion.complex_id)
    raw = {
        "title": f"{campaign.title}：{opinion.topic}"[:200], "description": opinion.text,
        "category": category, "unit": place.code, "channel": "walk_in",
        "reporter": {"name": opinion.author_name or "—", "phone": opinion.author_phone},
        "tags": ["campaign"],
    }
    actor = Actor(role=who.role, relation=OUTSIDE, user_id=who.id or None, label=who.username)
    case, _token = register_case(uow, rules, raw, actor, now)
    return case


def close_campaign(uow: UnitOfWork, viewer: Viewer, now: datetime, campaign_id: int,
                   summary: str, publish: bool) -> None:
    """Stop collecting; with `publish`, put the summary and counts on the public page.
    Commits."""
    who = viewer_of(viewer)
    campaign = _campaign(uow, campaign_id)
    if not _may_run(uow, who, campaign):
        raise PermissionDenied("only staff of this campaign's area close it")
    if campaign.status == PUBLISHED:
        raise Conflict("this campaign's summary is already published")
    text = _text(summary, "summary", required=publish)
    campaign.summary = text
    campaign.status = PUBLISHED if publish else CLOSED
    campaign.closes_at = min(campaign.closes_at, now)
    if publish:
        campaign.published_at = now
    uow.commit()


def _counts(uow: UnitOfWork, campaign: Campaign) -> dict[str, Any]:
    rows = uow.session.execute(
        select(Opinion.topic, Opinion.channel, Opinion.complex_id, Opinion.case_id.is_not(None),
               func.count())
        .where(Opinion.campaign_id == campaign.id)
        .group_by(Opinion.topic, Opinion.channel, Opinion.complex_id,
                  Opinion.case_id.is_not(None))).all()
    units = {i: (code, name) for i, code, name in uow.session.execute(
        select(Unit.id, Unit.code, Unit.name).where(Unit.id.in_(campaign.complex_ids)))}
    names = {i: name for i, (_, name) in units.items()}
    by_topic: Counter[str] = Counter({t: 0 for t in campaign.topics})
    by_channel: dict[str, dict[str, int]] = {t: dict.fromkeys(CHANNELS, 0)
                                             for t in campaign.topics}
    by_complex: Counter[str] = Counter()
    cases = 0
    for topic, channel, complex_id, linked, n in rows:
        by_topic[topic] += n
        by_channel.setdefault(topic, dict.fromkeys(CHANNELS, 0))[channel] += n
        by_complex[names.get(complex_id, "—") if complex_id is not None else "—"] += n
        cases += n if linked else 0
    return {"total": sum(by_topic.values()), "by_topic": dict(by_topic.most_common()),
            "by_channel": by_channel, "by_complex": dict(by_complex.most_common()),
            "cases": cases, "complexes": [units.get(i, ("", "")) for i in campaign.complex_ids]}


def _view(uow: UnitOfWork, campaign: Campaign, viewer: Viewer, opinions: bool) -> CampaignView:
    counts = _counts(uow, campaign)
    return CampaignView(
        id=campaign.id, title=campaign.title, description=campaign.description,
        area_code=campaign.area.code, area_name=campaign.area.name, status=campaign.status,
        opens_at=campaign.opens_at, closes_at=campaign.closes_at, topics=list(campaign.topics),
        summary=campaign.summary, published_at=campaign.published_at,
        may_run=viewer.is_staff and _may_run(uow, viewer, campaign),
        opinions=_opinions(uow, campaign, viewer) if opinions else [], **counts,
    )


def _opinions(uow: UnitOfWork, campaign: Campaign, viewer: Viewer) -> list[OpinionView]:
    rows = uow.session.scalars(select(Opinion).where(Opinion.campaign_id == campaign.id)
                               .order_by(Opinion.created_at.desc(), Opinion.id.desc())).unique()
    return [OpinionView(
        id=o.id, topic=o.topic, text=shown_text(o.text, viewer), channel=o.channel,
        complex_name=o.complex.name if o.complex else "",
        author=shown_name(o.author_name, viewer) if o.author_name else "",
        case_ref=o.case.ref if o.case else None, meeting_id=o.meeting_id,
        created_at=o.created_at) for o in rows]


def campaign_for(uow: UnitOfWork, viewer: Viewer, campaign_id: int) -> CampaignView:
    """A campaign with its counts and opinions, for staff who reach it."""
    who = viewer_of(viewer)
    return _view(uow, _reached(uow, who, campaign_id), who, opinions=True)


def campaigns_for(uow: UnitOfWork, viewer: Viewer) -> list[CampaignView]:
    """The campaigns the viewer reaches (run in their area or covering the complex they work
    in), newest first, with counts only."""
    who = viewer_of(viewer)
    query = select(Campaign).order_by(Campaign.opens_at.desc(), Campaign.id.desc())
    clause = reach_clause(who, Campaign.area_id)
    if clause is not None:
        query = query.where(clause)
    return [_view(uow, c, who, opinions=False) for c in uow.session.scalars(query).unique()
            if _reaches(uow, who, c)]


def public_campaign(uow: UnitOfWork, now: datetime, campaign_id: int) -> CampaignView:
    """What everyone sees: an open campaign's call, or a published one's summary and counts
    (never opinions' authors or texts)."""
    campaign = _campaign(uow, campaign_id)
    if campaign.status == CLOSED:
        raise NotFound(f"campaign {campaign_id}")
    return _view(uow, campaign, PUBLIC, opinions=False)


def public_campaigns(uow: UnitOfWork, now: datetime) -> list[CampaignView]:
    """Open and published campaigns, newest first."""
    query = (select(Campaign).where(Campaign.status.in_((OPEN, PUBLISHED)))
             .order_by(Campaign.opens_at.desc(), Campaign.id.desc()).limit(50))
    return [_view(uow, c, PUBLIC, opinions=False) for c in uow.session.scalars(query).unique()]
