"""Core statements compiled once per dialect and run on the driver's own cursor.

SQLAlchemy's `Connection.execute` costs about 0.1 ms a statement on the bench machine
(execution context, parameter and row processing, result object), as much as a SELECT by
key itself and a third of an action's Python. The action path (caseflow.services.caserow)
runs its few statements through `DriverStatement` instead: the SQL text SQLAlchemy compiles
for the dialect, each value converted by its column type's own bind and result processors
(so rows and parameters are exactly what Core would give), minus that machinery.

The statements run on the connection's transaction, like `conn.execute`. When something
listens to the engine's statements (bench capture, echo), they go through
`Connection.exec_driver_sql` instead, so listeners see every one, the same SQL and
parameters. Driver errors are raised as SQLAlchemy's (IntegrityError …), as Core raises them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable, Insert


@dataclass(frozen=True)
class _Plan:
    """One compiled form: the SQL, the parameters in driver order, their conversions.

    Conversions are listed only for the positions whose type has one (most columns have
    none): the values are taken in one pass, then only those are converted.
    """

    sql: str
    binds: tuple[str, ...]
    bind_converts: tuple[tuple[int, Callable[[Any], Any]], ...]
    positional: bool
    results: tuple[str, ...]
    result_converts: tuple[tuple[int, str, Callable[[Any], Any]], ...]

    def args(self, params: Mapping[str, Any]) -> Any:
        values = [params[name] for name in self.binds]
        for position, convert in self.bind_converts:
            values[position] = convert(values[position])
        return tuple(values) if self.positional else dict(zip(self.binds, values, strict=True))

    def row(self, raw: Sequence[Any]) -> dict[str, Any]:
        row = dict(zip(self.results, raw, strict=True))
        for position, name, convert in self.result_converts:
            row[name] = convert(raw[position])
        return row


class DriverStatement:
    """A Core statement (SELECT, INSERT or UPDATE) run with the driver's cursor.

    An INSERT or UPDATE takes its columns from the parameters given, as `conn.execute` does;
    each set of parameter names is compiled once.
    """

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._plans: dict[tuple[Dialect, frozenset[str]], _Plan] = {}

    def first(self, conn: Connection, params: Mapping[str, Any]) -> dict[str, Any] | None:
        """The first row of a SELECT as a dict by column name, or None."""
        plan, cursor = self._run(conn, params)
        try:
            raw = cursor.fetchone()
        finally:
            cursor.close()
        return None if raw is None else plan.row(raw)

    def column(self, conn: Connection, params: Mapping[str, Any]) -> tuple[Any, ...]:
        """The first column of every row of a SELECT."""
        plan, cursor = self._run(conn, params)
        try:
            rows = cursor.fetchall()
        finally:
            cursor.close()
        return tuple(plan.row(row)[plan.results[0]] for row in rows)

    def rowcount(self, conn: Connection, params: Mapping[str, Any]) -> int:
        """Run an UPDATE or DELETE; how many rows it matched."""
        _, cursor = self._run(conn, params)
        count = int(cursor.rowcount)
        cursor.close()
        return count

    def inserted_id(self, conn: Connection, params: Mapping[str, Any]) -> int:
        """Run an INSERT … RETURNING id, or a plain INSERT where the driver reports lastrowid."""
        plan, cursor = self._run(conn, params)
        try:
            new_id = cursor.fetchone()[0] if plan.results else cursor.lastrowid
        finally:
            cursor.close()
        return int(new_id)

    def _run(self, conn: Connection, params: Mapping[str, Any]) -> tuple[_Plan, Any]:
        plan = self._plan(conn.dialect, frozenset(params))
        args = plan.args(params)
        if not conn.in_transaction():
            conn.begin()  # as Connection.execute would (autobegin)
        if listened(conn):
            return plan, conn.exec_driver_sql(plan.sql, args)
        dbapi = conn.connection.dbapi_connection
        assert dbapi is not None  # noqa: S101 (type narrowing: a checked-out connection)
        cursor = dbapi.cursor()
        try:
            cursor.execute(plan.sql, args)
        except conn.dialect.loaded_dbapi.Error as error:
            cursor.close()
            raise DBAPIError.instance(
                plan.sql, args, error, conn.dialect.loaded_dbapi.Error, dialect=conn.dialect
            ) from error
        return plan, cursor

    def _plan(self, dialect: Dialect, keys: frozenset[str]) -> _Plan:
        plan = self._plans.get((dialect, keys))
        if plan is None:
            plan = self._plans[(dialect, keys)] = _compile(self.statement, dialect, keys)
        return plan


def _compile(statement: Executable, dialect: Dialect, keys: frozenset[str]) -> _Plan:
    returned = list(statement.exported_columns)  # type: ignore[attr-defined]
    if isinstance(statement, Insert) and not returned \
            and not dialect.postfetch_lastrowid:  # type: ignore[attr-defined]
        # As Core does (implicit RETURNING): the new key where there is no lastrowid.
        returned = list(statement.table.primary_key)
        statement = statement.returning(*returned)
    compiled = statement.compile(dialect=dialect, column_keys=sorted(keys))  # type: ignore[attr-defined]
    names = tuple(compiled.positiontup or compiled.binds)
    missing = set(names) - keys
    if missing:  # a Python-side default or onupdate: Core would compute it, this cannot
        raise ValueError(f"no value given for {', '.join(sorted(missing))}")
    binds = tuple(
        compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
    )
    results = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None) for column in returned
    )
    return _Plan(
        sql=compiled.string,
        binds=names,
        bind_converts=tuple((i, convert) for i, convert in enumerate(binds) if convert),
        positional=compiled.positional,
        results=tuple(column.key for column in returned),
        result_converts=tuple(
            (i, column.key, convert)
            for i, (column, convert) in enumerate(zip(returned, results, strict=True)) if convert
        ),
    )


def listened(conn: Connection) -> bool:
    """Whether anything listens to the connection's statements (bench's capture, echo): then
    they go through SQLAlchemy so listeners see them. `_has_events` is the flag Connection
    itself checks before dispatching (asking `conn.dispatch` built a joined dispatcher on
    every statement)."""
    return bool(conn._has_events or conn.engine._has_events or conn.engine.echo)
