"""The second SQLite writer: case events and the report summaries, written by a process of
their own into a file of their own while the main writer writes the cases, then copied into
the main file whole.

SQLite lets one connection write a file at a time, so on two cores the cases (rows, indexes,
search index) and the rest (events and their indexes, summaries) are written side by side in
two files. The copy at the end is SQLite's transfer optimisation: `INSERT INTO t SELECT * FROM
other.t` into an empty table of the same schema and indexes copies the rows and every index
in order, without decoding a row or sorting a key.
"""

from __future__ import annotations

import multiprocessing as mp
import sqlite3
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from bench.summaries import Summaries

# Written by the second process; copied whole into the main file.
TABLES = ("case_events", "case_clock_times", "case_clock_seconds", "case_month_counts",
          "case_month_categories")


@dataclass(frozen=True)
class Plan:
    """Everything the second process runs, as SQL text (it inherits no connection)."""

    path: str
    tables: list[str]  # CREATE TABLE of TABLES, from the main file
    live_indexes: list[str]  # indexes kept during the load
    late_indexes: list[str]  # indexes built after it
    temp_tables: list[str]
    places: list[tuple[int, int]]  # bench_places: each unit's complex
    class_insert: str  # one class's case row
    events: str  # the events' INSERT…SELECT from bench_cases and bench_events
    event_insert: str  # one event template row
    clock_times: list[str]
    clock_seconds: list[str]
    drawn_insert: str  # one drawn case


def _serve(plan: Plan, summaries: Summaries, inbox: Connection, outbox: Connection) -> None:
    try:
        conn = _open(plan)
        while True:
            kind, payload = inbox.recv()
            if kind == "done":
                break
            if kind == "classes":
                classes, events = payload
                conn.executemany(plan.class_insert, classes)
                conn.executemany(plan.event_insert, events)
                conn.execute(summaries.flags([row[0] for row in classes]))
            else:
                conn.executemany(plan.drawn_insert, payload)
                for statement in [plan.events, *plan.clock_times]:
                    conn.execute(statement)
                summaries.add(lambda sql: conn.execute(sql).fetchall())
                conn.execute("DELETE FROM bench_cases")
        summaries.write(conn, "?")
        for statement in plan.late_indexes + plan.clock_seconds:
            conn.execute(statement)
        conn.execute("COMMIT")
        conn.close()
        outbox.send(("ok", None))
    except BaseException:  # the main writer reports it
        outbox.send(("error", traceback.format_exc()))


def _open(plan: Plan) -> sqlite3.Connection:
    Path(plan.path).unlink(missing_ok=True)
    conn = sqlite3.connect(plan.path, isolation_level=None)
    for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-300000",
                   "temp_store=MEMORY", "threads=2"):
        conn.execute(f"PRAGMA {pragma}")
    for statement in plan.tables + plan.live_indexes + plan.temp_tables:
        conn.execute(statement)
    conn.executemany("INSERT INTO bench_places VALUES (?, ?)", plan.places)
    conn.execute("BEGIN")
    return conn


class EventWriter:
    """The second process, fed the class templates and each chunk of drawn cases."""

    def __init__(self, plan: Plan, summaries: Summaries) -> None:
        self.plan = plan
        context = mp.get_context("fork")
        self.inbox, feed = context.Pipe(duplex=False)
        results, self.outbox = context.Pipe(duplex=False)
        self.results = results
        self.process = context.Process(
            target=_serve, args=(plan, summaries, self.inbox, self.outbox), daemon=True,
            name="bench-events")
        self.process.start()
        self.feed = feed

    def add_classes(self, classes: Sequence[Sequence[Any]], events: Sequence[Sequence[Any]]
                    ) -> None:
        """New classes: their case rows and event rows (`loaders._template_rows`)."""
        self.feed.send(("classes", (classes, events)))

    def write_cases(self, rows: Sequence[Sequence[Any]]) -> None:
        """A chunk of drawn cases, in id order."""
        self.feed.send(("cases", rows))

    def close(self) -> None:
        """No more cases: the second process builds its indexes and counts while the main
        writer builds its own."""
        self.feed.send(("done", None))

    def finish(self) -> None:
        """Wait for the second process to write and index everything (after `close`)."""
        status, detail = self.results.recv()
        self.process.join()
        if status != "ok":
            raise RuntimeError(f"the events writer failed:\n{detail}")

    def stop(self) -> None:
        """After a failure of the main writer: end the second process, drop its file."""
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        Path(self.plan.path).unlink(missing_ok=True)

    def copy_into(self, conn: sqlite3.Connection) -> None:
        """Copy the written tables into the main file's empty ones (indexes created, triggers
        not yet: the transfer optimisation needs both)."""
        conn.execute("ATTACH DATABASE ? AS bench_side", (self.plan.path,))
        conn.execute("BEGIN")
        for table in TABLES:
            conn.execute(f"DELETE FROM main.{table}")
            conn.execute(f"INSERT INTO main.{table} SELECT * FROM bench_side.{table}")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE bench_side")
        Path(self.plan.path).unlink(missing_ok=True)
