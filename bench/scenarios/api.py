"""Scenario 1b: actions through the HTTP API under gunicorn vs a bare Flask endpoint.

Both servers run with 2 sync workers on 127.0.0.1 and are driven by the same load generator
(bench/load.py) on distinct fresh cases: accept, start, comment, resolve per case. The bare
endpoint replays the statements the API issued for the same request (captured in-process
through Flask's test client), so the difference is caseflow's Python: auth, schemas, ORM,
rules, lifecycle and the JSON it renders.
"""

from __future__ import annotations

import os
import pickle
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.classes import NOW
from bench.context import Context
from bench.harness import Result, check
from bench.load import LoadResult, Request, drive
from bench.replay import capture
from bench.scenarios.act import CYCLE, caseworkers, fresh_cases
from caseflow.domain.clock import FrozenClock
from caseflow.services.runtime import Runtime
from caseflow.services.tokens import issue_token

ROOT = Path(__file__).resolve().parent.parent.parent
CASES = 300  # per server; four requests each


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def worker_peak_rss_mib(master: int) -> float:
    """The largest peak RSS (VmHWM) among the gunicorn master's worker processes."""
    peaks = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == master:
                status = (stat.parent / "status").read_text()
                line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
                peaks.append(int(line.split()[1]) / 1024)
        except (OSError, StopIteration, ValueError):
            continue
    return max(peaks, default=float("nan"))


def serve(factory: str, env: dict[str, str], jobs: list[Any],
          cycle: Any) -> tuple[LoadResult, float]:
    """Start gunicorn on `factory`, drive it with the jobs, stop it; (load, worker peak MiB)."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
               "--log-level", "warning", f"bench.wsgi_app:{factory}()"]
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        load = drive(port, jobs, cycle)
        return load, worker_peak_rss_mib(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)


def prepare_cases(runtime: Runtime, count: int) -> tuple[list[tuple[int, str, int]], dict]:
    """Fresh cases and a bearer token for the caseworker of each of their units."""
    with runtime.uow() as uow:
        workers = caseworkers(uow.session)
        pool = fresh_cases(uow.session, count)
    tokens = {}
    for unit in {unit for _, _, unit in pool}:
        with runtime.uow() as uow:
            tokens[unit] = issue_token(uow, workers[unit], NOW, name="bench")[1]
    return pool, tokens


def api_cycle(tokens: dict[int, str]) -> Any:
    """The four requests of one case through POST /api/v1/cases/{id}/actions."""
    def cycle(case: tuple[int, str, int]) -> list[Request]:
        auth = {"Authorization": f"Bearer {tokens[case[2]]}"}
        return [("POST", f"/api/v1/cases/{case[0]}/actions",
                 {"action": action, "note": note, "data": {}, "version": n + 1}, auth)
                for n, (action, note) in enumerate(CYCLE)]

    return cycle


def bare_cycle(case: tuple[int, str, int]) -> list[Request]:
    """The same four steps against the bare endpoint."""
    return [("POST", f"/bare/{case[0]}/{n}", {}, {}) for n in range(len(CYCLE))]


def capture_api(url: str, case: tuple[int, str, int], tokens: dict[int, str]) -> list:
    """The statements the API issues for each step of the cycle, captured in-process."""
    from bench.wsgi_app import api

    os.environ["CASEFLOW_BENCH_DB"] = url
    app = api()
    engine = app.extensions["caseflow"].engine
    client = app.test_client()
    steps = []
    for method, path, body, headers in api_cycle(tokens)(case):
        with capture(engine) as found:
            response = client.open(path, method=method, json=body, headers=headers)
            assert response.status_code == 200, response.get_data(as_text=True)
        steps.append(found.statements)
    engine.dispose()
    return steps


def run(ctx: Context) -> list[Result]:
    """p50, p99 and requests/s of the API and of the bare endpoint, and the workers' RSS."""
    if ctx.quick:
        return []
    url = ctx.dataset.clone()
    try:
        runtime = Runtime.from_url(url, clock=FrozenClock(NOW))
        pool, tokens = prepare_cases(runtime, 1 + 2 * CASES)
        runtime.engine.dispose()
        source, rest = pool[0], pool[1:]
        steps = capture_api(url, source, tokens)
        with tempfile.NamedTemporaryFile(suffix=".pickle", delete=False) as handle:
            pickle.dump({"case_id": source[0], "steps": steps}, handle)
        env = {"CASEFLOW_BENCH_DB": url, "CASEFLOW_BENCH_STATEMENTS": handle.name}
        half = len(rest) // 2
        api_load, api_rss = serve("api", env, rest[:half], api_cycle(tokens))
        bare_load, bare_rss = serve("bare", env, rest[half:], bare_cycle)
        os.unlink(handle.name)
    finally:
        ctx.dataset.drop(url)
    note = (f"gunicorn 2 sync workers, 4 client threads; {len(api_load.latencies)} API requests "
            f"({api_load.errors} errors), {len(bare_load.latencies)} bare requests "
            f"({bare_load.errors} errors)")
    return [
        check(Result(f"api act p50 ({ctx.backend})", "ms", [api_load.percentile(50)],
                     "bare Flask + same SQL", [bare_load.percentile(50)], "≤ 2×",
                     higher_is_better=False, note=note), maximum_ratio=2.0),
        Result(f"api act p99 ({ctx.backend})", "ms", [api_load.percentile(99)],
               "bare Flask + same SQL", [bare_load.percentile(99)], "(reported)",
               higher_is_better=False),
        Result(f"api act throughput ({ctx.backend})", "req/s", [api_load.rps],
               "bare Flask + same SQL", [bare_load.rps], "(reported)"),
        Result(f"memory: API worker peak RSS ({ctx.backend})", "MiB", [api_rss],
               "bare Flask worker", [bare_rss], "(reported)", higher_is_better=False),
    ]
