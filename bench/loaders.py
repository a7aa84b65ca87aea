"""Bulk writers: stdlib sqlite3 executemany, PostgreSQL COPY; indexes rebuilt after the load."""

from __future__ import annotations

import sqlite3
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, text

TABLES = ("cases", "case_events")


class SqliteLoader:
    """One transaction with the journal off; secondary indexes and triggers dropped and
    created again after the load, the full-text index rebuilt once (the summaries the other
    triggers keep are recounted by `dataset.generate`)."""

    def __init__(self, engine: Engine) -> None:
        self.path = engine.url.database
        self.conn: sqlite3.Connection
        self.indexes: list[tuple[str, str]] = []
        self.triggers: list[tuple[str, str]] = []

    def __enter__(self) -> SqliteLoader:
        self.conn = sqlite3.connect(self.path, isolation_level=None)
        # A generator's crash leaves a file we throw away anyway: no journal, no fsync.
        self.conn.execute("PRAGMA journal_mode=OFF")
        self.conn.execute("PRAGMA synchronous=OFF")
        self.conn.execute("PRAGMA cache_size=-400000")
        marks = ",".join("?" * len(TABLES))
        self.indexes = list(
            self.conn.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({marks})", TABLES)
        )
        for name, _ in self.indexes:
            self.conn.execute(f'DROP INDEX "{name}"')
        # A trigger per row (full-text index, report summaries) costs more than the row.
        self.triggers = list(
            self.conn.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type='trigger' "
                f"AND tbl_name IN ({marks})", TABLES)
        )
        for name, _ in self.triggers:
            self.conn.execute(f'DROP TRIGGER "{name}"')
        self.conn.execute("BEGIN")
        return self

    def write(self, table: str, columns: list[str], rows: list[list[Any]]) -> None:
        """Append rows to `table`."""
        marks = ",".join("?" * len(columns))
        self.conn.executemany(f"INSERT INTO {table} ({','.join(columns)}) VALUES ({marks})", rows)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is not None:
            self.conn.execute("ROLLBACK")
            self.conn.close()
            return
        self.conn.execute("COMMIT")
        for _, sql in self.indexes + self.triggers:
            self.conn.execute(sql)
        if self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'cases_fts'").fetchone():
            self.conn.execute("INSERT INTO cases_fts(cases_fts) VALUES ('rebuild')")
        self.conn.execute("ANALYZE")
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.close()


class PostgresLoader:
    """COPY into the tables with their triggers off, indexes rebuilt, sequences moved past
    the written ids (the summaries the triggers keep are recounted by `dataset.generate`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.indexes: list[tuple[str, str]] = []

    def __enter__(self) -> PostgresLoader:
        self.conn = self.engine.raw_connection()
        cur = self.conn.cursor()
        cur.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            (list(TABLES),),
        )
        self.indexes = list(cur.fetchall())
        for name, _ in self.indexes:
            cur.execute(f'DROP INDEX "{name}"')
        for table in TABLES:
            cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        return self

    def write(self, table: str, columns: list[str], rows: list[list[Any]]) -> None:
        """COPY rows into `table`."""
        cur = self.conn.cursor()
        with cur.copy(f"COPY {table} ({','.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is not None:
            self.conn.rollback()
            self.conn.close()
            return
        cur = self.conn.cursor()
        for _, sql in self.indexes:
            cur.execute(sql)
        for table in TABLES:
            cur.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        for table in TABLES:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        self.conn.commit()
        self.conn.close()
        with self.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
