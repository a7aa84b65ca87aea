"""The report summaries a bulk load writes with the triggers of migration 0008 off, counted
chunk by chunk from the drawn fields and the class templates (narrow temporary rows, not the
wide case rows): `rollup`'s own recount expressions — a class's flags from `flag_sums` over its
template row, months by `local_bucket`, complexes by `complex_of`, clock times by
`seconds_between` — applied to the temporary tables of `loaders`. The tests compare the result
with what `caseflow report rebuild-summary` counts.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import (
    Dialect,
    Engine,
    Integer,
    and_,
    cast,
    column,
    func,
    insert,
    literal,
    literal_column,
    select,
)
from sqlalchemy import table as sql_table
from sqlalchemy.orm import Session, aliased

from caseflow.models import CaseClockSeconds, CaseClockTime, Unit
from caseflow.models.rollups import MONTH_COUNTS
from caseflow.services.reporting import rollup
from caseflow.services.reporting.common import local_bucket, seconds_between

Run = Callable[[str], Sequence[Sequence[Any]]]
# The temporary tables as SQLAlchemy sees them, for `rollup`'s expressions over them.
DRAWN = sql_table("bench_cases", column("id"), column("class_id"), column("place"),
              column("submitted"))
CLASSES = sql_table("bench_classes", column("class_id"), column("category"),
                column("first_accepted_at"), column("resolved_at"), column("resolved_layer"))
EVENTS = sql_table("bench_events", column("class_id"), column("action"), column("at"),
               column("to_layer"))
PLACES = sql_table("bench_places", column("place"), column("complex"))
FLAGS = sql_table("bench_flags", column("class_id"), *(column(name) for name in MONTH_COUNTS))
CLOCK_COLUMNS = ["case_id", "clock", "layer", "at", "seconds", "place_unit_id"]


class Summaries:
    """Month counts added up here chunk by chunk and written at the end; clock times written
    by INSERT…SELECT per chunk, their per-value counts by one GROUP BY at the end."""

    def __init__(self, engine: Engine) -> None:
        self.dialect: Dialect = engine.dialect
        self.session = Session(engine)  # never connects: tells rollup's expressions the dialect
        self.counts: dict[tuple[Any, ...], list[int]] = {}
        self.categories: Counter[tuple[Any, ...]] = Counter()

    def _sql(self, statement: Any) -> str:
        return str(statement.compile(dialect=self.dialect, compile_kwargs={"literal_binds": True}))

    def setup(self) -> list[str]:
        """Temporary tables: each class's flags, each place's complex (`places`)."""
        flags = ", ".join(f"{name} integer" for name in MONTH_COUNTS)
        return [
            f"CREATE TEMP TABLE bench_flags (class_id integer PRIMARY KEY, {flags})",
            "CREATE TEMP TABLE bench_places (place integer PRIMARY KEY, complex integer)",
        ]

    def places(self) -> str:
        """Each unit's complex, as `complex_of` finds it (bench_places' rows)."""
        place = aliased(Unit)  # apart from the units complex_of joins
        return self._sql(select(place.id, rollup.complex_of(place.id)))

    def flags(self, class_ids: Sequence[int]) -> str:
        """Store new classes' counted flags, computed from their template rows."""
        query = self._sql(select(literal_column("cases.class_id"), *rollup.flag_sums())
                          .group_by(literal_column("cases.class_id")))
        ids = ", ".join(str(n) for n in class_ids)
        query, found = re.subn(r"\sFROM cases\s", " FROM bench_classes AS cases "
                               f"WHERE cases.class_id IN ({ids}) ", query)
        assert found == 1, query
        return f"INSERT INTO bench_flags (class_id, {', '.join(MONTH_COUNTS)}) {query}"

    def add(self, run: Run) -> None:
        """Count the drawn cases in bench_cases by month and place, month, complex and
        category."""
        month = local_bucket(self.session, DRAWN.c.submitted, "month")
        sums = [func.sum(FLAGS.c[name]) for name in MONTH_COUNTS]
        counts = (select(month, DRAWN.c.place, *sums)
                  .join_from(DRAWN, FLAGS, FLAGS.c.class_id == DRAWN.c.class_id)
                  .group_by(month, DRAWN.c.place))
        for month_, place, *flags in run(self._sql(counts)):
            found = self.counts.setdefault((month_, place), [0] * len(flags))
            for n, value in enumerate(flags):
                found[n] += value
        categories = (select(month, PLACES.c.complex, CLASSES.c.category, func.count())
                      .join_from(DRAWN, PLACES, PLACES.c.place == DRAWN.c.place)
                      .join(CLASSES, CLASSES.c.class_id == DRAWN.c.class_id)
                      .group_by(month, PLACES.c.complex, CLASSES.c.category))
        for *key, cases in run(self._sql(categories)):
            self.categories[tuple(key)] += cases

    def clock_times(self) -> list[str]:
        """INSERT…SELECTs writing the clock times of the drawn cases in bench_cases:
        `rollup._clock_queries` over their class templates (a resolve time for each resolved
        case, an accept time from the accept event at its first acceptance)."""
        k = CLASSES.c
        joined = select().join_from(DRAWN, CLASSES, k.class_id == DRAWN.c.class_id)
        accepted = joined.join(EVENTS, and_(EVENTS.c.class_id == DRAWN.c.class_id,
                                            EVENTS.c.action == "accept",
                                            EVENTS.c.at == k.first_accepted_at))
        parts = [("resolve", k.resolved_layer, k.resolved_at,
                  joined.where(k.resolved_at.isnot(None))),
                 ("accept", EVENTS.c.to_layer, EVENTS.c.at, accepted)]
        statements = []
        for clock, layer, at, query in parts:
            seconds = seconds_between(self.session, DRAWN.c.submitted, at)
            rows = query.add_columns(DRAWN.c.id, literal(clock), layer, at, seconds,
                                     DRAWN.c.place)
            statements.append(self._sql(insert(CaseClockTime).from_select(CLOCK_COLUMNS, rows)))
        return statements

    def clock_seconds(self) -> list[str]:
        """Count case_clock_seconds afresh from case_clock_times, as `rollup.rebuild` does,
        but the month of each distinct `at` once: grouped first by the columns of the
        clock times' index (read in its order), then by month."""
        t = CaseClockTime
        distinct = select(t.clock, t.layer, t.seconds, t.at, func.count().label("cases")
                          ).group_by(t.clock, t.layer, t.seconds, t.at).subquery()
        month = local_bucket(self.session, distinct.c.at, "month")
        layer = func.coalesce(distinct.c.layer, "")
        per_value = select(distinct.c.clock, layer, distinct.c.seconds, month,
                           cast(func.sum(distinct.c.cases), Integer)).group_by(
            distinct.c.clock, layer, distinct.c.seconds, month)
        return [f"DELETE FROM {CaseClockSeconds.__tablename__}",
                self._sql(insert(CaseClockSeconds).from_select(
                    ["clock", "layer", "seconds", "month", "cases"], per_value))]

    def write(self, cursor: Any, mark: str) -> None:
        """Replace the month summaries' rows with the counted ones (`mark`: the paramstyle)."""
        rows = [
            ("case_month_counts", ["month", "place_unit_id", *MONTH_COUNTS],
             [(*key, *flags) for key, flags in sorted(self.counts.items())]),
            ("case_month_categories", ["month", "complex_id", "category", "cases"],
             [(*key, n) for key, n in sorted(self.categories.items())]),
        ]
        for name, columns, values in rows:
            cursor.execute(f"DELETE FROM {name}")
            if values:
                marks = ", ".join([mark] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})", values)
