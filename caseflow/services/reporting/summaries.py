"""The report summaries kept by the code that writes a case, only when a counted field changes.

Migration 0008's triggers on `UPDATE cases` cost every case write (their WHEN clauses read the
old and new row, and an accept or resolve ran 7 and 13 trigger programs: each summary row
subtracted and added again, clock times deleted and written again). Migration 0016 drops
them; the writers now say what they change, and this module adds the difference to the
summaries in the same transaction, before the UPDATE, from the row the UPDATE will replace:

- `count_changes`: one case (the action path's CaseRow and every ORM flush of a `Case`);
- `count_swept`: a set of cases given the same values (the sweep's set-based UPDATEs).

A case whose counted fields do not change (start, comment, most escalations) costs nothing.
Inserts and deletes of cases, and clock times, stay with their triggers (a submission writes
one row once; a clock time changes only on accept and resolve): docs/performance.md
§Summaries compares this with the triggers and with no summaries at all.

Both functions read the case row at the version the UPDATE that follows requires (the row
cannot change between the two: every writer bumps the version), so the counts are exact;
if that UPDATE then finds the row moved on, the caller raises and the transaction, counts
included, rolls back.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection, Dialect, event
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session, UOWTransaction, attributes

from caseflow.models import Case
from caseflow.models.rollups import MONTH_COUNTS
from caseflow.services.driver import listened

CASES = Case.__table__
NOT_HANDLED = "('merged','rejected','withdrawn')"
# Each counted flag as a condition on one case's columns (docs/metrics.md §Rates); the same
# as rollup.flag_sums and migration 0008's (the tests recount with rollup's).
FLAGS: dict[str, str] = {
    "submitted": "1 = 1",
    "handled": f"{{state}} NOT IN {NOT_HANDLED}",
    "accepted": "{accepted_on_time} IS NOT NULL",
    "accepted_on_time": "{accepted_on_time}",
    "resolved": "{state} IN ('resolved','closed')",
    "resolved_on_time": "{state} IN ('resolved','closed') AND {resolved_on_time}",
    "closed": "{state} = 'closed'",
    "closed_on_time": "{state} = 'closed' AND {resolved_on_time}",
    "evaluated": "{satisfaction} IS NOT NULL",
    "satisfied": "{satisfaction} = 'satisfied'",
    "basically_satisfied": "{satisfaction} = 'basically_satisfied'",
    "unsatisfied": "{satisfaction} = 'unsatisfied'",
    "reopened": "{reopen_count} > 0",
    "ever_closed": "{state} = 'closed' OR {reopen_count} > 0",
    "reworked": f"{{state}} NOT IN {NOT_HANDLED} AND {{rework_count}} > 0",
    "extended": f"{{state}} NOT IN {NOT_HANDLED} AND {{extension_count}} > 0",
    "deferred": "{state} = 'deferred'",
}
assert tuple(FLAGS) == MONTH_COUNTS  # noqa: S101 (the summary's columns, in order)
FLAG_COLUMNS = ("state", "accepted_on_time", "resolved_on_time", "satisfaction",
                "reopen_count", "rework_count", "extension_count")
# A move between two states no flag names changes no flag (accept, start, hold, escalate).
COUNTED_STATES = frozenset(("merged", "rejected", "withdrawn", "resolved", "closed", "deferred"))
KEYS = ("submitted_at", "place_unit_id")
CATEGORY_KEYS = (*KEYS, "category")
RESOLVE_KEYS = ("resolved_at", "resolved_layer", *KEYS)
ACCEPT_KEYS = ("first_accepted_at", *KEYS)
COUNTED = frozenset((*FLAG_COLUMNS, *CATEGORY_KEYS, *RESOLVE_KEYS, *ACCEPT_KEYS))

MONTH = {
    "sqlite": "strftime('%Y-%m', {at}, '+8 hours')",
    "postgresql": "to_char(({at}) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')",
}
SECONDS = {
    "sqlite": "(julianday({end}) - julianday({start})) * 86400.0",
    "postgresql": "extract(epoch from ({end}) - ({start}))",
}
FALSE = {"sqlite": "0", "postgresql": "false"}
# The complex a place lies in (a building's complex, a complex itself), else the place.
COMPLEX = (
    "COALESCE((SELECT uc.ancestor_id FROM unit_closure uc JOIN units u ON u.id = uc.ancestor_id"
    " WHERE uc.descendant_id = {place} AND u.kind = 'complex'), {place})"
)
CLOCK_COLUMNS = "case_id, clock, layer, at, seconds, place_unit_id"
COUNT_ADDS = ", ".join(f"{n} = case_month_counts.{n} + excluded.{n}" for n in MONTH_COUNTS)

# Set in a database connection's `info` by bench's copies without the summaries (or with the
# old triggers), whose writers then count nothing: bench/scenarios/summary.py.
OFF = "caseflow.summaries_off"

Value = Callable[[str], str]  # a column's name -> its SQL (the row's column, or a new value)


def _param(dialect: str, name: str) -> str:
    return f":{name}" if dialect == "sqlite" else f"%({name})s"


def _new_value(dialect: str, column: str) -> str:
    """The new value of a column, bound as `n_<column>` (typed: PostgreSQL cannot tell the
    type of a parameter tested only with IS NULL)."""
    if dialect == "sqlite":
        return f":n_{column}"
    # SQLAlchemy's psycopg dialect leaves its __init__ unannotated.
    pg = postgresql.dialect()  # type: ignore[no-untyped-call]
    kind = CASES.c[column].type.compile(dialect=pg)
    return f"CAST(%(n_{column})s AS {kind})"


def _flag(name: str, value: Value) -> str:
    condition = FLAGS[name].format(**{c: value(c) for c in FLAG_COLUMNS})
    return f"(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _row(column: str) -> str:
    return f"c.{column}"


# PostgreSQL: the case row is locked before the summary row, in the order the sweep takes
# them (it claims its cases FOR UPDATE, then counts): an action counting first and locking
# the case at its UPDATE would deadlock with a sweeper holding that case.
LOCK = {"sqlite": "", "postgresql": " FOR UPDATE OF c"}


def _counts(dialect: str, select: str, where: str) -> str:
    return (f"INSERT INTO case_month_counts (month, place_unit_id, {', '.join(MONTH_COUNTS)}) "
            f"{select} FROM cases c WHERE {where}{LOCK[dialect]} "
            f"ON CONFLICT (month, place_unit_id) DO UPDATE SET {COUNT_ADDS}")


def _month(dialect: str, value: Value) -> str:
    return MONTH[dialect].format(at=value("submitted_at"))


@cache
def _row_statements(dialect: str, changed: frozenset[str], versioned: bool
                    ) -> tuple[tuple[str, str], ...]:
    """The statements counting one case's change of the columns `changed` (bound as
    `n_<column>`), read from the row before the UPDATE that changes them (at version
    `_version` when `versioned`)."""
    def new(column: str) -> str:
        return _new_value(dialect, column) if column in changed else f"c.{column}"

    where = f"c.id = {_param(dialect, '_id')}"
    if versioned:
        where += f" AND c.version = {_param(dialect, '_version')}"
    out: list[tuple[str, str]] = []
    if changed & set(KEYS):  # the case moves to another summary row: out of one, into one
        # (the case's own row otherwise: `_delta_statement`)
        out.append(("counts", _counts(
            dialect, f"SELECT {_month(dialect, _row)}, c.place_unit_id, "
            + ", ".join(f"-{_flag(n, _row)}" for n in MONTH_COUNTS), where)))
        out.append(("counts", _counts(
            dialect, f"SELECT {_month(dialect, new)}, {new('place_unit_id')}, "
            + ", ".join(_flag(n, new) for n in MONTH_COUNTS), where)))
    if changed & set(CATEGORY_KEYS):
        for value, sign in ((_row, "-1"), (new, "1")):
            out.append(("categories",
                "INSERT INTO case_month_categories (month, complex_id, category, cases) "
                f"SELECT {_month(dialect, value)}, "
                f"{COMPLEX.format(place=value('place_unit_id'))}, {value('category')}, {sign} "
                f"FROM cases c WHERE {where}{LOCK[dialect]} "
                "ON CONFLICT (complex_id, category, month) "
                "DO UPDATE SET cases = case_month_categories.cases + excluded.cases"))
    if changed & set(RESOLVE_KEYS):
        seconds = SECONDS[dialect].format(start=new("submitted_at"), end=new("resolved_at"))
        out.append(("resolved_at", "DELETE FROM case_clock_times WHERE case_id = "
                    f"{_param(dialect, '_id')} AND clock = 'resolve'"))
        out.append(("resolve", f"INSERT INTO case_clock_times ({CLOCK_COLUMNS}) SELECT c.id, "
                    f"'resolve', {new('resolved_layer')}, {new('resolved_at')}, {seconds}, "
                    f"{new('place_unit_id')} FROM cases c "
                    f"WHERE {where} AND {new('resolved_at')} IS NOT NULL{LOCK[dialect]}"))
    if changed & set(ACCEPT_KEYS):
        # A first acceptance alone is the accept event's to write (its trigger, migration
        # 0016, whichever of the two comes first: see `_unneeded`); a case moved, or whose
        # first acceptance changes, is counted here.
        seconds = SECONDS[dialect].format(start=new("submitted_at"), end="e.at")
        ignore, conflict = (" OR IGNORE", "") if dialect == "sqlite" else (
            "", " ON CONFLICT DO NOTHING")
        out.append(("first_accepted_at", "DELETE FROM case_clock_times WHERE case_id = "
                    f"{_param(dialect, '_id')} AND clock = 'accept'"))
        accept = (f"INSERT{ignore} INTO case_clock_times ({CLOCK_COLUMNS}) "
                  f"SELECT c.id, 'accept', e.to_layer, e.at, {seconds}, "
                  f"{new('place_unit_id')} FROM cases c JOIN case_events e "
                  "ON e.case_id = c.id AND e.action = 'accept' "
                  f"AND e.at = {new('first_accepted_at')} WHERE {where}{LOCK[dialect]}{conflict}")
        out.append(("accept" if changed & set(KEYS) else "first_accepted_at", accept))
    return tuple(out)


# The same flags in Python, for a case whose old and new values the writer holds (SQL's NULL
# compares false: a missing count is 0). The recount tests hold the two definitions together.
PY_FLAGS: dict[str, Callable[[Mapping[str, Any]], bool]] = {
    "submitted": lambda r: True,
    "handled": lambda r: r["state"] not in NOT_HANDLED_STATES,
    "accepted": lambda r: r["accepted_on_time"] is not None,
    "accepted_on_time": lambda r: bool(r["accepted_on_time"]),
    "resolved": lambda r: r["state"] in ("resolved", "closed"),
    "resolved_on_time": lambda r: r["state"] in ("resolved", "closed")
    and bool(r["resolved_on_time"]),
    "closed": lambda r: r["state"] == "closed",
    "closed_on_time": lambda r: r["state"] == "closed" and bool(r["resolved_on_time"]),
    "evaluated": lambda r: r["satisfaction"] is not None,
    "satisfied": lambda r: r["satisfaction"] == "satisfied",
    "basically_satisfied": lambda r: r["satisfaction"] == "basically_satisfied",
    "unsatisfied": lambda r: r["satisfaction"] == "unsatisfied",
    "reopened": lambda r: (r["reopen_count"] or 0) > 0,
    "ever_closed": lambda r: r["state"] == "closed" or (r["reopen_count"] or 0) > 0,
    "reworked": lambda r: r["state"] not in NOT_HANDLED_STATES and (r["rework_count"] or 0) > 0,
    "extended": lambda r: r["state"] not in NOT_HANDLED_STATES
    and (r["extension_count"] or 0) > 0,
    "deferred": lambda r: r["state"] == "deferred",
}
NOT_HANDLED_STATES: frozenset[str] = frozenset(("merged", "rejected", "withdrawn"))
# The columns each flag reads.
READS = {name: frozenset(c for c in FLAG_COLUMNS if f"{{{c}}}" in condition)
         for name, condition in FLAGS.items()}


@cache
def _delta_statement(dialect: str, known: tuple[str, ...], unknown: tuple[str, ...],
                     changed: frozenset[str], versioned: bool) -> str:
    """Add to the case's own summary row the differences of the flags `known` (bound as
    `d_<flag>`, worked out by the writer) and of the flags `unknown` (from the row before
    the UPDATE and the new values `n_<column>` of the columns `changed`); only those
    columns of the row are written."""
    def new(column: str) -> str:
        return _new_value(dialect, column) if column in changed else f"c.{column}"

    names = [*known, *unknown]
    values = [_param(dialect, f"d_{n}") for n in known]
    values += [f"{_flag(n, new)} - {_flag(n, _row)}" for n in unknown]
    where = f"c.id = {_param(dialect, '_id')}"
    if versioned:
        where += f" AND c.version = {_param(dialect, '_version')}"
    adds = ", ".join(f"{n} = case_month_counts.{n} + excluded.{n}" for n in names)
    return (f"INSERT INTO case_month_counts (month, place_unit_id, {', '.join(names)}) "
            f"SELECT {_month(dialect, _row)}, c.place_unit_id, {', '.join(values)} "
            f"FROM cases c WHERE {where}{LOCK[dialect]} "
            f"ON CONFLICT (month, place_unit_id) DO UPDATE SET {adds}")


def _deltas(changed: frozenset[str], before: Mapping[str, Any], after: Mapping[str, Any]
            ) -> tuple[dict[str, int], tuple[str, ...]]:
    """The flags a change can move: those whose difference the writer's values give (non-zero
    ones only), and those the row must tell."""
    known: dict[str, int] = {}
    unknown: list[str] = []
    new = {**before, **after}
    for name in MONTH_COUNTS:
        reads = READS[name]
        if not reads & changed:
            continue
        if reads <= before.keys():
            delta = int(PY_FLAGS[name](new)) - int(PY_FLAGS[name](before))
            if delta:
                known[name] = delta
        else:
            unknown.append(name)
    return known, tuple(unknown)


@cache
def _processors(dialect: Dialect) -> dict[str, Any]:
    """Each column's bind conversion (datetimes to UTC text on SQLite, booleans …)."""
    return {column.key: column.type.dialect_impl(dialect).bind_processor(dialect)
            for column in CASES.columns}


def _flags_may_change(changed: Collection[str], before: Mapping[str, Any],
                      after: Mapping[str, Any]) -> bool:
    """False when the only counted column written is `state`, moved between states no flag
    names (accept → start → hold …): nothing to count."""
    if set(changed) != {"state"} or "state" not in before:
        return True
    return before["state"] in COUNTED_STATES or after["state"] in COUNTED_STATES


def _unneeded(kind: str, before: Mapping[str, Any]) -> bool:
    """Statements of kind `resolved_at` or `first_accepted_at` are needed only when that
    column had a value: its clock's time was written (or, first acceptance, the accept
    event's trigger writes it)."""
    return kind in ("resolved_at", "first_accepted_at") and kind in before \
        and before[kind] is None


def count_changes(conn: Connection, case_id: int, version: int | None,
                  before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
    """Count one case's change in the summaries: call it BEFORE the UPDATE that writes `after`
    (the new values of the columns it changes) over the row at `version` (None: no check);
    `before` holds whatever old values the caller read (they spare statements, never change
    the counts).

    # The one hook of the write path: caseflow.services.caserow.save_case_row and every ORM
    # flush of a Case (below) call it; the sweep's set-based UPDATEs call count_swept.
    """
    changed = frozenset(after) & COUNTED
    if not changed or not _flags_may_change(changed, before, after) or OFF in conn.info:
        return
    dialect = conn.dialect
    versioned = version is not None
    statements = [sql for kind, sql in _row_statements(dialect.name, changed, versioned)
                  if not _unneeded(kind, before)]
    params: dict[str, Any] = {"_id": case_id, "_version": version}
    if not changed & set(KEYS):
        known, unknown = _deltas(changed, before, after)
        if known or unknown:
            statements.insert(0, _delta_statement(dialect.name, tuple(known), unknown,
                                                  changed if unknown else frozenset(), versioned))
            params.update({f"d_{name}": delta for name, delta in known.items()})
    if not statements:
        return
    convert = _processors(dialect)
    for column in changed:
        value, processor = after[column], convert[column]
        params[f"n_{column}"] = value if processor is None or value is None else processor(value)
    for sql in statements:
        _execute(conn, sql, params)


def _execute(conn: Connection, sql: str, params: Mapping[str, Any]) -> None:
    """On the driver's cursor, in the connection's transaction (SQLAlchemy's execute costs
    ~0.1 ms a statement); through exec_driver_sql when someone listens (bench's capture)."""
    if listened(conn):
        conn.exec_driver_sql(sql, dict(params))
        return
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None  # noqa: S101 (a checked-out connection)
    cursor = dbapi.cursor()
    try:
        cursor.execute(sql, params)
    finally:
        cursor.close()


@cache
def _swept_statement(dialect: str, values: tuple[tuple[str, str], ...], ids: str) -> str:
    """Counts of the cases `ids` selects changing to the SQL `values` (literals), added up
    per summary row, in key order (two sweepers lock the rows in the same order); only the
    flags that read a column written (an escalation's on-time flag: two of seventeen)."""
    given = dict(values)

    def new(column: str) -> str:
        return given.get(column, f"c.{column}")

    names = [n for n in MONTH_COUNTS if READS[n] & given.keys()]
    deltas = [f"SUM({_flag(n, new)} - {_flag(n, _row)})" for n in names]
    month = _month(dialect, _row)
    select = (f"SELECT {month} AS m, c.place_unit_id AS p, {', '.join(deltas)}")
    any_change = " OR ".join(f"{d} <> 0" for d in deltas)
    adds = ", ".join(f"{n} = case_month_counts.{n} + excluded.{n}" for n in names)
    return (f"INSERT INTO case_month_counts (month, place_unit_id, {', '.join(names)}) "
            f"{select} FROM cases c WHERE c.id IN ({ids}) GROUP BY {month}, c.place_unit_id "
            f"HAVING {any_change} ORDER BY 1, 2 "
            f"ON CONFLICT (month, place_unit_id) DO UPDATE SET {adds}")


def count_swept(session: Session, ids: Sequence[int], values: Mapping[str, str | bool],
                from_states: Collection[str] = COUNTED_STATES) -> None:
    """Count the change of the cases `ids` to `values` (state names, or on-time flags set to
    False) before the set-based UPDATE that writes them; one statement, none when no counted
    column is written (most escalations). `from_states`: the states the cases are in, when
    known (a move between states no flag names counts nothing)."""
    counted = {name: value for name, value in values.items() if name in FLAG_COLUMNS}
    if counted.get("state") not in COUNTED_STATES and not set(from_states) & COUNTED_STATES:
        counted.pop("state", None)
    if not counted or not ids or OFF in session.connection().info:
        return
    dialect = session.get_bind().dialect.name
    literal = {name: FALSE[dialect] if value is False else f"'{value}'"
               for name, value in counted.items()}
    assert all(v is False or isinstance(v, str) and v.isidentifier()  # noqa: S101
               for v in counted.values())
    arg: list[int] | str
    if dialect == "postgresql":
        ids_sql, arg = "SELECT unnest(%(ids)s::integer[])", list(ids)
    else:
        ids_sql, arg = "SELECT value FROM json_each(:ids)", "[" + ",".join(map(str, ids)) + "]"
    sql = _swept_statement(dialect, tuple(sorted(literal.items())), ids_sql)
    _execute(session.connection(), sql, {"ids": arg})


@event.listens_for(Session, "before_flush")
def _count_flushed(session: Session, context: UOWTransaction, instances: Any) -> None:
    """Every Case the ORM is about to UPDATE (the sweep's row-by-row path, meetings …)."""
    for case in session.dirty:
        if not isinstance(case, Case):
            continue
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for column in COUNTED:
            history = attributes.get_history(case, column, passive=attributes.PASSIVE_NO_FETCH)
            if history.added or history.deleted:
                after[column] = history.added[0] if history.added else None
                if history.deleted:
                    before[column] = history.deleted[0]
        if after:  # the ORM's UPDATE checks the version it read (version_id_col)
            count_changes(session.connection(), case.id, case.version, before, after)
