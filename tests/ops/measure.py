"""Measure sweep, submit and delivery rates: `python -m tests.ops.measure [PG_URL]`.

Not a test: prints the figures docs/scale.md quotes. Uses a fresh SQLite file, and a fresh
PostgreSQL database when a server URL is given (e.g. the one `scripts/pg.sh start` prints).
"""

from __future__ import annotations

import sys
import tempfile
import time
import uuid

from sqlalchemy import create_engine, insert, text

from caseflow.db import make_engine
from caseflow.domain.clock import FrozenClock
from caseflow.models import OutboxMessage
from caseflow.services import migrations
from caseflow.services.cases import submit_case
from caseflow.services.delivery import Webhook, deliver
from caseflow.services.runtime import Runtime
from caseflow.services.sweep import sweep
from tests.conftest import RULES_DIR, START
from tests.factories import RESIDENT, build_tree, submission
from tests.ops.seeding import clone_cases
from tests.ops.webhook_server import Receiver


def fresh(url: str) -> Runtime:
    engine = make_engine(url)
    migrations.upgrade(engine)
    engine.dispose()
    runtime = Runtime.from_url(url, RULES_DIR, FrozenClock(START))
    build_tree(runtime)
    return runtime


def rate(label: str, count: int, seconds: float) -> None:
    print(f"{label:<44} {count:>7} in {seconds:6.2f}s = {count / seconds:>9,.0f}/s")


def measure(url: str, label: str) -> None:
    runtime = fresh(url)
    started = time.perf_counter()
    for n in range(300):
        with runtime.uow() as uow:
            submit_case(uow, runtime.rules(), submission(title=f"t{n}"), RESIDENT, runtime.now())
            uow.commit()
    rate(f"{label}: submit_case (one transaction each)", 300, time.perf_counter() - started)
    runtime.clock.set(clone_cases(runtime, 20_000))
    started = time.perf_counter()
    report = sweep(runtime.uow, runtime.rules(), runtime.now())
    rate(f"{label}: sweep escalations, one process", report.escalated,
         time.perf_counter() - started)
    with runtime.uow() as uow:
        now = runtime.now()
        uow.session.execute(insert(OutboxMessage), [
            {"kind": "escalated", "payload": {"n": n}, "idempotency_id": uuid.uuid4(),
             "status": "pending", "attempts": 0, "next_attempt_at": now, "last_error": "",
             "created_at": now} for n in range(2_000)])
        uow.commit()
    with Receiver() as receiver:
        started = time.perf_counter()
        done = deliver(runtime.uow, [Webhook("bench", receiver.url, "s")], runtime.now())
        rate(f"{label}: webhook deliveries, one worker", done.delivered,
             time.perf_counter() - started)
    runtime.engine.dispose()


def main(argv: list[str]) -> None:
    measure(f"sqlite:///{tempfile.mkdtemp()}/measure.sqlite", "SQLite")
    if argv:
        name = f"caseflow_measure_{uuid.uuid4().hex[:8]}"
        admin = create_engine(argv[0].replace("postgresql://", "postgresql+psycopg://", 1),
                              isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            measure(argv[0].rsplit("/", 1)[0] + f"/{name}", "PostgreSQL")
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main(sys.argv[1:])
