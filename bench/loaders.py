"""Bulk writers: the drawn fields of each case (sqlite3 executemany, PostgreSQL COPY) into a
temporary table, expanded into full case and event rows by INSERT…SELECT joins with the class
templates; triggers off and indexes dropped during the load (but those that grow at their end
as the rows arrive in id order), the summary tables counted chunk by chunk (`Summaries`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from functools import partial
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, text
from tqdm import tqdm

from bench import eventload
from bench.summaries import Summaries
from caseflow.models import Case, CaseEvent

# Bulk-written tables: their triggers are off during the load, their indexes rebuilt after.
TABLES = ("cases", "case_events", "case_clock_times")
# The column each of them is written in the order of: an index led by it only ever grows at
# its end during the load, so it is kept (a rebuild would sort what is already sorted).
ORDER = {"cases": "id", "case_events": "case_id", "case_clock_times": "case_id"}
CASE_COLUMNS = [c.name for c in Case.__table__.columns]
EVENT_COLUMNS = [c.name for c in CaseEvent.__table__.columns]
# What differs between cases of one class, in the order `datagen.RowMaker.case` draws it.
CASE_FIELDS = ("id", "class_id", "place", "unit", "worker", "channel", "submitted", "handled",
               "comment")
# A class: its id, its case row and its event rows (column -> value).
Template = tuple[int, dict[str, Any], Sequence[dict[str, Any]]]
# Keyed: unkeyed, SQLite built an automatic index over every class for every chunk.
TEMP_TABLES = (
    "CREATE TEMP TABLE bench_classes AS SELECT 0 AS class_id, * FROM cases WHERE 1 = 0",
    "CREATE UNIQUE INDEX bench_classes_key ON bench_classes (class_id)",
    "CREATE TEMP TABLE bench_events AS SELECT 0 AS class_id, 0 AS seq, 0 AS comment, * "
    "FROM case_events WHERE 1 = 0",
    "CREATE UNIQUE INDEX bench_events_key ON bench_events (class_id, seq)",
)
DRAWN_TABLE = (f"CREATE TEMP TABLE bench_cases (id INTEGER PRIMARY KEY, "
               f"{', '.join(CASE_FIELDS[1:])})")

def finish(steps: Sequence[tuple[str, Callable[[], Any]]]) -> None:
    """Run the steps after the rows (indexes, copies, …) under a progress bar naming each."""
    with tqdm(total=len(steps), desc="finishing", unit="step", leave=False) as bar:
        for name, step in steps:
            bar.set_postfix_str(name)
            step()
            bar.update()


def _padded(pg: bool, width: int) -> str:
    return f"lpad(b.id::text, {width}, '0')" if pg else f"printf('%0{width}d', b.id)"


def expand_sql(pg: bool) -> tuple[str, str]:
    """INSERT…SELECTs writing the cases in `bench_cases` and their events in full from their
    class templates: the same fields `datagen` once filled in per case in Python."""
    own = {
        "id": "b.id", "ref": f"'CF-B' || {_padded(pg, 9)}",
        "description": "k.title || '，请尽快处理。'", "place_unit_id": "b.place",
        "unit_id": "b.unit", "reporter_phone": f"'138' || {_padded(pg, 8)}",
        "channel": "b.channel", "submitted_at": "b.submitted",
        "handled_units": "CAST(b.handled AS JSONB)" if pg else "b.handled",
        "assignee_id": "CASE WHEN k.first_accepted_at IS NOT NULL THEN b.worker END",
    }
    cases = (
        f"INSERT INTO cases ({', '.join(CASE_COLUMNS)}) SELECT "
        + ", ".join(own.get(c, f"k.{c}") for c in CASE_COLUMNS)
        + " FROM bench_cases b JOIN bench_classes k ON k.class_id = b.class_id ORDER BY b.id"
    )
    caseworker = "t.actor_role = 'caseworker'"
    mine = {
        "case_id": "b.id", "at": "CASE WHEN t.action = 'submit' THEN b.submitted ELSE t.at END",
        "actor_id": f"CASE WHEN {caseworker} THEN b.worker ELSE t.actor_id END",
        "from_unit_id": f"CASE WHEN {caseworker} THEN b.unit ELSE t.from_unit_id END",
        "to_unit_id": "b.unit",
    }
    columns = EVENT_COLUMNS[1:]  # ids from the database, in (case, template) order
    events = (
        f"INSERT INTO case_events ({', '.join(columns)}) SELECT "
        + ", ".join(mine.get(c, f"t.{c}") for c in columns)
        + " FROM bench_cases b JOIN bench_events t ON t.class_id = b.class_id "
        "AND (t.comment = 0 OR b.comment = 1) ORDER BY b.id, t.seq"
    )
    return cases, events


def _template_inserts(marks: str) -> tuple[str, str]:
    case_cols = ["class_id", *CASE_COLUMNS]
    event_cols = ["class_id", "seq", "comment", *EVENT_COLUMNS]
    return (
        f"INSERT INTO bench_classes ({', '.join(case_cols)}) VALUES "
        f"({', '.join([marks] * len(case_cols))})",
        f"INSERT INTO bench_events ({', '.join(event_cols)}) VALUES "
        f"({', '.join([marks] * len(event_cols))})",
    )


def _template_rows(classes: Sequence[Template]) -> tuple[list[list[Any]], list[list[Any]]]:
    cases = [[class_id, *(row[c] for c in CASE_COLUMNS)] for class_id, row, _ in classes]
    events = [[class_id, e["seq"], e["comment"], *(e[c] for c in EVENT_COLUMNS)]
              for class_id, _, templates in classes for e in templates]
    return cases, events


class SqliteLoader:
    """One transaction with the journal off; triggers and most secondary indexes dropped and
    created again after the load, the full-text index rebuilt once. The events and the
    summaries the other triggers keep (`Summaries`, chunk by chunk) are written beside, by a
    second process into a second file (`eventload`), and copied in at the end."""

    def __init__(self, engine: Engine) -> None:
        self.path = engine.url.database
        self.summaries = Summaries(engine)
        self.conn: sqlite3.Connection
        self.indexes: list[tuple[str, str, str]] = []
        self.triggers: list[tuple[str, str, str]] = []

    def __enter__(self) -> SqliteLoader:
        self.conn = sqlite3.connect(self.path, isolation_level=None)
        # A generator's crash leaves a file we throw away anyway: no journal, no fsync.
        self.conn.execute("PRAGMA journal_mode=OFF")
        self.conn.execute("PRAGMA synchronous=OFF")
        self.conn.execute("PRAGMA cache_size=-400000")
        # Each index built after the load scans the whole table (gigabytes at a million
        # cases): read it through a memory map instead of copying every page in, and let
        # the sorter use a second thread.
        self.conn.execute(f"PRAGMA mmap_size={1 << 34}")
        self.conn.execute("PRAGMA threads=2")
        self.indexes = [(name, sql, table) for name, sql, table in self._schema("index")
                        if self._first_column(name) != ORDER.get(table)]
        for name, _, _ in self.indexes:
            self.conn.execute(f'DROP INDEX "{name}"')
        # A trigger per row (full-text index, report summaries) costs more than the row.
        self.triggers = self._schema("trigger")
        for name, _, _ in self.triggers:
            self.conn.execute(f'DROP TRIGGER "{name}"')
        self.conn.execute("PRAGMA temp_store=MEMORY")
        for statement in TEMP_TABLES[:2]:
            self.conn.execute(statement)
        self.conn.execute(DRAWN_TABLE)
        self.expand = expand_sql(pg=False)
        self.events = eventload.EventWriter(self._plan(), self.summaries)
        self.conn.execute("BEGIN")
        return self

    def _schema(self, kind: str) -> list[tuple[str, str, str]]:
        tables = (*TABLES, *eventload.TABLES)
        marks = ",".join("?" * len(tables))
        return list(self.conn.execute(
            f"SELECT name, sql, tbl_name FROM sqlite_master WHERE type = ? AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks})", (kind, *tables)))

    def _first_column(self, index: str) -> str | None:
        found = self.conn.execute(f'PRAGMA index_info("{index}")').fetchone()
        return found[2] if found else None

    def _plan(self) -> eventload.Plan:
        mine = [(name, sql) for name, sql, table in self._schema("index")
                if table in eventload.TABLES]
        return eventload.Plan(
            path=f"{self.path}.events",
            tables=[sql for _, sql, name in self._schema("table") if name in eventload.TABLES],
            live_indexes=[sql for _, sql in mine],
            late_indexes=[sql for _, sql, table in self.indexes if table in eventload.TABLES],
            # bench_classes without the types of cases' columns (no cases table there): the
            # values are stored as they come, as they are under those types' affinities
            temp_tables=[f"CREATE TEMP TABLE bench_classes (class_id PRIMARY KEY, "
                         f"{', '.join(CASE_COLUMNS)})", *TEMP_TABLES[2:], DRAWN_TABLE,
                         *self.summaries.setup()],
            places=self.conn.execute(self.summaries.places()).fetchall(),
            class_insert=_template_inserts("?")[0],
            events=self.expand[1],
            event_insert=_template_inserts("?")[1],
            clock_times=self.summaries.clock_times(),
            clock_seconds=self.summaries.clock_seconds(),
            drawn_insert=f"INSERT INTO bench_cases VALUES ({', '.join('?' * len(CASE_FIELDS))})",
        )

    def add_classes(self, classes: Sequence[Template]) -> None:
        """Store classes' case rows and event templates."""
        cases, events = _template_rows(classes)
        self.events.add_classes(cases, events)
        self.conn.executemany(_template_inserts("?")[0], cases)

    def write_cases(self, rows: Sequence[Sequence[Any]]) -> None:
        """Write drawn cases (in id order) in full; their events and summaries beside."""
        self.events.write_cases(rows)
        marks = ", ".join("?" * len(CASE_FIELDS))
        self.conn.executemany(f"INSERT INTO bench_cases VALUES ({marks})", rows)
        self.conn.execute(self.expand[0])
        self.conn.execute("DELETE FROM bench_cases")

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is not None:
            self.events.stop()
            self.conn.execute("ROLLBACK")
            self.conn.close()
            return
        try:
            self._finish()
        except BaseException:
            self.events.stop()
            raise
        finally:
            self.conn.close()

    def _finish(self) -> None:
        self.events.close()
        self.conn.execute("COMMIT")
        for name in ("bench_cases", "bench_classes"):
            self.conn.execute(f"DROP TABLE temp.{name}")
        run = self.conn.execute
        # The events' tables are empty yet: their indexes cost nothing here.
        steps: list[tuple[str, Callable[[], Any]]] = [
            (name, partial(run, sql)) for name, sql, _ in self.indexes]
        steps.append(("events", lambda: (self.events.finish(), self.events.copy_into(self.conn))))
        steps.append(("triggers", lambda: [run(sql) for _, sql, _ in self.triggers]))
        if run("SELECT 1 FROM sqlite_master WHERE name = 'cases_fts'").fetchone():
            steps.append(("search", partial(run, "INSERT INTO cases_fts(cases_fts) "
                                                 "VALUES ('rebuild')")))
        steps.append(("analyze", self._analyze))
        finish(steps)
        run("PRAGMA journal_mode=WAL")


    def _analyze(self) -> None:
        self.conn.execute("ANALYZE")
        # The generator used to count the summaries after its ANALYZE, so the reports have
        # always been measured without statistics on them (nothing in SQLite gathers them
        # later): keep it so, figures stay comparable with earlier runs.
        summaries = [name for name in eventload.TABLES if name != "case_events"]
        marks = ", ".join("?" * len(summaries))
        self.conn.execute(f"DELETE FROM sqlite_stat1 WHERE tbl IN ({marks})", summaries)


class PostgresLoader:
    """COPY into the tables with their triggers off, indexes rebuilt (but those that grow at
    their end), sequences moved past the written ids, the summaries counted chunk by chunk."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.summaries = Summaries(engine)
        self.indexes: list[tuple[str, str]] = []

    def __enter__(self) -> PostgresLoader:
        self.conn = self.engine.raw_connection()
        cur = self.conn.cursor()
        # This session only: index builds sort in memory, with parallel workers (each needs
        # a share of maintenance_work_mem), the per-chunk joins and groupings too.
        cur.execute("SET maintenance_work_mem = '1GB'")
        cur.execute("SET work_mem = '256MB'")
        cur.execute(
            "SELECT i.indexname, i.indexdef, i.tablename, a.attname FROM pg_indexes i "
            "JOIN pg_index x ON x.indexrelid = format('%%I', i.indexname)::regclass "
            "LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[0] "
            "WHERE i.tablename = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            (list(TABLES),),
        )
        self.indexes = [(name, sql) for name, sql, table, first in cur.fetchall()
                        if first != ORDER[table]]
        for name, _ in self.indexes:
            cur.execute(f'DROP INDEX "{name}"')
        # ALL: the foreign keys' triggers too (they cost most of each event's write); the
        # generator writes only ids it read from the tables they point to.
        for name in TABLES:
            cur.execute(f"ALTER TABLE {name} DISABLE TRIGGER ALL")
        for statement in TEMP_TABLES:
            cur.execute(statement.replace("CREATE TEMP TABLE", "CREATE TEMP TABLE IF NOT EXISTS")
                        .replace("INDEX bench", "INDEX IF NOT EXISTS bench"))
        cur.execute("CREATE TEMP TABLE bench_cases (id integer PRIMARY KEY, class_id integer, "
                    "place integer, unit integer, worker integer, channel text, "
                    "submitted timestamptz, handled text, comment integer)")
        for statement in self.summaries.setup():
            cur.execute(statement)
        cur.execute(f"INSERT INTO bench_places (place, complex) {self.summaries.places()}")
        self.expand = expand_sql(pg=True)
        self.clock_times = self.summaries.clock_times()
        return self

    def add_classes(self, classes: Sequence[Template]) -> None:
        """Store classes' case rows and event templates."""
        cases, events = _template_rows(classes)
        case_insert, event_insert = _template_inserts("%s")
        cur = self.conn.cursor()
        if cases:
            cur.executemany(case_insert, cases)
            cur.executemany(event_insert, events)
            cur.execute(self.summaries.flags([class_id for class_id, _, _ in classes]))

    def _run(self, sql: str) -> Sequence[Sequence[Any]]:
        cur = self.conn.cursor()
        cur.execute(sql)
        return cur.fetchall() if cur.description else []

    def write_cases(self, rows: Sequence[Sequence[Any]]) -> None:
        """COPY drawn cases (in id order) in, then write them in full, with their events, and
        count them."""
        cur = self.conn.cursor()
        with cur.copy(f"COPY bench_cases ({', '.join(CASE_FIELDS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        for statement in self.expand:
            cur.execute(statement)
        self.summaries.add(self._run)
        for statement in self.clock_times:
            cur.execute(statement)
        cur.execute("TRUNCATE bench_cases")

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is not None:
            self.conn.rollback()
            self.conn.close()
            return
        cur = self.conn.cursor()
        self.summaries.write(cur, "%s")
        steps: list[tuple[str, Callable[[], Any]]] = [
            (name, partial(cur.execute, sql)) for name, sql in self.indexes]
        steps.append(("summaries",
                      lambda: [cur.execute(sql) for sql in self.summaries.clock_seconds()]))
        finish(steps)
        for name in TABLES:
            cur.execute(f"ALTER TABLE {name} ENABLE TRIGGER ALL")
        for name in TABLES[:2]:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {name}))"
            )
        self.conn.commit()
        self.conn.close()
        # VACUUM sets the visibility map as autovacuum would on a running server: without
        # it the first reports after the load pay heap fetches on every index-only scan.
        finish([("vacuum analyze", self._vacuum)])

    def _vacuum(self) -> None:
        with self.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
