"""Scenario 5: peak RSS of a sweeping worker at the chosen size and at a tenth of it.

Memory must not grow with the number of cases: the sweep claims batches, so the peak at
N cases should be about the peak at N/10. (The API's RSS under load is in the api scenario.)
"""

from __future__ import annotations

from bench import dataset
from bench.context import Context
from bench.harness import Result, check
from bench.scenarios import sweep


def peak_rss_mib(data: dataset.Dataset) -> float:
    """Peak RSS (MiB) of a fresh process sweeping a copy of `data` (reused from the sweep
    scenario when it already swept this template in this run)."""
    if data.url in sweep.PEAK_RSS:
        return sweep.PEAK_RSS[data.url]
    url = data.clone()
    try:
        _, _, peak = sweep.run_sweep(url)
    finally:
        data.drop(url)
    sweep.PEAK_RSS[data.url] = peak
    return peak


def run(ctx: Context) -> list[Result]:
    """Peak RSS at N and at N/10 cases; the ratio says whether memory grows with N."""
    small_size = max(ctx.dataset.size // 10, 1_000)
    db = ctx.dataset.url if ctx.dataset.is_pg else None
    small = dataset.prepare(small_size, db.rsplit("/", 1)[0] + "/postgres" if db else None)
    big_mib = peak_rss_mib(ctx.dataset)
    small_mib = peak_rss_mib(small)
    result = check(Result(
        f"memory: sweep worker peak RSS ({ctx.backend})", "MiB", [big_mib],
        f"at {small_size:,} cases", [small_mib], "≤ 1.3× (flat in N)", higher_is_better=False,
        note=f"{ctx.dataset.size:,} cases vs {small_size:,}; a fresh subprocess each "
        "(VmHWM)",
    ), maximum_ratio=1.3)
    if result.ok is False:
        result.limits = (
            f"the peak grows by {big_mib - small_mib:.0f} MiB; a batch's rows and its "
            "statements are freed as it ends (sweep._run), SQLite's page cache is bounded "
            "(sweeping.sql.BATCH_CACHE_KIB) and so are the pages one statement changes "
            "(sweeping.sql.CHUNK cases a statement): what is left grows elsewhere")
    return [result]
