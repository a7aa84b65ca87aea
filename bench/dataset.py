"""A generated database per (backend, size), kept as a template and cloned for destructive runs.

SQLite: a file under the data directory, copied for each run that changes it. PostgreSQL: a
database in the server named by --db, cloned with CREATE DATABASE … TEMPLATE. A template
is reused while the generator's sources and the migrations are unchanged (its name carries
a fingerprint of them); `--fresh` regenerates it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

from bench import classes, datagen, eventload, loaders, summaries, tree
from bench.classes import NOW
from caseflow.domain.clock import FrozenClock
from caseflow.services import migrations
from caseflow.services.runtime import Runtime

DATA_DIR = Path(os.environ.get("CASEFLOW_BENCH_DATA", "/tmp/caseflow-bench"))
SOURCES = (classes, datagen, eventload, loaders, summaries, tree)
MIGRATIONS = Path(migrations.__file__).resolve().parent.parent / "migrations" / "versions"


def fingerprint() -> str:
    """Changes whenever the generator or the schema changes."""
    digest = hashlib.sha256()
    for module in SOURCES:
        digest.update(Path(module.__file__).read_bytes())  # type: ignore[arg-type]
    for path in sorted(MIGRATIONS.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


@dataclass
class Dataset:
    """A generated template database and how to get a private copy of it."""

    url: str  # the template: read-only scenarios use it directly
    size: int
    generated_in: float | None  # seconds, None when an existing template was reused

    @property
    def is_pg(self) -> bool:
        """Whether the template lives in PostgreSQL."""
        return self.url.startswith("postgresql")

    def clone(self) -> str:
        """A private copy of the template for a scenario that changes data; drop() it after."""
        if not self.is_pg:
            target = DATA_DIR / f"run-{uuid.uuid4().hex[:8]}.sqlite"
            shutil.copyfile(self.url.removeprefix("sqlite:///"), target)
            return f"sqlite:///{target}"
        name = f"cfbench_run_{uuid.uuid4().hex[:8]}"
        _pg_admin(self.url, f'CREATE DATABASE "{name}" TEMPLATE "{_db_name(self.url)}"')
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def drop(self, url: str) -> None:
        """Remove a copy made by clone()."""
        if url.startswith("postgresql"):
            _pg_admin(self.url, f'DROP DATABASE IF EXISTS "{_db_name(url)}" WITH (FORCE)')
            return
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def _owner() -> str:
    """A suffix that keeps PostgreSQL templates apart like CASEFLOW_BENCH_DATA keeps SQLite
    files apart: a template cannot be cloned while another run reads it."""
    if "CASEFLOW_BENCH_DATA" not in os.environ:
        return ""
    return "_" + hashlib.sha256(str(DATA_DIR).encode()).hexdigest()[:6]


def _db_name(url: str) -> str:
    return url.rsplit("/", 1)[1].split("?")[0]


def _pg_admin(url: str, sql: str) -> None:
    admin = url.rsplit("/", 1)[0] + "/postgres"
    engine = create_engine(admin.replace("postgresql://", "postgresql+psycopg://", 1),
                           isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


def _pg_exists(url: str) -> bool:
    admin = url.rsplit("/", 1)[0] + "/postgres"
    engine = create_engine(admin.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        found = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                            {"n": _db_name(url)})
    engine.dispose()
    return bool(found)


def prepare(size: int, db: str | None = None, fresh: bool = False, seed: int = 8) -> Dataset:
    """The template for this size, generated now unless a matching one exists."""
    tag = f"{size}_{fingerprint()}"
    if db and db.startswith("postgresql"):
        url = db.rsplit("/", 1)[0] + f"/cfbench_{tag}{_owner()}"
        exists = _pg_exists(url)
        if exists and fresh:
            _pg_admin(url, f'DROP DATABASE "{_db_name(url)}" WITH (FORCE)')
        if exists and not fresh:
            return Dataset(url, size, None)
        _pg_admin(url, f'CREATE DATABASE "{_db_name(url)}"')
    else:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path = DATA_DIR / f"caseflow-{tag}.sqlite"
        url = f"sqlite:///{path}"
        if path.exists() and not fresh:
            return Dataset(url, size, None)
        path.unlink(missing_ok=True)
    start = time.perf_counter()
    try:
        generate(url, size, seed)
    except BaseException:  # a half-written template would be reused by the next run
        _discard(url)
        raise
    return Dataset(url, size, time.perf_counter() - start)


def _discard(url: str) -> None:
    if url.startswith("postgresql"):
        _pg_admin(url, f'DROP DATABASE IF EXISTS "{_db_name(url)}" WITH (FORCE)')
        return
    path = url.removeprefix("sqlite:///")
    for suffix in ("", "-wal", "-shm", ".events"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def generate(url: str, size: int, seed: int) -> datagen.Counts:
    """Migrate, import the tree, activate the shipped rules and bulk-load the cases."""
    runtime = Runtime.from_url(url, clock=FrozenClock(NOW))
    migrations.upgrade(runtime.engine)
    rules = runtime.rules()  # activates the shipped rule set, as a first start would
    forest = tree.build(runtime, rules)
    maker = datagen.RowMaker(rules, forest, seed, pg=url.startswith("postgresql"))
    runtime.engine.dispose()
    # The loader counts the summaries its triggers would have kept as it writes.
    counts = datagen.load(runtime.engine, maker, size, seed)
    runtime.engine.dispose()
    return counts
