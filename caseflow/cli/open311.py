"""`caseflow open311 waiting|register|dismiss`: Open311 reports waiting for a dispatcher."""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy.orm import Session

from caseflow.cli.common import echo_json, plain_errors, runtime
from caseflow.domain.errors import NotFound
from caseflow.models import IntakeRequest
from caseflow.services import intake_requests
from caseflow.services.users import find_user

AS_OPTION = click.option("--as", "username", required=True,
                         help="The dispatcher (or administrator) who acts.")


def _user_id(session: Session, username: str) -> int:
    user = find_user(session, username)
    if user is None:
        raise NotFound(f"user {username}")
    return user.id


def _row(request: IntakeRequest) -> dict[str, Any]:
    reporter = request.submission.get("reporter", {})
    return {
        "id": request.id,
        "received_at": request.received_at.isoformat(),
        "category": request.category,
        "title": request.title,
        "address_string": request.address_string,
        "description": request.submission.get("description", ""),
        "reporter": {"name": reporter.get("name", ""), "phone": reporter.get("phone", "")},
        "jurisdiction": request.jurisdiction.code if request.jurisdiction else None,
    }


@click.group()
def open311() -> None:
    """Open311 reports whose address named no known place, waiting for a dispatcher."""


@open311.command("waiting")
@AS_OPTION
def waiting(username: str) -> None:
    """The reports this dispatcher may place, oldest first, as JSON."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        found = intake_requests.waiting_requests(uow.session, _user_id(uow.session, username))
        echo_json([_row(request) for request in found])


@open311.command("register")
@click.argument("request_id", type=int)
@click.option("--unit", required=True, help="The code of the complex or building it is about.")
@AS_OPTION
def register(request_id: int, unit: str, username: str) -> None:
    """Register report REQUEST_ID as a case at --unit; prints the case reference."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        user_id = _user_id(uow.session, username)
        case = intake_requests.register(uow, rt.rules(), request_id, user_id, unit, rt.now())
        echo_json({"ref": case.ref, "state": case.state, "layer": case.layer,
                   "unit": case.unit.code, "place": unit})


@open311.command("dismiss")
@click.argument("request_id", type=int)
@click.option("--reason", required=True, help="Why; the Open311 client reads it back.")
@AS_OPTION
def dismiss(request_id: int, reason: str, username: str) -> None:
    """Dismiss report REQUEST_ID with a reason."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        user_id = _user_id(uow.session, username)
        intake_requests.dismiss(uow, request_id, user_id, reason, rt.now())
    click.echo(f"intake request {request_id} dismissed")
