"""`python -m bench.sweeper URL`: sweep as of the benchmark's NOW, print seconds and peak RSS.

Run as its own process so that its peak resident memory is the sweep's and nothing else's.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from bench.classes import NOW
from caseflow.domain.clock import FrozenClock
from caseflow.services.runtime import Runtime
from caseflow.services.sweep import sweep


def main(url: str, summaries: bool = True) -> None:
    """Sweep the database at `url` once and report on stdout as JSON."""
    runtime = Runtime.from_url(url, clock=FrozenClock(NOW))
    if not summaries:
        from bench.scenarios.summary import summaries_off

        summaries_off(runtime.engine)
    rules = runtime.rules()
    before = high_water_kib()
    start = time.perf_counter()
    report = sweep(runtime.uow, rules, NOW)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "changed": report.total(),
                      "rss_before_kib": before, "peak_rss_kib": high_water_kib()}))


def high_water_kib() -> int:
    """This process's peak RSS (VmHWM). Not ru_maxrss: Linux carries that over from the
    parent across fork and exec, so a child of a big parent reports the parent's size."""
    status = Path("/proc/self/status").read_text()
    return int(next(x for x in status.splitlines() if x.startswith("VmHWM:")).split()[1])


if __name__ == "__main__":
    main(sys.argv[1], "--summaries-off" not in sys.argv[2:])
