"""Backups: SQLite through its online backup API, PostgreSQL through pg_dump / pg_restore.

Both are safe while the app runs: SQLite's backup copies a consistent snapshot page by page,
pg_dump reads one snapshot in a repeatable-read transaction.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine

from caseflow.domain.errors import InvalidInput


def _sqlite_path(engine: Engine) -> str:
    database = engine.url.database
    if not database or database == ":memory:":
        raise InvalidInput("database", "an in-memory SQLite database cannot be backed up")
    return database


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore: from CASEFLOW_PG_BIN, the PATH, or the newest server install."""
    folder = os.environ.get("CASEFLOW_PG_BIN")
    if folder:
        return str(Path(folder) / name)
    found = shutil.which(name)
    if found:
        return found
    installed = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not installed:
        raise InvalidInput("backup", f"{name} not found: install the PostgreSQL client tools")
    return installed[-1]


def _libpq_url(engine: Engine) -> str:
    # pg_dump speaks libpq URLs: drop SQLAlchemy's "+psycopg" driver suffix.
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def backup(engine: Engine, target: str | os.PathLike[str]) -> Path:
    """Write a consistent copy of the database to `target` (SQLite file or pg_dump -Fc)."""
    target = Path(target)
    if engine.dialect.name == "sqlite":
        source = sqlite3.connect(_sqlite_path(engine))
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
    else:
        subprocess.run(
            [pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}",
             f"--dbname={_libpq_url(engine)}"],
            check=True, capture_output=True, text=True,
        )
    return target


def restore(engine: Engine, source: str | os.PathLike[str]) -> None:
    """Replace the database's contents with a backup made by `backup`.

    Stop app processes and workers first: a restore rewrites every table.
    """
    source = Path(source)
    if not source.exists():
        raise InvalidInput("file", f"{source}: no such backup file")
    engine.dispose()  # no pooled connection may hold the old database open
    if engine.dialect.name == "sqlite":
        backup_copy = sqlite3.connect(source)
        live = sqlite3.connect(_sqlite_path(engine))
        try:
            backup_copy.backup(live)
        finally:
            live.close()
            backup_copy.close()
        return
    subprocess.run(
        [pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
         f"--dbname={_libpq_url(engine)}", str(source)],
        check=True, capture_output=True, text=True,
    )
