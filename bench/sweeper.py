"""`python -m bench.sweeper URL`: sweep as of the benchmark's NOW, print seconds and peak RSS.

Run as its own process so that its peak resident memory is the sweep's and nothing else's.
"""

from __future__ import annotations

import json
import resource
import sys
import time

from bench.classes import NOW
from caseflow.domain.clock import FrozenClock
from caseflow.services.runtime import Runtime
from caseflow.services.sweep import sweep


def main(url: str) -> None:
    """Sweep the database at `url` once and report on stdout as JSON."""
    runtime = Runtime.from_url(url, clock=FrozenClock(NOW))
    rules = runtime.rules()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    report = sweep(runtime.uow, rules, NOW)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"seconds": seconds, "changed": report.total(),
                      "rss_before_kib": before, "peak_rss_kib": peak}))


if __name__ == "__main__":
    main(sys.argv[1])
