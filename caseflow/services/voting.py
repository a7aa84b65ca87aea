"""Owners' votes: the ballot list, ballots, closing with the count, and the public notice.

One ballot per owner per vote: `cast_ballot` refuses a second ballot from the same owner
(double voting); `change_ballot` replaces an owner's ballot while the vote is open and keeps
the earlier choice in its history. Once closed, the result is frozen and every ballot stays
as it was. A unique key on (vote, voter) keeps this true even for racing clerks.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import delete, exists, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from caseflow.domain import voting
from caseflow.domain.errors import Conflict, InvalidInput, NotFound
from caseflow.models import Ballot, ExclusivePart, Meeting, Vote
from caseflow.models.voting import CLOSED, OPEN
from caseflow.rules import RuleSet
from caseflow.services.meetings import MAX_ID, get_complex, notice_days, require_complex_staff
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import Viewer

CSV_COLUMNS = ("code", "area", "owner_names", "owner_key", "developer_unsold")
MAX_AREA = Decimal("1000000")  # m² of one exclusive part; anything above is a typo
MAX_FUND = Decimal("10000000000")  # yuan
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "是"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "n", "否"})
# Civil Code art. 278, used when voting.yaml is absent.
DEFAULT_RULES: Mapping[str, Any] = {
    "participation": {"area": "2/3", "owners": "2/3", "inclusive": True},
    "thresholds": {
        "ordinary": {"area": "1/2", "owners": "1/2", "inclusive": False},
        "major": {"area": "3/4", "owners": "3/4", "inclusive": True},
    },
    "matters": {},
}


def decode_csv(data: bytes) -> str:
    """Uploaded bytes as text: UTF-8, with or without the BOM Excel writes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("file", "save the CSV as UTF-8 (Excel: CSV UTF-8)") from None


def parse_ballot_csv(text: str) -> list[dict[str, Any]]:
    """Rows of a ballot-list CSV (CSV_COLUMNS, header required; see docs/voting.md)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))  # Excel writes a BOM
    try:
        header, rows = reader.fieldnames or (), [dict(row) for row in reader]
    except csv.Error as error:
        raise InvalidInput("file", f"not a readable CSV: {error}") from None
    missing = [c for c in ("code", "area", "owner_key") if c not in header]
    if missing:
        raise InvalidInput("file", f"the header lacks {', '.join(missing)}")
    return rows


def _part(raw: Mapping[str, Any], number: int) -> dict[str, Any]:
    """One validated row: area to exact hundredths, the unsold flag as a bool."""
    if not isinstance(raw, Mapping):
        raise InvalidInput("parts", f"row {number} must be a mapping of the CSV columns")
    code = _short(raw.get("code"), f"row {number} code", 64)
    unsold_text = str(raw.get("developer_unsold") or "").strip().lower()
    if unsold_text not in TRUE_WORDS | FALSE_WORDS:
        raise InvalidInput("developer_unsold", f"row {number}: write yes or no")
    unsold = unsold_text in TRUE_WORDS
    key = _short(raw.get("owner_key"), f"row {number} owner_key", 64)
    key = key or (voting.DEVELOPER if unsold else "")
    if not code or not key:
        raise InvalidInput("parts", f"row {number}: code and owner_key are required")
    return {
        "code": code,
        "area_hundredths": _hundredths(raw.get("area"), f"row {number} area", MAX_AREA),
        "owner_names": _short(raw.get("owner_names"), f"row {number} owner_names", 200),
        "owner_key": key,
        "developer_unsold": unsold,
    }


def _short(value: Any, field: str, limit: int) -> str:
    """Text of at most `limit` characters (the column's width)."""
    text = str(value if value is not None else "").strip()
    if len(text) > limit:
        raise InvalidInput(field, f"must be at most {limit} characters")
    return text


def _hundredths(value: Any, field: str, limit: Decimal, allow_zero: bool = False) -> int:
    """A decimal amount (m² or yuan) with at most two decimals, as whole hundredths."""
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidInput(field, f"not a number: {value!r}") from None
    if amount.is_finite() and amount > limit:
        raise InvalidInput(field, f"must be at most {limit}")
    scaled = amount * 100
    if not amount.is_finite() or scaled != scaled.to_integral_value():
        raise InvalidInput(field, "use a number with at most two decimals")
    if amount < 0 or (amount == 0 and not allow_zero):
        raise InvalidInput(field, "must be above zero")
    return int(scaled)


def import_ballot_list(
    uow: UnitOfWork, actor: Viewer | None, complex_code: str, rows: Iterable[Mapping[str, Any]]
) -> int:
    """Replace the complex's ballot list with `rows`; refused while one of its votes is open."""
    session = uow.session
    complex_unit = get_complex(session, complex_code)
    require_complex_staff(session, actor, complex_unit)
    parts = [_part(row, number) for number, row in enumerate(rows, start=1)]
    codes = [p["code"] for p in parts]
    if len(set(codes)) != len(codes):
        raise InvalidInput("parts", "an exclusive part is listed twice")
    if not parts:
        raise InvalidInput("parts", "the ballot list is empty")
    if session.scalar(
        select(exists().where(Vote.complex_id == complex_unit.id, Vote.status == OPEN))
    ):
        raise Conflict("a vote is open on this complex; close it before changing the list")
    session.execute(delete(ExclusivePart).where(ExclusivePart.complex_id == complex_unit.id))
    session.execute(insert(ExclusivePart), [{**p, "complex_id": complex_unit.id} for p in parts])
    uow.commit()
    return len(parts)


def ballot_list(session: Session, complex_id: int) -> list[ExclusivePart]:
    """The exclusive parts of a complex, by code."""
    return list(
        session.scalars(
            select(ExclusivePart)
            .where(ExclusivePart.complex_id == complex_id)
            .order_by(ExclusivePart.code)
        )
    )


def voting_rules(rules: RuleSet) -> Mapping[str, Any]:
    """voting.yaml, or the Civil Code defaults when it is absent."""
    return rules.voting if rules.voting.get("thresholds") else DEFAULT_RULES


def create_vote(
    uow: UnitOfWork,
    rules: RuleSet,
    actor: Viewer,
    now: datetime,
    complex_code: str,
    title: str,
    matter: str,
    fund_amount: Any = None,
    meeting_id: int | None = None,
    closes_at: datetime | None = None,
) -> Vote:
    """Open a vote on a matter; its threshold comes from voting.yaml `matters`; commits."""
    session = uow.session
    complex_unit = get_complex(session, complex_code)
    require_complex_staff(session, actor, complex_unit)
    config = voting_rules(rules)
    matters = config.get("matters") or {}
    if matters and matter not in matters:
        raise InvalidInput("matter", f"must be one of {', '.join(matters)}")
    threshold = (matters.get(matter) or {}).get("threshold", "ordinary")
    if not _short(title, "title", 200):
        raise InvalidInput("title", "is required")
    _short(matter, "matter", 64)
    if not ballot_list(session, complex_unit.id):
        raise Conflict("import the complex's ballot list before opening a vote")
    if closes_at is not None and closes_at.tzinfo is not None and closes_at <= now:
        raise InvalidInput("closes_at", "must be after the opening time (now)")
    if meeting_id is not None and session.get(Meeting, meeting_id) is None:
        raise InvalidInput("meeting_id", f"unknown meeting {meeting_id}")
    vote = Vote(
        complex=complex_unit,
        meeting_id=meeting_id,
        title=title.strip(),
        matter=matter,
        threshold=threshold,
        status=OPEN,
        ballots_cast=0,
        opened_at=now,
        closes_at=closes_at,
        result={},
        rules_version=rules.version,
        created_by_id=actor.id,
        fund_fen=None
        if fund_amount in (None, "")
        else _hundredths(fund_amount, "fund_amount", MAX_FUND, allow_zero=True),
    )
    session.add(vote)
    uow.commit()
    return vote


def get_vote(session: Session, vote_id: int) -> Vote:
    """The vote with this id, or NotFound."""
    vote = session.get(Vote, vote_id) if 0 < vote_id < MAX_ID else None
    if vote is None:
        raise NotFound(f"vote {vote_id}")
    return vote


def ballots_of(session: Session, vote_id: int) -> list[Ballot]:
    """The ballots of a vote, by voter."""
    return list(
        session.scalars(select(Ballot).where(Ballot.vote_id == vote_id).order_by(Ballot.voter_key))
    )


def _voter(session: Session, vote: Vote, who: str) -> str:
    """The voter key for a part code or an owner key on the complex's list."""
    who = who.strip()
    parts = ballot_list(session, vote.complex_id)
    for part in parts:
        if who == part.code:
            return voting.DEVELOPER if part.developer_unsold else part.owner_key
    if any(who == (voting.DEVELOPER if p.developer_unsold else p.owner_key) for p in parts):
        return who
    raise InvalidInput("voter", f"{who!r} is neither a part nor an owner on the ballot list")


def _open_vote(session: Session, actor: Viewer, vote_id: int, now: datetime) -> Vote:
    vote = get_vote(session, vote_id)
    require_complex_staff(session, actor, vote.complex)
    if vote.status != OPEN:
        raise Conflict("the vote is closed; its ballots can no longer change")
    if vote.closes_at is not None and now >= vote.closes_at:
        raise Conflict("voting time is over; close the vote to count it")
    return vote


def _ballot_fields(choice: str, channel: str, proxy_holder: str) -> dict[str, str]:
    if choice not in voting.CHOICES:
        raise InvalidInput("choice", f"must be one of {', '.join(voting.CHOICES)}")
    if channel not in voting.CHANNELS:
        raise InvalidInput("channel", f"must be one of {', '.join(voting.CHANNELS)}")
    holder = _short(proxy_holder, "proxy_holder", 100)
    if (channel == "proxy") != bool(holder):
        raise InvalidInput("proxy_holder", "name the proxy holder for, and only for, proxies")
    return {"choice": choice, "channel": channel, "proxy_holder": holder}


def cast_ballot(
    uow: UnitOfWork,
    actor: Viewer,
    now: datetime,
    vote_id: int,
    voter: str,
    choice: str,
    channel: str = "in_person",
    proxy_holder: str = "",
) -> Ballot:
    """Record an owner's first ballot; a second one is refused (use change_ballot); commits."""
    session = uow.session
    vote = _open_vote(session, actor, vote_id, now)
    key = _voter(session, vote, voter)
    if session.scalar(select(Ballot.id).where(Ballot.vote_id == vote.id, Ballot.voter_key == key)):
        raise Conflict(f"{key} has already voted; change the ballot instead")
    ballot = Ballot(
        vote_id=vote.id,
        voter_key=key,
        recorded_by_id=actor.id,
        cast_at=now,
        history=[],
        **_ballot_fields(choice, channel, proxy_holder),
    )
    session.add(ballot)
    vote.ballots_cast += 1  # touches the vote row so a racing close conflicts
    _commit(uow, f"{key} has already voted; change the ballot instead")
    return ballot


def change_ballot(
    uow: UnitOfWork,
    actor: Viewer,
    now: datetime,
    vote_id: int,
    voter: str,
    choice: str,
    channel: str = "in_person",
    proxy_holder: str = "",
) -> Ballot:
    """Replace an owner's ballot while the vote is open, keeping the earlier one; commits."""
    session = uow.session
    vote = _open_vote(session, actor, vote_id, now)
    key = _voter(session, vote, voter)
    ballot = session.scalar(
        select(Ballot).where(Ballot.vote_id == vote.id, Ballot.voter_key == key)
    )
    if ballot is None:
        raise NotFound(f"ballot of {key}")
    earlier = {
        "choice": ballot.choice,
        "channel": ballot.channel,
        "proxy_holder": ballot.proxy_holder,
        "at": (ballot.changed_at or ballot.cast_at).isoformat(),
    }
    for name, value in _ballot_fields(choice, channel, proxy_holder).items():
        setattr(ballot, name, value)
    ballot.history = [*ballot.history, earlier]
    ballot.changed_at, ballot.recorded_by_id = now, actor.id
    # An UPDATE of the vote row with its version check, though no count moved: a racing
    # close then fails one of the two commits instead of counting a stale choice.
    flag_modified(vote, "ballots_cast")
    _commit(uow, "the ballot changed meanwhile; reload and try again")
    return ballot


def _commit(uow: UnitOfWork, message: str) -> None:
    """Commit; a unique-key or version clash means someone else got there first."""
    try:
        uow.commit()
    except (IntegrityError, StaleDataError):
        uow.session.rollback()
        raise Conflict(message) from None


def count(session: Session, rules: RuleSet, vote: Vote) -> voting.Tally:
    """Count a vote's ballots against its thresholds as they stand now."""
    config = voting_rules(rules)
    parts = [
        voting.Part(p.code, p.area, p.owner_key, p.developer_unsold)
        for p in ballot_list(session, vote.complex_id)
    ]
    ballots = {b.voter_key: b.choice for b in ballots_of(session, vote.id)}
    participation = voting.threshold_from("participation", config["participation"])
    passing = voting.threshold_from(vote.threshold, config["thresholds"][vote.threshold])
    return voting.tally(parts, ballots, participation, passing)


def close_vote(
    uow: UnitOfWork, rules: RuleSet, actor: Viewer | None, now: datetime, vote_id: int
) -> Vote:
    """Close the vote, freeze its counted result and publish it (公示); commits.

    `actor` None is the system closing a vote whose `closes_at` has passed.
    """
    session = uow.session
    vote = get_vote(session, vote_id)
    require_complex_staff(session, actor, vote.complex)
    if vote.status != OPEN:
        raise Conflict("the vote is already closed")
    vote.result = count(session, rules, vote).to_dict()
    vote.status, vote.closed_at = CLOSED, now
    vote.notice_until = now + timedelta(days=notice_days(voting_rules(rules)))
    _commit(uow, "a ballot arrived while closing; close again")
    return vote


def close_due_votes(uow_factory: Callable[[], UnitOfWork], rules: RuleSet, now: datetime) -> int:
    """Close every open vote whose `closes_at` has passed, one transaction each (for sweeps).

    A vote another worker closed first is skipped, so running this twice closes nothing twice.
    """
    with uow_factory() as uow:
        due = list(
            uow.session.scalars(select(Vote.id).where(Vote.status == OPEN, Vote.closes_at <= now))
        )
    closed = 0
    for vote_id in due:
        with uow_factory() as uow:
            try:
                close_vote(uow, rules, None, now, vote_id)
                closed += 1
            except Conflict:
                continue  # closed meanwhile by a clerk or another worker
    return closed


def vote_result(uow: UnitOfWork, rules: RuleSet, vote_id: int) -> dict[str, Any]:
    """The frozen result of a closed vote, or the running count of an open one."""
    vote = get_vote(uow.session, vote_id)
    if vote.status == CLOSED:
        return {**vote.result, "final": True}
    return {**count(uow.session, rules, vote).to_dict(), "final": False}
