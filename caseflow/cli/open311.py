"""`caseflow open311 waiting|register|dismiss`: Open311 reports waiting for a dispatcher."""

from __future__ import annotations

import click

from caseflow.cli.common import echo_json, plain_errors, runtime
from caseflow.services import georeport_intake

AS_OPTION = click.option("--as", "username", required=True,
                         help="The dispatcher (or administrator) who acts.")


@click.group()
def open311() -> None:
    """Open311 reports whose address named no known place, waiting for a dispatcher."""


@open311.command("waiting")
@AS_OPTION
def waiting(username: str) -> None:
    """The reports this dispatcher may place, oldest first, as JSON."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        echo_json(georeport_intake.waiting_reports(uow, username))


@open311.command("register")
@click.argument("request_id", type=int)
@click.option("--unit", required=True, help="The code of the complex or building it is about.")
@AS_OPTION
def register(request_id: int, unit: str, username: str) -> None:
    """Register report REQUEST_ID as a case at --unit; prints the case reference."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        echo_json(georeport_intake.register_report(
            uow, rt.rules(), request_id, username, unit, rt.now()
        ))


@open311.command("dismiss")
@click.argument("request_id", type=int)
@click.option("--reason", required=True, help="Why; the Open311 client reads it back.")
@AS_OPTION
def dismiss(request_id: int, reason: str, username: str) -> None:
    """Dismiss report REQUEST_ID with a reason."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        georeport_intake.dismiss_report(uow, request_id, username, reason, rt.now())
    click.echo(f"intake request {request_id} dismissed")
