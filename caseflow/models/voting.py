"""Owners' votes (业主表决): the ballot list of a complex, votes and ballots."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.models.base import Base
from caseflow.models.units import Unit

OPEN, CLOSED = "open", "closed"


class ExclusivePart(Base):
    """One exclusive part (专有部分) of a complex with its registered area and owner."""

    __tablename__ = "exclusive_parts"

    id: Mapped[int] = mapped_column(primary_key=True)
    complex_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    code: Mapped[str] = mapped_column(String(64))  # building-unit-room, e.g. 3-2-1201
    # m² as registered, kept as whole hundredths: exact, and SQLite has no decimal type.
    area_hundredths: Mapped[int]
    owner_names: Mapped[str] = mapped_column(String(200), default="")
    owner_key: Mapped[str] = mapped_column(String(64))  # one key per owner, across parts
    developer_unsold: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (UniqueConstraint("complex_id", "code"),)

    @property
    def area(self) -> Decimal:
        """Registered area in m²."""
        return Decimal(self.area_hundredths).scaleb(-2)


class Vote(Base):
    """One matter put to the owners; its result is frozen when it closes.

    `version` is bumped by every ballot and by closing, so a ballot racing the close loses
    one of the two commits instead of slipping in after the count.
    """

    __tablename__ = "votes"

    id: Mapped[int] = mapped_column(primary_key=True)
    complex_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    title: Mapped[str] = mapped_column(String(200))
    matter: Mapped[str] = mapped_column(String(64))
    threshold: Mapped[str] = mapped_column(String(32))
    fund_fen: Mapped[int | None] = mapped_column(BigInteger)  # amount spent, in fen (分)
    status: Mapped[str] = mapped_column(String(16), default=OPEN)
    ballots_cast: Mapped[int] = mapped_column(default=0)
    opened_at: Mapped[datetime]
    closes_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)
    rules_version: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    notice_until: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    complex: Mapped[Unit] = relationship(lazy="joined")

    @property
    def fund_amount(self) -> Decimal | None:
        """The amount in yuan, or None."""
        return None if self.fund_fen is None else Decimal(self.fund_fen).scaleb(-2)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_votes_complex_notice", "complex_id", "notice_until"),)


class Ballot(Base):
    """One owner's ballot in one vote; the unique key makes "one ballot per owner" hold."""

    __tablename__ = "ballots"

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id"))
    voter_key: Mapped[str] = mapped_column(String(64))  # owner key, or "developer"
    choice: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16), default="in_person")
    proxy_holder: Mapped[str] = mapped_column(String(100), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cast_at: Mapped[datetime]
    changed_at: Mapped[datetime | None]
    history: Mapped[list[Any]] = mapped_column(default=list)  # earlier choices, oldest first

    __table_args__ = (UniqueConstraint("vote_id", "voter_key"),)
