"""What every command shares: the runtime, JSON input, and errors as plain messages."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from caseflow.config import instance_path, rules_dir
from caseflow.db import default_url
from caseflow.domain.errors import CaseflowError
from caseflow.services.runtime import Runtime


def runtime() -> Runtime:
    """A runtime on the configured database and rules directory."""
    return Runtime.from_url(default_url(instance_path()), rules_dir())


def read_json(source: str) -> Any:
    """JSON from a file path or `-` for standard input."""
    text = sys.stdin.read() if source == "-" else open(source, encoding="utf-8").read()
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
        raise click.ClickException(f"{error.code}: {error}") from None


def echo_json(data: Any) -> None:
    """Print JSON with Chinese left readable."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


Command = Callable[..., Any]
