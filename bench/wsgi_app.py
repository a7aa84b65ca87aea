"""WSGI factories gunicorn serves in the api scenario (`bench.wsgi_app:api()` / `:bare()`).

`api()` is caseflow's own app, its clock frozen at the benchmark's NOW. `bare()` is a Flask
app whose one endpoint replays the statements the API issued for the same action, through
the bare driver: the floor the API's latency is compared with.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
from pathlib import Path
from typing import Any

from flask import Flask, jsonify, request

from bench.classes import NOW
from bench.replay import END, Statement, connect, replay, substitute


def api() -> Flask:
    """caseflow's app on the database named by CASEFLOW_BENCH_DB."""
    from caseflow.app import create_app
    from caseflow.domain.clock import FrozenClock

    return create_app({"DATABASE_URL": os.environ["CASEFLOW_BENCH_DB"],
                       "CLOCK": FrozenClock(NOW), "SECRET_KEY": "bench"})


def sqlite_connect(url: str) -> sqlite3.Connection:
    """A connection that handles transactions as caseflow's engine does (pysqlite's default).

    The driver opens a transaction just before the first INSERT/UPDATE/DELETE, so the reads
    before it (the token, the jurisdiction check) run outside any lock, as in the API.
    """
    conn = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=30)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def replay_sqlite(conn: sqlite3.Connection, statements: list[Statement],
                  mapping: dict[Any, Any]) -> None:
    """The statements with the driver's transactions; each captured commit is a commit."""
    cursor = conn.cursor()
    try:
        for statement in statements:
            if statement == END:
                conn.commit()
            elif statement.many:
                cursor.executemany(statement.sql, substitute(statement.params, mapping))
            else:
                cursor.execute(statement.sql, substitute(statement.params, mapping))
                if cursor.description is not None:
                    cursor.fetchall()
    except Exception:
        conn.rollback()
        raise
    conn.commit()


def bare() -> Flask:
    """POST /bare/<case id>/<step>: the captured statements of that step, nothing else.

    The body names the case's reference, unit and user, swapped in for the captured case's.
    """
    app = Flask(__name__)
    url = os.environ["CASEFLOW_BENCH_DB"]
    captured = pickle.loads(Path(os.environ["CASEFLOW_BENCH_STATEMENTS"]).read_bytes())
    (source_id, source_ref, source_unit), source_user = captured["case"], captured["user"]
    steps = captured["steps"]
    state: dict[str, Any] = {}
    is_sqlite = url.startswith("sqlite")

    @app.get("/healthz")
    def healthz() -> Any:
        return jsonify(status="ok")

    @app.post("/bare/<int:case_id>/<int:step>")
    def act(case_id: int, step: int) -> Any:
        body = request.get_json()
        mapping = {source_id: case_id, source_ref: body["ref"], source_unit: body["unit"],
                   source_user: body["user"]}
        if "conn" not in state:  # one connection per worker process, opened after the fork
            state["conn"] = sqlite_connect(url) if is_sqlite else connect(url)
        if is_sqlite:
            replay_sqlite(state["conn"], steps[step], mapping)
        else:
            replay(state["conn"], steps[step], mapping)
        return jsonify(id=case_id, step=step)

    return app
