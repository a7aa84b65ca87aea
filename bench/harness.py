"""Timing, results and the table: every figure is a median of several runs beside its baseline."""

from __future__ import annotations

import cProfile
import io
import json
import os
import platform
import pstats
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class Result:
    """One row of the table: a measured figure, its baseline and whether the target holds.

    `higher_is_better` says how to read the figure (rates) or not (seconds, bytes); `ratio`
    is always figure / baseline, and `target` is a plain-text description of the bar.
    """

    scenario: str
    unit: str
    samples: list[float]
    baseline_name: str = ""
    baseline_samples: list[float] = field(default_factory=list)
    target: str = ""
    ok: bool | None = None
    higher_is_better: bool = True
    note: str = ""
    # The machine's load average (1, 5, 15 min) as the scenario started and as it ended:
    # absolute figures on a shared machine swing with it (ratios much less).
    load: dict[str, list[float]] = field(default_factory=dict)
    # For a missed target: what limits it (a sentence) and the top of a profile of it.
    limits: str = ""
    profile: str = ""

    @property
    def median(self) -> float:
        """Median of the samples."""
        return statistics.median(self.samples) if self.samples else float("nan")

    @property
    def baseline_median(self) -> float | None:
        """Median of the baseline samples, when there is a baseline."""
        return statistics.median(self.baseline_samples) if self.baseline_samples else None

    @property
    def ratio(self) -> float | None:
        """figure / baseline (both medians)."""
        base = self.baseline_median
        return self.median / base if base else None

    def as_json(self) -> dict[str, Any]:
        """The row with its derived figures, for bench/results/latest.json."""
        return asdict(self) | {
            "median": self.median,
            "baseline_median": self.baseline_median,
            "ratio": self.ratio,
        }


def rate(count: int, seconds: float) -> float:
    """Operations per second."""
    return count / seconds if seconds > 0 else float("inf")


def timed(fn: Callable[[], Any]) -> float:
    """Seconds one call of `fn` takes on the monotonic clock."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def warm_samples(fn: Callable[[], Any], repeat: int) -> list[float]:
    """`repeat` timings of `fn` after one untimed call: the page cache and the statement
    caches are warm for every sample, as for a report read again and again."""
    fn()
    return [timed(fn) for _ in range(repeat)]


def check(result: Result, minimum_ratio: float | None = None, maximum_ratio: float | None = None,
          minimum: float | None = None, maximum: float | None = None) -> Result:
    """Set `ok` from the bars that apply (ratio bounds and absolute bounds)."""
    ok = True
    ratio = result.ratio
    if minimum_ratio is not None:
        ok &= ratio is not None and ratio >= minimum_ratio
    if maximum_ratio is not None:
        ok &= ratio is not None and ratio <= maximum_ratio
    if minimum is not None:
        ok &= result.median >= minimum
    if maximum is not None:
        ok &= result.median <= maximum
    result.ok = ok
    return result


def profile_of(fn: Callable[[], Any], lines: int = 8) -> tuple[str, str]:
    """Run `fn` once under cProfile: (the function that took most of its own time, with
    its share, and the top `lines` entries by own time)."""
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    try:
        fn()
    finally:
        profiler.disable()
    total = time.perf_counter() - start
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("tottime")
    stats.print_stats(lines)
    text = out.getvalue()
    body = text[text.find("ncalls"):] if "ncalls" in text else text
    entries = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])  # type: ignore[attr-defined]
    if not entries:
        return "", body
    (filename, line, name), (_, _, own, _, _) = entries[0]
    where = f"{name}" if filename == "~" else f"{Path(filename).name}:{line}({name})"
    return f"{where}: {own / total:.0%} of the profiled time", body.rstrip()


def explain(result: Result, fn: Callable[[], Any] | None, limits: str = "") -> Result:
    """For a missed target: say what limits it (`limits`, else the profile's top entry)
    and keep the top of a profile of `fn`, a run of what was measured."""
    if result.ok is not False:
        return result
    top, body = profile_of(fn) if fn is not None else ("", "")
    result.limits = "; ".join(part for part in (limits, f"profile: most time in {top}"
                                                if top else "") if part)
    result.profile = body
    return result


def verdicts(results: list[Result]) -> str:
    """Every target: met, or missed with what limits it and the profile's top lines."""
    lines = ["targets:"]
    for r in results:
        if r.ok is None:
            continue
        ratio = f"{r.ratio:.2f}×" if r.ratio is not None else _fmt(r.median, r.unit)
        if r.ok:
            lines.append(f"  met     {r.scenario}: {ratio} ({r.target})")
            continue
        lines.append(f"  MISSED  {r.scenario}: {ratio} ({r.target})")
        lines.append(f"          limited by: {r.limits or 'not profiled by its scenario'}")
        lines += [f"          | {line}" for line in r.profile.splitlines() if line.strip()]
    return "\n".join(lines)


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if value != value:  # NaN
        return "n/a"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"
    return f"{text} {unit}".strip()


def table(results: list[Result]) -> str:
    """A plain-text table: scenario, median, min–max, baseline, ratio, target, ok?."""
    head = ("scenario", "median", "min–max", "baseline (median)", "ratio", "target", "ok?")
    rows = [head]
    for r in results:
        spread = f"{_fmt(min(r.samples))}–{_fmt(max(r.samples))}" if r.samples else "—"
        base = f"{r.baseline_name}: {_fmt(r.baseline_median, r.unit)}" if r.baseline_name else "—"
        ratio = f"{r.ratio:.2f}×" if r.ratio is not None else "—"
        ok = {True: "yes", False: "NO", None: ""}[r.ok]
        rows.append((r.scenario, _fmt(r.median, r.unit), spread, base, ratio, r.target, ok))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(head))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"  * {r.scenario}: {r.note}" for r in results if r.note]
    return "\n".join(lines + ([""] + notes if notes else []))


def load_now() -> list[float]:
    """The 1, 5 and 15 minute load averages, rounded."""
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict[str, Any]:
    """What the figures ran on: Python, platform, CPUs and the load now."""
    return {"python": platform.python_version(), "platform": platform.platform(),
            "cpu_count": os.cpu_count(), "load": load_now()}


def write_json(results: list[Result], settings: dict[str, Any], path: Path | None = None) -> Path:
    """Write the run to bench/results/latest.json (git-ignored) so runs can be compared."""
    path = path or RESULTS / "latest.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "at": datetime.now(UTC).isoformat(),
        "machine": machine(),
        "settings": settings,
        "results": [r.as_json() for r in results],
    }
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
    return path
