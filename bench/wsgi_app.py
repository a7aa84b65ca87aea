"""WSGI factories gunicorn serves in the api scenario (`bench.wsgi_app:api()` / `:bare()`).

`api()` is caseflow's own app, its clock frozen at the benchmark's NOW. `bare()` is a Flask
app whose one endpoint replays the statements the API issued for the same action, through
the bare driver: the floor the API's latency is compared with.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

from flask import Flask, jsonify

from bench.classes import NOW
from bench.replay import connect, replay


def api() -> Flask:
    """caseflow's app on the database named by CASEFLOW_BENCH_DB."""
    from caseflow.app import create_app
    from caseflow.domain.clock import FrozenClock

    return create_app({"DATABASE_URL": os.environ["CASEFLOW_BENCH_DB"],
                       "CLOCK": FrozenClock(NOW), "SECRET_KEY": "bench"})


def bare() -> Flask:
    """POST /bare/<case id>/<step>: the captured statements of that step, nothing else."""
    app = Flask(__name__)
    url = os.environ["CASEFLOW_BENCH_DB"]
    captured = pickle.loads(Path(os.environ["CASEFLOW_BENCH_STATEMENTS"]).read_bytes())
    source_id: int = captured["case_id"]
    steps = captured["steps"]
    state: dict[str, Any] = {}
    begin = "BEGIN" if url.startswith("postgresql") else "BEGIN IMMEDIATE"

    @app.get("/healthz")
    def healthz() -> Any:
        return jsonify(status="ok")

    @app.post("/bare/<int:case_id>/<int:step>")
    def act(case_id: int, step: int) -> Any:
        if "conn" not in state:  # one connection per worker process, opened after the fork
            state["conn"] = connect(url)
        replay(state["conn"], steps[step], {source_id: case_id}, begin=begin)
        return jsonify(id=case_id, step=step)

    return app
