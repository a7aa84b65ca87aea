"""Owners' yearly evaluation of their property company on 12 aspects (Chengdu, seed 004)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from caseflow.models.base import Base


class OwnerEvaluation(Base):
    """One evaluation of a company at a complex for a year; `average` is kept at entry so
    reports average one column instead of unpacking JSON."""

    __tablename__ = "owner_evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("property_companies.id"))
    year: Mapped[int]
    complex_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    scores: Mapped[dict[str, Any]] = mapped_column(default=dict)
    average: Mapped[float]
    source: Mapped[str] = mapped_column(String(100), default="")
    entered_at: Mapped[datetime]
    # A household's answer in an online rating round (paper rounds leave both empty): the
    # unique key is what makes "one household, one rating" hold under concurrent posts.
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rating_rounds.id"))
    household: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_owner_evaluations_year_company", "year", "company_id"),
        UniqueConstraint("round_id", "household"),
    )


# Report indexes on tables other modules own (attached to their tables' metadata here so
# the reporting migration and the models agree). Each is on a column written once or
# rarely, so actions that change a case's state do not pay for them.
from caseflow.models.cases import Case, CaseEvent  # noqa: E402

# Closed cases only, with what containment counts: an index-only range scan (migration 0009).
_closed = Case.__table__.c.state == "closed"
Index(
    "ix_cases_closed",
    *(Case.__table__.c[name] for name in ("closed_at", "resolved_layer", "layer", "place_unit_id")),
    sqlite_where=_closed,
    postgresql_where=_closed,
)
Index("ix_cases_resolved_at", Case.__table__.c.resolved_at)
Index("ix_cases_first_accepted_at", Case.__table__.c.first_accepted_at)
# Layer moves only: a partial index holds the few events that change layer, not them all.
Index(
    "ix_case_events_layer_moves",
    CaseEvent.__table__.c.at,
    CaseEvent.__table__.c.from_layer,
    CaseEvent.__table__.c.to_layer,
    CaseEvent.__table__.c.case_id,
    sqlite_where=CaseEvent.__table__.c.from_layer != CaseEvent.__table__.c.to_layer,
    postgresql_where=CaseEvent.__table__.c.from_layer != CaseEvent.__table__.c.to_layer,
)
