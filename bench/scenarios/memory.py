"""Scenario 5: peak RSS of a sweeping worker at the chosen size and at a tenth of it.

Memory must not grow with the number of cases: the sweep claims batches, so the peak at
N cases should be about the peak at N/10. (The API's RSS under load is in the api scenario.)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench import dataset
from bench.context import Context
from bench.harness import Result, check

ROOT = Path(__file__).resolve().parent.parent.parent


def peak_rss_mib(data: dataset.Dataset) -> tuple[float, int]:
    """Peak RSS (MiB) of a fresh process sweeping a copy of `data`, and cases it changed."""
    url = data.clone()
    try:
        out = subprocess.run([sys.executable, "-m", "bench.sweeper", url], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
    finally:
        data.drop(url)
    report = json.loads(out.strip().splitlines()[-1])
    return report["peak_rss_kib"] / 1024, report["changed"]


def run(ctx: Context) -> list[Result]:
    """Peak RSS at N and at N/10 cases; the ratio says whether memory grows with N."""
    small_size = max(ctx.dataset.size // 10, 1_000)
    db = ctx.dataset.url if ctx.dataset.is_pg else None
    small = dataset.prepare(small_size, db.rsplit("/", 1)[0] + "/postgres" if db else None)
    big_mib, big_changed = peak_rss_mib(ctx.dataset)
    small_mib, small_changed = peak_rss_mib(small)
    return [check(Result(
        f"memory: sweep worker peak RSS ({ctx.backend})", "MiB", [big_mib],
        f"at {small_size:,} cases", [small_mib], "≤ 1.5× (flat in N)", higher_is_better=False,
        note=f"{ctx.dataset.size:,} cases ({big_changed:,} changed) vs {small_size:,} "
        f"({small_changed:,} changed); one subprocess each",
    ), maximum_ratio=1.5)]
