"""What every edge needs: the database, the clock and the active rules, built once."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from caseflow.db import make_engine, make_session_factory
from caseflow.domain.clock import Clock, SystemClock
from caseflow.rules import RuleSet
from caseflow.services import rulesets
from caseflow.services.uow import UnitOfWork

DEFAULT_RULES_DIR = Path(__file__).resolve().parent.parent.parent / "rules"


@dataclass
class Runtime:
    """Holds the engine, session factory, clock and a cache of the active rule set."""

    engine: Engine
    session_factory: sessionmaker[Session]
    clock: Clock
    rules_dir: Path
    refresh_seconds: float = 2.0
    _cached: tuple[int, RuleSet] | None = field(default=None, repr=False)
    _checked_at: float = field(default=0.0, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def from_url(
        cls, url: str, rules_dir: str | Path | None = None, clock: Clock | None = None
    ) -> Runtime:
        """Build a runtime for a database URL."""
        engine = make_engine(url)
        return cls(
            engine,
            make_session_factory(engine),
            clock or SystemClock(),
            Path(rules_dir) if rules_dir else DEFAULT_RULES_DIR,
        )

    def uow(self) -> UnitOfWork:
        """A fresh unit of work."""
        return UnitOfWork(self.session_factory)

    def now(self) -> datetime:
        """The injected clock's time."""
        return self.clock.now()

    def rules(self) -> RuleSet:
        """The active rule set; every process notices a new activation within seconds."""
        with self._lock:
            if self._cached is None or time.monotonic() - self._checked_at > self.refresh_seconds:
                self._cached = self._load_active()
                self._checked_at = time.monotonic()
            return self._cached[1]

    def forget_rules(self) -> None:
        """Drop the cache so the next call reads the active version again."""
        with self._lock:
            self._cached = None

    def _load_active(self) -> tuple[int, RuleSet]:
        with self.uow() as uow:
            active = rulesets.active_rules(uow)
            if active is not None:
                return active
            ruleset = rulesets.activate_rules(
                uow,
                rulesets.read_rules_dir(self.rules_dir),
                by="system",
                now=self.now(),
                source=str(self.rules_dir),
            )
        with self.uow() as uow:
            active = rulesets.active_rules(uow)
            assert active is not None and active[1].version == ruleset.version  # noqa: S101
            return active
