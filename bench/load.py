"""A small load generator: threads with keep-alive `http.client` connections on 127.0.0.1."""

from __future__ import annotations

import http.client
import json
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# (method, path, body, headers) for each request of one case's cycle.
Request = tuple[str, str, dict[str, Any] | None, dict[str, str]]


@dataclass
class LoadResult:
    """Latencies (seconds) of every request and the wall time of the whole run."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    def percentile(self, p: float) -> float:
        """The p-th percentile latency in milliseconds."""
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    @property
    def rps(self) -> float:
        """Requests per second over the run."""
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def drive(port: int, jobs: list[Any], cycle: Callable[[Any], list[Request]], threads: int = 4,
          time_limit: float = 30.0) -> LoadResult:
    """Run every job's requests in order, jobs spread over `threads`, until done or timed out."""
    todo: queue.Queue[Any] = queue.Queue()
    for job in jobs:
        todo.put(job)
    result, lock = LoadResult(), threading.Lock()
    deadline = time.perf_counter() + time_limit

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < deadline:
            try:
                job = todo.get_nowait()
            except queue.Empty:
                break
            for method, path, body, headers in cycle(job):
                start = time.perf_counter()
                conn.request(method, path, json.dumps(body) if body is not None else None,
                             {"Content-Type": "application/json", **headers})
                response = conn.getresponse()
                response.read()
                elapsed = time.perf_counter() - start
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()  # sync workers close after each response: reconnect
                with lock:
                    result.latencies.append(elapsed)
                    result.errors += response.status >= 400
        conn.close()

    start = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    result.seconds = time.perf_counter() - start
    return result
