"""One backup archive: database, photos and a manifest; restore checks it before anything.

Round trip with attachments on SQLite and PostgreSQL; damaged, foreign and truncated
archives are refused with one line and leave the database and files untouched.
"""

from __future__ import annotations

import io
import json
import tarfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import delete

from caseflow.cli import main
from caseflow.domain.errors import InvalidInput
from caseflow.models import OutboxMessage
from caseflow.services.backup import backup, restore
from tests.ops.test_backup import contents, populate


def photos(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def attachments(tmp_path: Path) -> Path:
    folder = tmp_path / "attachments"
    (folder / "1").mkdir(parents=True)
    (folder / "1" / "ab12.jpg").write_bytes(b"\xff\xd8\xff photo before")
    (folder / "2").mkdir()
    (folder / "2" / "cd34.png").write_bytes(b"\x89PNG photo after")
    return folder


def test_a_backup_round_trip_brings_back_the_database_and_the_photos(
        runtime, clock, tmp_path: Path, attachments: Path) -> None:  # type: ignore[no-untyped-def]
    populate(runtime, clock)
    before, files = contents(runtime.engine), photos(attachments)
    archive = backup(runtime.engine, tmp_path / "caseflow.tar", attachments)
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert set(manifest["files"]) >= {"attachments/1/ab12.jpg", "attachments/2/cd34.png"}
    with runtime.uow() as uow:
        uow.session.execute(delete(OutboxMessage))
        uow.commit()
    (attachments / "1" / "ab12.jpg").unlink()
    restore(runtime.engine, archive, attachments)
    assert contents(runtime.engine) == before and photos(attachments) == files


def _rewrite(archive: Path, name: str, data: bytes) -> None:
    """Replace one member's bytes, keeping the manifest (a damaged or forged archive)."""
    with tarfile.open(archive) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]
    members[name] = data
    with tarfile.open(archive, "w") as tar:
        for member, payload in members.items():
            info = tarfile.TarInfo(member)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))


def refused(runtime, archive: Path, attachments: Path, fragment: str) -> None:  # type: ignore[no-untyped-def]
    before, files = contents(runtime.engine), photos(attachments)
    started = time.perf_counter()
    with pytest.raises(InvalidInput) as error:
        restore(runtime.engine, archive, attachments)
    assert time.perf_counter() - started < 1.0
    assert fragment in str(error.value) and "\n" not in str(error.value)
    assert contents(runtime.engine) == before and photos(attachments) == files


def test_a_photo_that_does_not_match_the_manifest_stops_the_restore(
        runtime, clock, tmp_path: Path, attachments: Path) -> None:  # type: ignore[no-untyped-def]
    populate(runtime, clock)
    archive = backup(runtime.engine, tmp_path / "b.tar", attachments)
    _rewrite(archive, "attachments/2/cd34.png", b"tampered")
    refused(runtime, archive, attachments, "attachments/2/cd34.png does not match its sha256")


def test_an_entry_outside_the_manifest_stops_the_restore(
        runtime, clock, tmp_path: Path, attachments: Path) -> None:  # type: ignore[no-untyped-def]
    archive = backup(runtime.engine, tmp_path / "b.tar", attachments)
    _rewrite(archive, "../../etc/cron.d/evil", b"* * * * * root sh")
    refused(runtime, archive, attachments, "unexpected entry")


@pytest.mark.parametrize("payload", [b"", b"not a dump at all", b"PGDMP\x01garbage" * 10])
def test_a_file_that_is_no_archive_is_one_line(runtime, tmp_path: Path, attachments: Path,
                                               payload: bytes) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.dump"
    bad.write_bytes(payload)
    refused(runtime, bad, attachments, "bad.dump")


def test_a_truncated_archive_is_one_line(runtime, clock, tmp_path: Path,
                                         attachments: Path) -> None:  # type: ignore[no-untyped-def]
    archive = backup(runtime.engine, tmp_path / "b.tar", attachments)
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    refused(runtime, archive, attachments, "b.tar")


def test_the_cli_says_one_line_for_a_bad_dump(database_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.dump"
    bad.write_bytes(b"garbage")
    result = CliRunner().invoke(main, ["restore", "--yes", str(bad), "--attachments",
                                       str(tmp_path / "photos")],
                                env={"CASEFLOW_DATABASE_URL": database_url})
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.strip().splitlines()[-1].startswith("Error: invalid_input: file:")
