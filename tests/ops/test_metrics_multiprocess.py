"""With PROMETHEUS_MULTIPROC_DIR, one process's /metrics adds up every process's counts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COUNT = "from caseflow.ops.metrics import SWEEP_CASES; SWEEP_CASES.labels('escalated').inc(3)"
SCRAPE = (
    "import sys; from caseflow.services.runtime import Runtime; "
    "from caseflow.ops.metrics import exposition; rt = Runtime.from_url(sys.argv[1]); "
    "print(exposition(rt.uow, rt.now).decode()); rt.engine.dispose()"
)


def run(code, env, *args):
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env, text=True,
                          capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_counters_from_two_processes_are_summed_in_a_third(tmp_path, database_url):
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    run(COUNT, env)
    run(COUNT, env)
    text = run(SCRAPE, env, database_url)
    assert 'caseflow_sweep_cases_total{step="escalated"} 6.0' in text
    assert "caseflow_overdue_cases 0.0" in text
