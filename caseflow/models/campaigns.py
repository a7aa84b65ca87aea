"""Opinion campaigns (征求意见): opinions collected on a complex or a project, counted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.models.base import Base
from caseflow.models.cases import Case
from caseflow.models.units import Unit

OPEN, CLOSED, PUBLISHED = "open", "closed", "published"


class Campaign(Base):
    """A call for opinions run by a unit (its `area`) over one or more complexes."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    topics: Mapped[list[Any]] = mapped_column(default=list)  # the headings opinions are counted by
    complex_ids: Mapped[list[Any]] = mapped_column(default=list)  # the complexes it covers
    status: Mapped[str] = mapped_column(String(16), default=OPEN)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    summary: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]

    area: Mapped[Unit] = relationship(lazy="joined")


class Opinion(Base):
    """One opinion given to a campaign, on a topic, by one channel."""

    __tablename__ = "campaign_opinions"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    complex_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    channel: Mapped[str] = mapped_column(String(16))  # web | meeting | intake
    topic: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    author_name: Mapped[str] = mapped_column(String(100), default="")
    author_phone: Mapped[str] = mapped_column(String(32), default="")
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]

    case: Mapped[Case | None] = relationship(lazy="joined")
    complex: Mapped[Unit | None] = relationship(lazy="joined")

    __table_args__ = (Index("ix_campaign_opinions_campaign", "campaign_id", "topic"),)
