"""What every report shares: the period, the viewer's subtree, tables and SQL helpers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVarTuple, cast
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Row, Select, func, literal_column, select
from sqlalchemy.orm import Session

from caseflow.models import Case, UnitClosure

ZONE = ZoneInfo("Asia/Shanghai")
# States that are not grievances handled to an end: they leave every rate's denominator.
NOT_HANDLED = ("merged", "rejected", "withdrawn")
Columns = TypeVarTuple("Columns")


@dataclass(frozen=True)
class Period:
    """A half-open span [start, end) of UTC instants, named by local dates."""

    start: datetime
    end: datetime

    @classmethod
    def from_dates(cls, first: date, last: date) -> Period:
        """From the first to the last local day, both included."""
        start = datetime.combine(first, time(), ZONE).astimezone(UTC)
        end = datetime.combine(last + timedelta(days=1), time(), ZONE).astimezone(UTC)
        return cls(start, end)

    @classmethod
    def month_of(cls, now: datetime) -> Period:
        """The local calendar month that contains `now`."""
        local = now.astimezone(ZONE).date()
        first = local.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return cls.from_dates(first, following - timedelta(days=1))

    def label(self) -> str:
        """`2026-11-01..2026-11-30` in local dates."""
        last = (self.end.astimezone(ZONE) - timedelta(days=1)).date()
        return f"{self.start.astimezone(ZONE).date()}..{last}"


@dataclass(frozen=True)
class Table:
    """One table of figures, as shown under a chart and written to an export."""

    name: str
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class Report:
    """A report: its name, the parameters it was run with, and its tables in order."""

    name: str
    params: dict[str, Any]
    tables: tuple[Table, ...]
    extra: dict[str, Any] = field(default_factory=dict)

    def table(self, name: str) -> Table:
        """The table called `name`."""
        return next(t for t in self.tables if t.name == name)

    def as_json(self) -> dict[str, Any]:
        """Plain data for the API and `--format json`."""
        return {
            "report": self.name,
            "params": self.params,
            "tables": {t.name: {"columns": list(t.columns), "rows": t.rows} for t in self.tables},
            **self.extra,
        }


def table(name: str, rows: Sequence[dict[str, Any]], columns: Iterable[str] = ()) -> Table:
    """A table whose columns are given, or those of its first row."""
    cols = tuple(columns) or (tuple(rows[0]) if rows else ())
    return Table(name, cols, list(rows))


def labelled(row: Row[*tuple[Any, ...]]) -> Mapping[str, Any]:
    """A row read by its column labels. SQLAlchemy types RowMapping's keys as a label or a
    column (Mapping is invariant in its key), so it is no Mapping[str, Any] to mypy."""
    return cast("Mapping[str, Any]", row._mapping)


def in_subtree(column: Any, unit_id: int | None) -> ColumnElement[bool] | None:
    """`column` lies in the subtree of `unit_id` (one probe of the closure primary key)."""
    if unit_id is None:
        return None
    inside: ColumnElement[bool] = column.in_(
        select(UnitClosure.descendant_id).where(UnitClosure.ancestor_id == unit_id)
    )
    return inside


def scoped(query: Select[*Columns], unit_id: int | None) -> Select[*Columns]:
    """Keep only cases whose place lies in the viewer's subtree (属地: where the problem is)."""
    condition = in_subtree(Case.place_unit_id, unit_id)
    return query if condition is None else query.where(condition)


def submitted_in(period: Period) -> ColumnElement[bool]:
    """The case was submitted in the period (index ix_cases_submitted)."""
    return (Case.submitted_at >= period.start) & (Case.submitted_at < period.end)


def dialect(session: Session) -> str:
    """`sqlite` or `postgresql`."""
    return session.get_bind().dialect.name


def seconds_between(session: Session, start: Any, end: Any) -> ColumnElement[float]:
    """end − start in seconds, computed by the database."""
    if dialect(session) == "postgresql":
        # SQLAlchemy types EXTRACT as an integer; the epoch of an interval has fractions.
        return cast("ColumnElement[float]", func.extract("epoch", end - start))
    return (func.julianday(end) - func.julianday(start)) * literal_column("86400.0")


def local_bucket(session: Session, column: Any, grain: str) -> ColumnElement[str]:
    """The local (Beijing) month `YYYY-MM` or week-start date `YYYY-MM-DD` of a timestamp."""
    if dialect(session) == "postgresql":
        local = func.timezone("Asia/Shanghai", column)
        if grain == "month":
            return func.to_char(local, "YYYY-MM")
        return func.to_char(func.date_trunc("week", local), "YYYY-MM-DD")
    if grain == "month":
        return func.strftime("%Y-%m", column, "+8 hours")
    # SQLite: step to the next Sunday, then back six days: the Monday of that week.
    return func.date(column, "+8 hours", "weekday 0", "-6 days")
