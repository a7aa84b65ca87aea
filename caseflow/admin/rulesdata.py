"""Rules pages' helpers: uploaded sets, numbered lines with issues, diffs, dry-run facts."""

from __future__ import annotations

import difflib
import io
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from markupsafe import Markup

from caseflow.domain.errors import InvalidInput
from caseflow.rules import RuleIssue

MAX_UPLOAD = 2_000_000


@dataclass(frozen=True)
class NumberedLine:
    """One line of a rules file with the issues reported at it."""

    number: int
    text: str
    issues: tuple[str, ...]


def numbered(text: str, issues: Iterable[RuleIssue], filename: str) -> list[NumberedLine]:
    """The file's lines, each with the messages `check_rules` gave for it."""
    at: dict[int, list[str]] = {}
    for issue in issues:
        if issue.file == filename:
            at.setdefault(max(issue.line, 1), []).append(issue.message)
    return [NumberedLine(n, line, tuple(at.get(n, ())))
            for n, line in enumerate(text.splitlines() or [""], start=1)]


def uploaded_texts(uploads: Iterable[Any]) -> dict[str, str]:
    """{file name: text} from uploaded .yaml files or .zip archives of them."""
    texts: dict[str, str] = {}
    for upload in uploads:
        name = PurePosixPath(upload.filename or "").name
        raw = upload.read(MAX_UPLOAD + 1)
        if len(raw) > MAX_UPLOAD:
            raise InvalidInput("files", f"{name} is larger than {MAX_UPLOAD} bytes")
        if name.endswith(".zip"):
            texts.update(_from_zip(raw))
        elif name.endswith((".yaml", ".yml")):
            texts[name.replace(".yml", ".yaml")] = _decode(name, raw)
        elif name:
            raise InvalidInput("files", f"{name}: upload .yaml files or a .zip of them")
    if not texts:
        raise InvalidInput("files", "choose at least one .yaml file or a .zip")
    return texts


def _from_zip(raw: bytes) -> dict[str, str]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise InvalidInput("files", "the .zip file cannot be read") from None
    texts = {}
    for info in archive.infolist():
        name = PurePosixPath(info.filename).name
        if name.endswith(".yaml") and info.file_size <= MAX_UPLOAD:
            texts[name] = _decode(name, archive.read(info))
    return texts


def _decode(name: str, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("files", f"{name} is not UTF-8 text") from None


def diff_tables(old: Mapping[str, str], new: Mapping[str, str]) -> list[tuple[str, Markup]]:
    """One side-by-side HTML table per changed file (difflib; no inline style is emitted)."""
    differ = difflib.HtmlDiff(wrapcolumn=70)
    tables = []
    for name in sorted(set(old) | set(new)):
        before, after = old.get(name, ""), new.get(name, "")
        if before == after:
            continue
        table = differ.make_table(before.splitlines(), after.splitlines(), name, name,
                                  context=True, numlines=2)
        tables.append((name, Markup(table.replace(' nowrap="nowrap"', ""))))  # noqa: S704
    return tables


def dry_run_facts(form: Mapping[str, str], place: Any) -> dict[str, Any]:
    """The facts `RuleSet.route` reads, from the dry-run form and the chosen place."""
    reporter = {flag: True for flag in ("elderly", "disabled") if form.get(flag)}
    tags = [t.strip() for t in form.get("tags", "").split(",") if t.strip()]
    facts: dict[str, Any] = {
        "category": form.get("category", ""),
        "channel": form.get("channel") or "web",
        "tags": tags,
        "text": form.get("text", ""),
        "reporter": reporter,
        "place": {"kind": place.kind, "code": place.code, **place.attrs} if place else {},
        "green_channel": False,
        "repeat_count": int(form.get("repeat_count") or 0),
    }
    if form.get("priority"):
        facts["priority"] = form["priority"]
    return facts
