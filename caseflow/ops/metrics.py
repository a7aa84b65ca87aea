"""Prometheus metrics, all named `caseflow_*`.

Counters and histograms live in the process that observes them; with
`PROMETHEUS_MULTIPROC_DIR` set (gunicorn workers and sweep workers on one machine share the
directory) the scrape adds them up across processes. Case and outbox figures are read from
the database at scrape time, so they are right whichever process answers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from caseflow.rules import RuleSet
from caseflow.services.calendars import holiday_outlook
from caseflow.services.metrics import snapshot
from caseflow.services.uow import UnitOfWork

REQUEST_SECONDS = Histogram(
    "caseflow_http_request_duration_seconds",
    "Time to answer an HTTP request.",
    ["method", "endpoint", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SWEEP_SECONDS = Histogram(
    "caseflow_sweep_duration_seconds", "Time one sweep took.",
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300),
)
SWEEP_CASES = Counter("caseflow_sweep_cases", "Cases the sweep changed.", ["step"])
DELIVERIES = Counter("caseflow_outbox_deliveries", "Delivery attempts by outcome.", ["outcome"])


class DatabaseCollector(Collector):
    """Open cases by layer, overdue cases and the outbox backlog, queried per scrape."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork], now: Callable[[], datetime]):
        self.uow_factory, self.now = uow_factory, now

    def collect(self) -> Iterator[GaugeMetricFamily]:
        with self.uow_factory() as uow:
            figures = snapshot(uow, self.now())
        by_layer = GaugeMetricFamily("caseflow_open_cases", "Open cases.", labels=["layer"])
        for layer, count in sorted(figures.open_by_layer.items()):
            by_layer.add_metric([layer], count)
        yield by_layer
        yield GaugeMetricFamily("caseflow_overdue_cases", "Open cases past a deadline.",
                                value=figures.overdue)
        outbox = GaugeMetricFamily("caseflow_outbox_messages", "Outbox messages.",
                                   labels=["status"])
        for status in ("pending", "delivered", "dead"):
            outbox.add_metric([status], figures.outbox.get(status, 0))
        yield outbox


class HolidaysCollector(Collector):
    """1 from 1 November while next year's public holidays are unknown, else 0."""

    def __init__(self, rules: Callable[[], RuleSet], now: Callable[[], datetime]):
        self.rules, self.now = rules, now

    def collect(self) -> Iterator[GaugeMetricFamily]:
        outlook = holiday_outlook(self.rules(), self.now())
        gauge = GaugeMetricFamily(
            "caseflow_holidays_next_year_unknown",
            "1 when next year's public holidays are unknown from 1 November (import them).",
            labels=["year"])
        gauge.add_metric([str(outlook.next_year)], 1 if outlook.warn else 0)
        yield gauge


def exposition(uow_factory: Callable[[], UnitOfWork], now: Callable[[], datetime],
               rules: Callable[[], RuleSet] | None = None) -> bytes:
    """The text a scrape receives: process metrics (summed across processes in multiprocess
    mode) followed by the database figures (and the holiday outlook, given the rules)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        processes = generate_latest(registry)
    else:
        processes = generate_latest(REGISTRY)
    database = CollectorRegistry()
    database.register(DatabaseCollector(uow_factory, now))
    if rules is not None:
        database.register(HolidaysCollector(rules, now))
    return processes + generate_latest(database)


__all__ = ["CONTENT_TYPE_LATEST", "DELIVERIES", "REQUEST_SECONDS", "SWEEP_CASES",
           "SWEEP_SECONDS", "exposition"]
