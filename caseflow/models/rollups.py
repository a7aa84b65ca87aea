"""Summary tables of case counts per local month, kept exact in every write of `cases`.

The period reports (rates, ranking, property ratings, hotspots) add these counts up for
the whole months of a period instead of scanning every case. Triggers of migration 0008
count every INSERT and DELETE of `cases`; an UPDATE is counted by its writer
(caseflow/services/reporting/summaries.py, migration 0016); `caseflow report
rebuild-summary` recounts them from scratch.
docs/metrics.md says which figure reads which count.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from caseflow.models.base import Base
from caseflow.models.cases import Case

# Counted flags of one case, in the order of the columns below (docs/metrics.md §Rates).
MONTH_COUNTS = (
    "submitted", "handled", "accepted", "accepted_on_time", "resolved", "resolved_on_time",
    "closed", "closed_on_time", "evaluated", "satisfied", "basically_satisfied",
    "unsatisfied", "reopened", "ever_closed", "reworked", "extended", "deferred",
)


def _count() -> Mapped[int]:
    return mapped_column(default=0, server_default=text("0"))


class CaseMonthCount(Base):
    """Counted flags of the cases submitted in one local month about one place."""

    __tablename__ = "case_month_counts"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # local YYYY-MM
    place_unit_id: Mapped[int] = mapped_column(primary_key=True)
    submitted: Mapped[int] = _count()
    handled: Mapped[int] = _count()
    accepted: Mapped[int] = _count()
    accepted_on_time: Mapped[int] = _count()
    resolved: Mapped[int] = _count()
    resolved_on_time: Mapped[int] = _count()
    closed: Mapped[int] = _count()
    closed_on_time: Mapped[int] = _count()
    evaluated: Mapped[int] = _count()
    satisfied: Mapped[int] = _count()
    basically_satisfied: Mapped[int] = _count()
    unsatisfied: Mapped[int] = _count()
    reopened: Mapped[int] = _count()
    ever_closed: Mapped[int] = _count()
    reworked: Mapped[int] = _count()
    extended: Mapped[int] = _count()
    deferred: Mapped[int] = _count()

    # SQLite: the rows live in the key's b-tree, read in key order without a second lookup.
    __table_args__ = {"sqlite_with_rowid": False}


class CaseMonthCategory(Base):
    """Cases submitted in one local month per complex (a building's cases count at its
    complex; a place above the complexes counts as itself) and category."""

    __tablename__ = "case_month_categories"

    # Keyed complex first: a period's totals per (complex, category) stream out of the key.
    complex_id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(64), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    cases: Mapped[int] = _count()

    __table_args__ = {"sqlite_with_rowid": False}


class CaseClockTime(Base):
    """How long one case took to be first accepted (`clock = accept`, at the layer of that
    first accept event) or to be resolved (`resolve`, at `resolved_layer`), in seconds of
    wall-clock time; ordered by seconds in its index so a percentile is read at an offset."""

    __tablename__ = "case_clock_times"

    case_id: Mapped[int] = mapped_column(primary_key=True)
    clock: Mapped[str] = mapped_column(String(8), primary_key=True)
    layer: Mapped[str | None] = mapped_column(String(32))
    at: Mapped[datetime]
    seconds: Mapped[float]
    place_unit_id: Mapped[int]

    __table_args__ = (
        Index("ix_case_clock_times_order", "clock", "layer", "seconds", "at", "place_unit_id"),
    )


class CaseClockSeconds(Base):
    """How many cases of one clock and layer took exactly `seconds`, per local month of the
    acceptance or resolution (`case_clock_times` added up by triggers). Keyed in seconds
    order, so a percentile over whole months is a running sum that stops at its rank."""

    __tablename__ = "case_clock_seconds"

    clock: Mapped[str] = mapped_column(String(8), primary_key=True)
    layer: Mapped[str] = mapped_column(String(32), primary_key=True)  # '' for none
    seconds: Mapped[float] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    cases: Mapped[int] = _count()

    __table_args__ = {"sqlite_with_rowid": False}


# Cases still waiting for their first acceptance: the one now-dependent part of the response
# rate's denominator (overdue_from ≤ now). Partial, so only unaccepted cases are indexed and
# an action pays for it once, when the case is accepted.
AWAITING = text("state = 'submitted' AND first_accepted_at IS NULL")
Index(
    "ix_cases_awaiting_accept",
    Case.submitted_at, Case.overdue_from, Case.place_unit_id, Case.accepted_on_time,
    sqlite_where=AWAITING, postgresql_where=AWAITING,
)

# Open cases, for the unresolved report: a narrow copy of the columns it groups by, so it
# reads a small index instead of every wide case row; and their submission order, for the
# oldest open cases. The list must be the literal OPEN_STATES, written out as the queries do.
OPEN = text(
    "state IN ('submitted', 'accepted', 'in_progress', 'deliberating', 'on_hold', "
    "'resolved', 'deferred')"
)
Index(
    "ix_cases_open",
    Case.layer, Case.category, Case.unit_id, Case.green_channel, Case.overdue_from,
    Case.submitted_at, Case.place_unit_id, Case.state,
    sqlite_where=OPEN, postgresql_where=OPEN,
)
# Unresolved by age reads each age bucket as one range of it, the oldest open cases its
# first entries (migrations 0011, 0012); the period reports count the open cases late now
# from it alone (0023).
Index("ix_cases_open_submitted", Case.submitted_at, Case.id, Case.overdue_from,
      Case.resolved_on_time, Case.place_unit_id, Case.state,
      sqlite_where=OPEN, postgresql_where=OPEN)
