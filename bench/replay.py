"""Capture the SQL a service call issues, then replay it with the bare DB-API driver.

The replay is the floor the service is compared with: the very same statements, one
transaction per use case, minus everything Python does around them (ORM, rules, lifecycle).
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event


@dataclass
class Statement:
    """One captured cursor execution."""

    sql: str
    params: Any
    many: bool


END = Statement("COMMIT", None, False)  # marks the end of a captured transaction


@dataclass
class Capture:
    """Statements captured while a block ran."""

    statements: list[Statement] = field(default_factory=list)


@contextmanager
def capture(engine: Engine) -> Iterator[Capture]:
    """Record every statement `engine` sends to its driver while the block runs."""
    found = Capture()

    def listen(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        found.statements.append(Statement(sql, params, many))

    def ended(conn: Any) -> None:
        # A request may hold several transactions (a token touch, then the action).
        if found.statements and found.statements[-1] != END:
            found.statements.append(END)

    hooks = (("before_cursor_execute", listen), ("commit", ended), ("rollback", ended))
    for name, hook in hooks:
        event.listen(engine, name, hook)
    try:
        yield found
    finally:
        for name, hook in hooks:
            event.remove(engine, name, hook)


HEX_UUID = re.compile(r"^[0-9a-f]{32}$")


def _swap(value: Any, mapping: Mapping[Any, Any]) -> Any:
    # Fresh idempotency keys (outbox): a replayed message is a new message, as in the service.
    if isinstance(value, uuid.UUID):
        return uuid.uuid4()
    if isinstance(value, bool) or not isinstance(value, int | str):
        return value
    if isinstance(value, str) and HEX_UUID.match(value):
        return uuid.uuid4().hex
    return mapping.get(value, value)


def substitute(params: Any, mapping: Mapping[Any, Any]) -> Any:
    """The parameters with captured keys (case id, reference …) swapped for another case's."""
    if isinstance(params, Mapping):
        return {k: _swap(v, mapping) for k, v in params.items()}
    if isinstance(params, list | tuple):
        return type(params)(_swap(v, mapping) for v in params)
    return params


def connect(url: str) -> Any:
    """A bare driver connection tuned like caseflow's engine, in autocommit mode."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None, timeout=30)
        pragmas = ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "temp_store=MEMORY")
        for pragma in pragmas:
            conn.execute(f"PRAGMA {pragma}")
        return conn
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


def replay(conn: Any, statements: list[Statement], mapping: dict[Any, Any],
           new_id_of: Any = None, begin: str = "BEGIN") -> None:
    """Run `statements` as one transaction with `mapping` applied to their parameters.

    `new_id_of` names the captured id an INSERT … created (a submission): the replayed
    INSERT's own new id replaces it in the statements that follow. Concurrent SQLite
    writers pass `begin="BEGIN IMMEDIATE"`: a deferred transaction that reads and then
    writes fails at once with SQLITE_BUSY instead of waiting when another writer holds it.
    """
    cursor = conn.cursor()
    cursor.execute(begin)
    try:
        _run(cursor, statements, mapping, new_id_of, begin)
    except Exception:
        cursor.execute("ROLLBACK")
        raise
    cursor.execute("COMMIT")


def _run(cursor: Any, statements: list[Statement], mapping: dict[Any, Any],
         new_id_of: Any, begin: str) -> None:
    last = len(statements) - 1
    for n, statement in enumerate(statements):
        if statement == END:
            if n != last:
                cursor.execute("COMMIT")
                cursor.execute(begin)
            continue
        params = substitute(statement.params, mapping)
        if statement.many:
            cursor.executemany(statement.sql, params)
            continue
        cursor.execute(statement.sql, params)
        if cursor.description is not None:
            rows = cursor.fetchall()
            if new_id_of is not None and statement.sql.lstrip().upper().startswith("INSERT") \
                    and "INSERT INTO cases" in statement.sql and new_id_of not in mapping:
                mapping[new_id_of] = rows[0][0]
        elif new_id_of is not None and "INSERT INTO cases" in statement.sql \
                and new_id_of not in mapping:
            mapping[new_id_of] = cursor.lastrowid
