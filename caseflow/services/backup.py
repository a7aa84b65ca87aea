"""Backups: one archive with the database, the attachment files and a manifest of hashes.

The database is copied by SQLite's online backup API or by pg_dump; both are safe while
the app runs (a consistent snapshot). The archive is a tar file:
- `manifest.json`: format, database dialect, time, and the sha256 and size of every file;
- `database.sqlite` or `database.pgdump`;
- `attachments/...`: the photo files, by their path under the attachments folder.
A restore reads the whole archive and checks every hash before it touches the database or
a file, and every failure is one line (InvalidInput), never a traceback.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 (pg_dump / pg_restore, with argument lists, never a shell)
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import Engine

from caseflow.domain.errors import InvalidInput


def _sqlite_path(engine: Engine) -> str:
    database = engine.url.database
    if not database or database == ":memory:":
        raise InvalidInput("database", "an in-memory SQLite database cannot be backed up")
    return database


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore: from CASEFLOW_PG_BIN, the PATH, or the newest server install."""
    folder = os.environ.get("CASEFLOW_PG_BIN")
    if folder:
        return str(Path(folder) / name)
    found = shutil.which(name)
    if found:
        return found
    installed = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not installed:
        raise InvalidInput("backup", f"{name} not found: install the PostgreSQL client tools")
    return installed[-1]


def _libpq_url(engine: Engine) -> str:
    # pg_dump speaks libpq URLs: drop SQLAlchemy's "+psycopg" driver suffix.
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


FORMAT = "caseflow-backup/1"
DUMP_NAMES = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _run(tool: str, *args: str) -> None:
    """Run pg_dump / pg_restore; a failure is its last line of stderr."""
    try:
        subprocess.run([pg_tool(tool), *args], check=True, capture_output=True, text=True)  # noqa: S603
    except subprocess.CalledProcessError as error:
        lines = [line for line in (error.stderr or "").splitlines() if line.strip()]
        raise InvalidInput("backup", f"{tool} failed: {lines[-1] if lines else error}") from None


def _dump(engine: Engine, target: Path) -> None:
    if engine.dialect.name == "sqlite":
        source = sqlite3.connect(_sqlite_path(engine))
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
    else:
        _run("pg_dump", "--format=custom", "--no-owner", f"--file={target}",
             f"--dbname={_libpq_url(engine)}")


def backup(engine: Engine, target: str | os.PathLike[str],
           attachments: str | os.PathLike[str] | None = None) -> Path:
    """Write one archive: the database, every file under `attachments`, their manifest."""
    target, dump_name = Path(target), DUMP_NAMES.get(engine.dialect.name, "database")
    folder = Path(attachments) if attachments else None
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / dump_name
        _dump(engine, dump)
        files = {dump_name: dump}
        if folder is not None and folder.is_dir():
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                files[f"attachments/{path.relative_to(folder).as_posix()}"] = path
        manifest = {"format": FORMAT, "dialect": engine.dialect.name,
                    "created_at": datetime.now(UTC).isoformat(),
                    "files": {name: {"sha256": _sha256(path), "size": path.stat().st_size}
                              for name, path in files.items()}}
        (Path(work) / "manifest.json").write_text(json.dumps(manifest, indent=1))
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w") as archive:
            archive.add(Path(work) / "manifest.json", "manifest.json")
            for name, path in files.items():
                archive.add(path, name)
        partial.replace(target)  # a half-written archive never has the final name
    return target


def _read_manifest(archive: tarfile.TarFile, name: str) -> dict[str, Any]:
    try:
        member = archive.extractfile("manifest.json")
        manifest = json.loads(member.read()) if member is not None else None
    except (KeyError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT \
            or not isinstance(manifest.get("files"), dict):
        raise InvalidInput("file", f"{name}: not a caseflow backup (no valid manifest.json)")
    return manifest


def _unpack(source: Path, work: Path) -> dict[str, Any]:
    """Extract the archive into `work` and check it against its manifest; nothing else."""
    try:
        with tarfile.open(source, "r:") as archive:  # written uncompressed by `backup`
            manifest = _read_manifest(archive, source.name)
            listed = manifest["files"]
            for member in archive.getmembers():
                where = PurePosixPath(member.name)
                if member.name == "manifest.json":
                    continue
                if member.name not in listed or not member.isfile() or where.is_absolute() \
                        or ".." in where.parts:
                    raise InvalidInput("file", f"{source.name}: unexpected entry {member.name!r}")
                archive.extract(member, work, filter="data")
    except (tarfile.TarError, OSError, EOFError) as error:
        reason = (str(error).splitlines() or ["unreadable"])[0]
        raise InvalidInput("file", f"{source.name}: not a readable backup archive ({reason}); "
                                   "make one with `caseflow backup`") from None
    for name, expected in listed.items():
        path = work / name
        if not path.is_file():
            raise InvalidInput("file", f"{source.name}: {name} is listed but missing")
        if _sha256(path) != expected.get("sha256"):
            raise InvalidInput("file", f"{source.name}: {name} does not match its sha256")
    return manifest


def restore(engine: Engine, source: str | os.PathLike[str],
            attachments: str | os.PathLike[str] | None = None) -> None:
    """Replace the database (and the attachment files) with an archive made by `backup`.

    The archive is unpacked and every hash checked first; only then is anything replaced.
    Stop app processes and workers first: a restore rewrites every table.
    """
    source = Path(source)
    if not source.is_file():
        raise InvalidInput("file", f"{source}: no such backup file")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        manifest = _unpack(source, work)
        dump_name = DUMP_NAMES.get(engine.dialect.name, "database")
        if manifest.get("dialect") != engine.dialect.name or dump_name not in manifest["files"]:
            raise InvalidInput("file", f"{source.name}: a {manifest.get('dialect')} backup "
                                       f"cannot be restored into {engine.dialect.name}")
        _restore_database(engine, work / dump_name)
        if attachments is not None and (work / "attachments").is_dir():
            shutil.copytree(work / "attachments", Path(attachments), dirs_exist_ok=True)


def _restore_database(engine: Engine, dump: Path) -> None:
    engine.dispose()  # no pooled connection may hold the old database open
    if engine.dialect.name == "sqlite":
        try:
            backup_copy = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
            live = sqlite3.connect(_sqlite_path(engine))
            try:
                backup_copy.backup(live)
            finally:
                live.close()
                backup_copy.close()
        except sqlite3.DatabaseError as error:
            raise InvalidInput("backup", f"the database copy cannot be read: {error}") from None
        return
    _run("pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
         f"--dbname={_libpq_url(engine)}", str(dump))
