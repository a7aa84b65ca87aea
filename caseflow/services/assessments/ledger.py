"""双晒 (seed 004): a complex's accounts shown publicly. The owners' committee or 物管会 keeps
the ledger (income and expense lines with a voucher) and writes the month's service report;
publishing a month puts both on the notice board and freezes its totals. An expense line may
cite the owners' vote that approved the spending; the vote's page lists what was spent."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select

from caseflow.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from caseflow.models import LedgerLine, MonthlyAccount, Unit, Vote
from caseflow.services.attachments import SAFE_NAME
from caseflow.services.deliberation.access import may_act_for_complex
from caseflow.services.photos import PhotoLimits, clean_photo
from caseflow.services.units import get_unit
from caseflow.services.uow import UnitOfWork
from caseflow.services.visibility import Viewer, shown_text

KINDS = ("income", "expense")
MAX_AMOUNT = Decimal("100000000")  # ¥100 million: a typo, not a complex's month


@dataclass(frozen=True)
class LineEntry:
    """One ledger line as typed in; the voucher is the uploaded file's name and bytes."""

    complex_code: str
    kind: str
    category: str
    amount: str
    on_date: str
    description: str = ""
    vote_id: int | None = None
    voucher_name: str = ""
    voucher: bytes = b""


@dataclass(frozen=True)
class LineView:
    """A ledger line as shown."""

    id: int
    kind: str
    category: str
    amount: Decimal
    on_date: date
    description: str
    vote_id: int | None
    has_voucher: bool


@dataclass(frozen=True)
class MonthView:
    """A complex's month: its lines, totals, service report and the 酬金制 figures."""

    complex_code: str
    complex_name: str
    month: str
    lines: list[LineView]
    totals: Mapping[str, Any]
    service_report: str
    published: bool


# A photographed receipt is cleaned like a resident's photo: vouchers are public with their
# month, and a phone's photo carries where it was taken.
VOUCHER_PIXELS = 50_000_000


def _checked(data: bytes, max_bytes: int) -> tuple[str, str, bytes]:
    """(content type, extension, bytes to keep): a PDF as sent, a photo re-encoded."""
    if data.startswith(b"%PDF-"):
        return "application/pdf", "pdf", data
    try:
        photo = clean_photo(data, PhotoLimits(max_bytes, VOUCHER_PIXELS), "voucher")
    except InvalidInput:
        raise InvalidInput("voucher", "must be a PDF or a JPEG, PNG or WebP image") from None
    return photo.content_type, photo.extension, photo.content


def _amount(text: str) -> int:
    """Yuan with at most two decimals, as fen."""
    try:
        value = Decimal(str(text).strip().replace(",", ""))
    except InvalidOperation:
        raise InvalidInput("amount", "must be an amount in yuan, e.g. 1280.50") from None
    if not value.is_finite() or value <= 0 or value >= MAX_AMOUNT:
        raise InvalidInput("amount", "must be more than 0 and less than 100,000,000")
    if value != value.quantize(Decimal("0.01")):
        raise InvalidInput("amount", "has at most two decimals (fen)")
    return int(value * 100)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise InvalidInput("on_date", "must be a date, YYYY-MM-DD") from None


def _month(text: str) -> str:
    try:
        return date.fromisoformat(f"{str(text).strip()}-01").strftime("%Y-%m")
    except ValueError:
        raise InvalidInput("month", "must be a month, YYYY-MM") from None


def _keeper(uow: UnitOfWork, viewer: Viewer | None, complex_code: str) -> Unit:
    complex_ = get_unit(uow.session, complex_code)
    if complex_.kind != "complex":
        raise InvalidInput("complex", "accounts are kept per complex")
    if not may_act_for_complex(uow.session, viewer, complex_.id):
        raise PermissionDenied("the accounts are kept by the complex's owners' committee")
    return complex_


def _published(uow: UnitOfWork, complex_id: int, month: str) -> MonthlyAccount | None:
    return uow.session.scalar(select(MonthlyAccount).where(
        MonthlyAccount.complex_id == complex_id, MonthlyAccount.month == month,
        MonthlyAccount.published_at.isnot(None)))


def _cited_vote(uow: UnitOfWork, complex_id: int, kind: str, vote_id: int | None) -> int | None:
    """The vote a spending line cites: a closed, passed vote of the same complex."""
    if vote_id is None:
        return None
    vote = uow.session.get(Vote, vote_id) if 0 < vote_id < 2**31 else None
    if vote is None or vote.complex_id != complex_id:
        raise InvalidInput("vote", "no vote of this complex has this number")
    if kind != "expense":
        raise InvalidInput("vote", "only a spending line cites the vote that approved it")
    if vote.status != "closed" or not vote.result.get("passed"):
        raise InvalidInput("vote", "the vote has not approved anything (open or not passed)")
    return vote.id


def _store_voucher(directory: Path | None, complex_id: int, name: str, data: bytes,
                   max_bytes: int) -> tuple[str, str, str]:
    """(file name, content type, stored path) of a checked voucher, or empty ones."""
    if not data:
        return "", "", ""
    if directory is None:
        raise InvalidInput("voucher", "vouchers are uploaded on the ledger page")
    if len(data) > max_bytes:
        raise InvalidInput("voucher", f"is larger than the limit of {max_bytes} bytes")
    content_type, extension, kept = _checked(data, max_bytes)
    target = directory / str(complex_id) / f"{hashlib.sha256(kept).hexdigest()}.{extension}"
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        target.write_bytes(kept)
    return (SAFE_NAME.sub("_", name) or "voucher")[-200:], content_type, str(target)


def add_line(uow: UnitOfWork, settings: Mapping[str, Any], viewer: Viewer | None,
             entry: LineEntry, now: datetime, directory: Path | None = None,
             max_bytes: int = 0) -> int:
    """Add a line to an unpublished month of the complex's ledger; commits."""
    complex_ = _keeper(uow, viewer, entry.complex_code)
    accounts = settings.get("accounts") or {}
    if entry.kind not in KINDS:
        raise InvalidInput("kind", "must be income or expense")
    if entry.category not in (accounts.get(entry.kind) or ()):
        raise InvalidInput("category", f"is not an {entry.kind} category of ratings.yaml")
    fen, on_date = _amount(entry.amount), _date(entry.on_date)
    month = on_date.strftime("%Y-%m")
    if _published(uow, complex_.id, month):
        raise Conflict(f"{month} is published; its accounts are closed")
    vote_id = _cited_vote(uow, complex_.id, entry.kind, entry.vote_id)
    description = (entry.description or "").strip()
    if len(description) > 200:
        raise InvalidInput("description", "is at most 200 characters")
    name, kind, path = _store_voucher(directory, complex_.id, entry.voucher_name,
                                      entry.voucher, max_bytes)
    line = LedgerLine(complex_id=complex_.id, kind=entry.kind, category=entry.category,
                      amount_fen=fen, on_date=on_date, month=month, description=description,
                      vote_id=vote_id, voucher_name=name, voucher_type=kind, voucher_path=path,
                      entered_by_id=None if viewer is None else viewer.id, entered_at=now)
    uow.session.add(line)
    uow.commit()
    return line.id


def _account(uow: UnitOfWork, complex_id: int, month: str) -> MonthlyAccount:
    account = uow.session.scalar(select(MonthlyAccount).where(
        MonthlyAccount.complex_id == complex_id, MonthlyAccount.month == month))
    if account is None:
        account = MonthlyAccount(complex_id=complex_id, month=month, service_report="",
                                 totals={})
        uow.session.add(account)
    return account


def write_service_report(uow: UnitOfWork, viewer: Viewer | None, complex_code: str,
                         month: str, text: str) -> None:
    """The month's service report (what was done, by whom, what is pending); commits."""
    complex_ = _keeper(uow, viewer, complex_code)
    month = _month(month)
    text = (text or "").strip()
    if not text or len(text) > 20000:
        raise InvalidInput("service_report", "is required (at most 20,000 characters)")
    account = _account(uow, complex_.id, month)
    if account.published_at is not None:
        raise Conflict(f"{month} is published; its report is closed")
    account.service_report = text
    uow.commit()


def _lines(uow: UnitOfWork, complex_id: int, month: str) -> list[LedgerLine]:
    return list(uow.session.scalars(
        select(LedgerLine).where(LedgerLine.complex_id == complex_id, LedgerLine.month == month)
        .order_by(LedgerLine.on_date, LedgerLine.id)))


def totals_of(lines: list[LedgerLine], settings: Mapping[str, Any],
              ratio: float | None) -> dict[str, Any]:
    """Income and expense by category, balance, and the 酬金制 figures when a ratio is set
    (amounts as strings of yuan: JSON keeps them exact)."""
    by: dict[str, dict[str, int]] = {"income": {}, "expense": {}}
    for line in lines:
        by[line.kind][line.category] = by[line.kind].get(line.category, 0) + line.amount_fen
    income, expense = sum(by["income"].values()), sum(by["expense"].values())

    def yuan(fen: int) -> str:
        return str(Decimal(fen).scaleb(-2).quantize(Decimal("0.01")))

    totals: dict[str, Any] = {
        "income": yuan(income), "expense": yuan(expense), "balance": yuan(income - expense),
        "by_category": {kind: {c: yuan(v) for c, v in sorted(cats.items())}
                        for kind, cats in by.items()},
    }
    pay = (settings.get("accounts") or {}).get("remuneration") or {}
    if ratio is not None and pay:
        base = sum(by["income"].get(c, 0) for c in pay.get("base") or ())
        paid = by["expense"].get(str(pay.get("category")), 0)
        totals["remuneration"] = {
            "agreed_ratio": ratio, "base": yuan(base),
            "agreed": yuan(round(base * ratio)), "paid": yuan(paid),
            "paid_ratio": round(paid / base, 4) if base else None,
        }
    return totals


def _ratio(complex_: Unit) -> float | None:
    value = (complex_.attrs or {}).get("remuneration_ratio")
    return float(value) if isinstance(value, int | float) and 0 < value < 1 else None


def set_remuneration_ratio(uow: UnitOfWork, viewer: Viewer | None, complex_code: str,
                           ratio: float | None) -> None:
    """酬金制: the agreed share of the property fees paid to the company (None: 包干制)."""
    complex_ = _keeper(uow, viewer, complex_code)
    if ratio is not None and not 0 < ratio < 1:
        raise InvalidInput("ratio", "must lie between 0 and 1, e.g. 0.1 for 10%")
    attrs = dict(complex_.attrs or {})
    attrs.pop("remuneration_ratio", None)
    if ratio is not None:
        attrs["remuneration_ratio"] = ratio
    complex_.attrs = attrs
    uow.commit()


def publish_month(uow: UnitOfWork, settings: Mapping[str, Any], viewer: Viewer | None,
                  complex_code: str, month: str, now: datetime,
                  report: str | None = None) -> None:
    """Put the month's accounts and report on the notice board, totals frozen; commits.
    `report`, when given, is the month's service report, written in the same transaction."""
    complex_ = _keeper(uow, viewer, complex_code)
    month = _month(month)
    account = _account(uow, complex_.id, month)
    if account.published_at is not None:
        raise Conflict(f"{month} is already published")
    if report is not None:
        report = report.strip()
        if not report or len(report) > 20000:
            raise InvalidInput("service_report", "is required (at most 20,000 characters)")
        account.service_report = report
    lines = _lines(uow, complex_.id, month)
    if not lines:
        raise InvalidInput("month", "has no ledger lines to publish")
    if not account.service_report:
        raise InvalidInput("service_report", "write the month's service report first")
    account.totals = totals_of(lines, settings, _ratio(complex_))
    account.published_at, account.published_by_id = now, None if viewer is None else viewer.id
    uow.commit()


def _shown(text: str, public: bool) -> str:
    """Published accounts are public: a phone or ID number typed into them is masked (their
    keepers read and edit the draft as written)."""
    return shown_text(text, None) if public else text


def _line_view(line: LedgerLine, public: bool = True) -> LineView:
    return LineView(line.id, line.kind, line.category, line.amount, line.on_date,
                    _shown(line.description, public), line.vote_id, bool(line.voucher_path))


def month_view(uow: UnitOfWork, settings: Mapping[str, Any], viewer: Viewer | None,
               complex_code: str, month: str, public: bool) -> MonthView:
    """The month as the public reads it (published only) or its keepers (the draft too)."""
    complex_ = get_unit(uow.session, complex_code)
    month = _month(month)
    published = _published(uow, complex_.id, month)
    if public and published is None:
        raise NotFound(f"published accounts of {complex_code} for {month}")
    if not public:
        _keeper(uow, viewer, complex_code)
    lines = _lines(uow, complex_.id, month)
    account = published or uow.session.scalar(select(MonthlyAccount).where(
        MonthlyAccount.complex_id == complex_.id, MonthlyAccount.month == month))
    totals = published.totals if published else totals_of(lines, settings, _ratio(complex_))
    return MonthView(complex_.code, complex_.name, month,
                     [_line_view(x, public) for x in lines], totals,
                     _shown(account.service_report, public) if account else "",
                     published is not None)


def published_months(uow: UnitOfWork, complex_code: str) -> tuple[str, list[str]]:
    """The complex's name and its published months, newest first."""
    complex_ = get_unit(uow.session, complex_code)
    months = uow.session.scalars(select(MonthlyAccount.month).where(
        MonthlyAccount.complex_id == complex_.id, MonthlyAccount.published_at.isnot(None))
        .order_by(MonthlyAccount.month.desc()))
    return complex_.name, list(months)


def complexes_with_accounts(uow: UnitOfWork) -> list[tuple[str, str]]:
    """(code, name) of every complex with a published month."""
    rows = uow.session.execute(
        select(Unit.code, Unit.name).where(Unit.id.in_(
            select(MonthlyAccount.complex_id).where(MonthlyAccount.published_at.isnot(None))))
        .order_by(Unit.name))
    return [(code, name) for code, name in rows]


def spent_under_vote(uow: UnitOfWork, vote_id: int) -> tuple[list[LineView], Decimal]:
    """The spending lines that cite a vote, and their total (the vote's page)."""
    lines = list(uow.session.scalars(select(LedgerLine).where(LedgerLine.vote_id == vote_id)
                                     .order_by(LedgerLine.on_date, LedgerLine.id)))
    return [_line_view(x) for x in lines], Decimal(sum(x.amount_fen for x in lines)).scaleb(-2)


def voucher(uow: UnitOfWork, line_id: int) -> tuple[str, str, bytes]:
    """A published line's voucher (name, type, bytes): vouchers are public with their month."""
    line = uow.session.get(LedgerLine, line_id) if 0 < line_id < 2**31 else None
    if line is None or not line.voucher_path or not _published(uow, line.complex_id, line.month):
        raise NotFound(f"voucher of ledger line {line_id}")
    return line.voucher_name, line.voucher_type, Path(line.voucher_path).read_bytes()
