"""Several sweep workers on the same overdue cases: each case escalates exactly once, and a
worker killed mid-batch leaves nothing behind that the next sweep does not complete."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from caseflow.models import Case, CaseEvent, OutboxMessage
from caseflow.services.sweep import sweep
from tests.factories import build_tree
from tests.ops.seeding import clone_cases

ROOT = Path(__file__).resolve().parents[2]
CASEFLOW = Path(sys.executable).with_name("caseflow")
TIMEOUT = 120


def _sweep_commands(url: str, now: str, workers: int) -> list[subprocess.Popen[str]]:
    env = {**os.environ, "CASEFLOW_DATABASE_URL": url, "CASEFLOW_NOW": now,
           "CASEFLOW_RULES_DIR": str(ROOT / "rules")}
    return [
        subprocess.Popen([str(CASEFLOW), "sweep"], cwd=ROOT, env=env, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(workers)
    ]


def _counts(runtime):
    with runtime.uow() as uow:
        s = uow.session
        return {
            "cases": s.scalar(select(func.count(Case.id))),
            "at_complex": s.scalar(select(func.count(Case.id)).where(
                Case.layer == "complex", Case.escalation_count == 1, Case.version == 2)),
            "escalations": s.scalar(select(func.count(CaseEvent.id)).where(
                CaseEvent.action == "escalate")),
            "cases_with_one": s.scalar(select(func.count()).select_from(
                select(CaseEvent.case_id).where(CaseEvent.action == "escalate")
                .group_by(CaseEvent.case_id).having(func.count() == 1).subquery())),
            "notices": s.scalar(select(func.count(OutboxMessage.id)).where(
                OutboxMessage.kind == "escalated")),
            "still_due": s.scalar(select(func.count(Case.id)).where(
                Case.next_due_at <= runtime.now())),
        }


def test_four_workers_escalate_every_case_exactly_once(runtime, clock, database_url):
    postgres = database_url.startswith("postgresql")
    count, workers = (20_000, 4) if postgres else (2_000, 2)
    build_tree(runtime)
    clock.set(clone_cases(runtime, count))
    started = time.monotonic()
    procs = _sweep_commands(database_url, clock.now().isoformat(), workers)
    for proc in procs:
        out, err = proc.communicate(timeout=TIMEOUT)
        assert proc.returncode == 0, err
    elapsed = time.monotonic() - started
    counts = _counts(runtime)
    assert counts == {"cases": count, "at_complex": count, "escalations": count,
                      "cases_with_one": count, "notices": count, "still_due": 0}
    print(f"\n{workers} workers escalated {count} cases in {elapsed:.2f}s "
          f"({count / elapsed:,.0f}/s incl. process start)")


def test_a_worker_killed_mid_batch_leaves_nothing_and_the_next_sweep_completes(
    runtime, clock, database_url
):
    build_tree(runtime)
    clock.set(clone_cases(runtime, 1_200))
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.ops.sweeper", database_url, clock.now().isoformat(),
         "--hang-before-commit"],
        cwd=ROOT, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "mid-batch"  # bounded by the kill below
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    before = _counts(runtime)
    assert before["at_complex"] == 0 and before["escalations"] == 0 and before["notices"] == 0
    assert before["still_due"] == 1_200
    report = sweep(runtime.uow, runtime.rules(), runtime.now())
    assert report.escalated == 1_200
    after = _counts(runtime)
    assert after["at_complex"] == after["escalations"] == after["notices"] == 1_200
    assert after["still_due"] == 0
