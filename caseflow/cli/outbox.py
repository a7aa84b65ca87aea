"""`caseflow outbox list|replay`: look at notifications and send failed ones again."""

from __future__ import annotations

import click

from caseflow.cli.common import plain_errors, runtime
from caseflow.services.outbox import OUTBOX_STATUSES, list_messages, replay


@click.group()
def outbox() -> None:
    """Notifications waiting, delivered or dead."""


@outbox.command("list")
@click.option("--status", type=click.Choice(OUTBOX_STATUSES), help="Only this status.")
@click.option("--limit", default=50, show_default=True)
def list_(status: str | None, limit: int) -> None:
    """Messages newest first: id, status, attempts, kind, case, last error."""
    rt = runtime()
    with rt.uow() as uow:
        messages = list_messages(uow, status, limit)
        for m in messages:
            ref = m.payload.get("case", {}).get("ref", "")
            click.echo(f"{m.id:>8} {m.status:<9} {m.attempts:>2} {m.kind:<22} {ref:<16} "
                       f"{m.last_error[:60]}")
    click.echo(f"{len(messages)} message(s)")


@outbox.command("replay")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all-dead", is_flag=True, help="Every dead message.")
def replay_(ids: tuple[int, ...], all_dead: bool) -> None:
    """Send messages again from the first attempt: by ID, or --all-dead."""
    if not ids and not all_dead:
        raise click.UsageError("give message ids or --all-dead")
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        count = replay(uow, rt.now(), ids, all_dead)
    click.echo(f"{count} message(s) queued again")
