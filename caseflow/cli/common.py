"""What every command shares: the runtime, JSON input, and errors as plain messages."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from caseflow.config import instance_path, rules_dir
from caseflow.db import default_url
from caseflow.domain.clock import FrozenClock
from caseflow.domain.errors import CaseflowError
from caseflow.error_responses import cli_message
from caseflow.services.runtime import Runtime


def runtime() -> Runtime:
    """A runtime on the configured database and rules directory.

    `CASEFLOW_NOW` (an ISO time with zone) freezes the clock: for rehearsals, replays and tests.
    """
    frozen = os.environ.get("CASEFLOW_NOW")
    clock = FrozenClock(datetime.fromisoformat(frozen)) if frozen else None
    return Runtime.from_url(default_url(instance_path()), rules_dir(), clock)


def read_json(source: str) -> Any:
    """JSON from a file path or `-` for standard input."""
    text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise click.ClickException(f"{source}: not valid JSON: {error}") from None


@contextmanager
def plain_errors() -> Iterator[None]:
    """Turn caseflow errors into one readable line and exit status 1."""
    try:
        yield
    except CaseflowError as error:
        *lines, last = cli_message(error)
        for line in lines:
            click.echo(line, err=True)
        raise click.ClickException(last) from None


def echo_json(data: Any) -> None:
    """Print JSON with Chinese left readable."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))

