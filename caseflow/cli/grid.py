"""`caseflow grid …`: memberships, follow-up calls, meeting tasks, and notices to people."""

from __future__ import annotations

import click

from caseflow.cli.common import plain_errors, runtime
from caseflow.services.accounts import viewer_named
from caseflow.services.grid import follow_up, memberships, notices, tasks


@click.group("grid")
def grid() -> None:
    """The people of the grid: memberships, follow-up calls (回访), tasks, notices."""


@grid.command("add-membership")
@click.argument("username")
@click.argument("unit")
@click.argument("role")
def add_membership(username: str, unit: str, role: str) -> None:
    """Give USERNAME the ROLE in one more UNIT (交叉任职; grid roles at buildings)."""
    with plain_errors(), runtime().uow() as uow:
        added = memberships.add_membership(uow, username, unit, role)
    click.echo(f"{added.username}: {added.role} at {added.unit_code} ({added.unit_name})")


@grid.command("memberships")
@click.argument("username")
def list_memberships(username: str) -> None:
    """Every role USERNAME holds."""
    with plain_errors(), runtime().uow() as uow:
        for row in memberships.memberships_of(uow, username):
            click.echo(f"{row.role:<16} {row.unit_code:<24} {row.unit_name}")


@grid.command("follow-ups")
@click.option("--as", "username", required=True, help="The dispatcher whose streets to list.")
def list_follow_ups(username: str) -> None:
    """Follow-up calls waiting: case, title, the resident's phone."""
    with plain_errors(), runtime().uow() as uow:
        calls = follow_up.follow_ups_for(uow, viewer_named(uow, username))
    for call in calls:
        click.echo(f"{call.ref:<20} {call.reporter['phone']!s:<14} {call.title}")
    click.echo(f"{len(calls)} call(s) waiting")


@grid.command("answer")
@click.argument("case")
@click.argument("outcome", type=click.Choice(follow_up.OUTCOMES))
@click.option("--as", "username", required=True, help="The dispatcher who made the call.")
@click.option("--note", default="")
def answer(case: str, outcome: str, username: str, note: str) -> None:
    """Record the resident's answer to the follow-up call on CASE."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        done = follow_up.record_follow_up(uow, rt.rules(), follow_up.FollowUpAnswer(
            viewer_named(uow, username), case, outcome, note), rt.now())
    click.echo(f"{done.ref}: {done.outcome}")


@grid.command("tasks")
@click.option("--as", "username", required=True, help="Whose tasks.")
def list_tasks(username: str) -> None:
    """Meeting tasks owned by a person or their units, overdue first."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        items = tasks.tasks_of(uow, rt.rules(), viewer_named(uow, username), rt.now())
    for item in items:
        click.echo(f"{item.status:<8} {item.due_on:<10} #{item.meeting_id}/{item.index} "
                   f"{item.title} ({item.owner})")
    click.echo(f"{len(items)} task(s)")


@grid.command("notify")
def notify() -> None:
    """Fan new outbox messages out to people and send what is due (quiet hours respected)."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        fanned = notices.fan_out(uow, rt.rules(), rt.now())
    with plain_errors(), rt.uow() as uow:
        sent = notices.send_notices(uow, rt.rules(), rt.now())
    click.echo(f"messages fanned out {fanned.fanned_out}, notices queued {fanned.queued}, "
               f"sent {sent.sent}, failed {sent.failed}")
    for error in sent.errors[:20]:
        click.echo(f"  {error}", err=True)
