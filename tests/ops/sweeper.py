"""A sweep worker for tests: `python -m tests.ops.sweeper URL NOW [--hang-before-commit]`.

With `--hang-before-commit` it does the whole first batch, prints `mid-batch` and waits
for the test to kill it, so a SIGKILL lands between the statements and the commit.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime

from caseflow.domain.clock import FrozenClock
from caseflow.services.runtime import Runtime
from caseflow.services.sweep import sweep
from caseflow.services.uow import UnitOfWork
from tests.conftest import RULES_DIR


class HangingUnitOfWork(UnitOfWork):
    """Stops just before committing and waits on stdin (the test kills it there)."""

    def commit(self) -> None:
        print("mid-batch", flush=True)
        sys.stdin.read()
        raise SystemExit("stdin closed before the kill")


def main(argv: list[str]) -> None:
    url, now = argv[0], datetime.fromisoformat(argv[1])
    runtime = Runtime.from_url(url, RULES_DIR, FrozenClock(now))
    rules = runtime.rules()
    factory = runtime.uow
    if "--hang-before-commit" in argv:
        def factory() -> UnitOfWork:
            return HangingUnitOfWork(runtime.session_factory)
    report = sweep(factory, rules, now)
    print(json.dumps({"escalated": report.escalated, "total": report.total()}), flush=True)
    runtime.engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1:])
