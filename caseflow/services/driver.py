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

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Plan:
    """One compiled form: the SQL, the parameters in driver order, their conversions."""

    sql: str
    binds: tuple[tuple[str, Processor], ...]
    positional: bool
    results: tuple[tuple[str, Processor], ...]

    def args(self, params: Mapping[str, Any]) -> Any:
        if self.positional:
            return tuple(
                params[name] if convert is None else convert(params[name])
                for name, convert in self.binds
            )
        return {
            name: params[name] if convert is None else convert(params[name])
            for name, convert in self.binds
        }

    def row(self, raw: Sequence[Any]) -> dict[str, Any]:
        return {
            name: value if convert is None else convert(value)
            for (name, convert), value in zip(self.results, raw, strict=True)
        }


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
        if conn.dispatch.before_cursor_execute or conn.engine.echo:
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
    return _Plan(
        sql=compiled.string,
        binds=tuple(
            (name, compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect))
            for name in names
        ),
        positional=compiled.positional,
        results=tuple(
            (column.key, column.type.dialect_impl(dialect).result_processor(dialect, None))
            for column in returned
        ),
    )
