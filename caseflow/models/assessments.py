"""Public accountability: assessments of property teams (双考核), credit grades, owners'
rating rounds and the complex's 双晒 accounts (seeds 002, 003, 004).

An assessment's results are stored rows written once when it is published: later cases,
ratings or rule changes never move a published quarter.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from caseflow.models.base import Base

OPEN, PUBLISHED, CLOSED = "open", "published", "closed"


class Assessment(Base):
    """One quarterly or yearly assessment of the property teams in an area (a street, a
    district). `quarter` is 0 for the yearly assessment, so the unique key covers both."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    year: Mapped[int]
    quarter: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16), default=OPEN)
    opened_at: Mapped[datetime]
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rules_version: Mapped[str] = mapped_column(String(64), default="")
    # The ratings rules the results were computed with, kept beside them.
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)

    __table_args__ = (UniqueConstraint("area_id", "year", "quarter"),)

    @property
    def label(self) -> str:
        """2026 Q1, or 2026 for the yearly assessment."""
        return f"{self.year} Q{self.quarter}" if self.quarter else str(self.year)


class ExpertSheet(Base):
    """One panel member's score sheet for one assessed unit (a complex's property team)."""

    __tablename__ = "expert_sheets"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    complex_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    inspector_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    scores: Mapped[dict[str, Any]] = mapped_column(default=dict)
    total: Mapped[float]
    entered_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("assessment_id", "complex_id", "inspector_id"),)


class AssessmentResult(Base):
    """The frozen result of one assessed unit in one published assessment. Names are copied
    so the history reads as published even after a rename."""

    __tablename__ = "assessment_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    complex_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    company_id: Mapped[int] = mapped_column(ForeignKey("property_companies.id"))
    complex_name: Mapped[str] = mapped_column(String(200))
    company_name: Mapped[str] = mapped_column(String(200))
    rated: Mapped[bool]
    score: Mapped[float | None]
    stars: Mapped[str] = mapped_column(String(16))
    rank: Mapped[int | None]
    red: Mapped[bool] = mapped_column(default=False)
    black: Mapped[bool] = mapped_column(default=False)
    complex_stars: Mapped[str] = mapped_column(String(16), default="")
    figures: Mapped[dict[str, Any]] = mapped_column(default=dict)

    __table_args__ = (
        UniqueConstraint("assessment_id", "complex_id"),
        Index("ix_assessment_results_company", "company_id", "assessment_id"),
    )


class CreditGrade(Base):
    """A company's credit grade (AAA … C) as it stood when an assessment was published."""

    __tablename__ = "credit_grades"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("property_companies.id"))
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    grade: Mapped[str] = mapped_column(String(8))
    basis: Mapped[dict[str, Any]] = mapped_column(default=dict)
    graded_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("company_id", "assessment_id"),)


class RatingRound(Base):
    """A round in which the households of a complex rate its property company (业主评议)."""

    __tablename__ = "rating_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    complex_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    company_id: Mapped[int] = mapped_column(ForeignKey("property_companies.id"))
    year: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=OPEN)
    households: Mapped[int] = mapped_column(default=0)
    responses: Mapped[int] = mapped_column(default=0)
    opened_at: Mapped[datetime]
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closes_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]


class RatingCode(Base):
    """The code a household uses to rate once in a round (printed on a slip or sent as a
    link). The household is the ballot list's exclusive part (room code)."""

    __tablename__ = "rating_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rating_rounds.id"))
    household: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    used_at: Mapped[datetime | None]

    __table_args__ = (UniqueConstraint("round_id", "household"),)


class LedgerLine(Base):
    """One income or expense line of a complex's accounts (双晒); amounts in fen (分)."""

    __tablename__ = "ledger_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    complex_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    kind: Mapped[str] = mapped_column(String(8))  # income / expense
    category: Mapped[str] = mapped_column(String(32))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    on_date: Mapped[date]
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM of on_date, for the month's page
    description: Mapped[str] = mapped_column(String(200), default="")
    vote_id: Mapped[int | None] = mapped_column(ForeignKey("votes.id"), index=True)
    voucher_name: Mapped[str] = mapped_column(String(200), default="")
    voucher_type: Mapped[str] = mapped_column(String(64), default="")
    voucher_path: Mapped[str] = mapped_column(Text, default="")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime]

    __table_args__ = (Index("ix_ledger_lines_complex_month", "complex_id", "month"),)

    @property
    def amount(self) -> Decimal:
        """The amount in yuan."""
        return Decimal(self.amount_fen).scaleb(-2)


class MonthlyAccount(Base):
    """A complex's month: its service report and, once published, the frozen totals."""

    __tablename__ = "monthly_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    complex_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    month: Mapped[str] = mapped_column(String(7))
    service_report: Mapped[str] = mapped_column(Text, default="")
    totals: Mapped[dict[str, Any]] = mapped_column(default=dict)
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (UniqueConstraint("complex_id", "month"),)
