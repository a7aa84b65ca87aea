"""`caseflow submit|act`."""

from __future__ import annotations

import json

import click

from caseflow.cli.common import echo_json, plain_errors, read_json, runtime
from caseflow.domain.policy import Actor
from caseflow.services import accounts, actions
from caseflow.services.actions import ActionCommand
from caseflow.services.cases import submit_case


def _summary(case) -> dict:  # type: ignore[no-untyped-def]
    return {
        "id": case.id,
        "ref": case.ref,
        "state": case.state,
        "layer": case.layer,
        "unit": case.unit.code if case.unit else case.unit_id,
        "version": case.version,
        "routing_rule": case.routing_rule,
        "green_channel": case.green_channel,
        "deadlines": {k: v["due_at"] for k, v in case.deadlines.items()},
    }


@click.command()
@click.argument("source")
@click.option("--as", "username", default=None, help="Register as this dispatcher.")
def submit(source: str, username: str | None) -> None:
    """Submit a grievance given as JSON (file or -); prints the case and its tracking token."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        actor = Actor(role="resident", relation="owner", label="resident")
        if username:
            user = accounts.viewer_named(uow, username)
            actor = Actor(role=user.role, relation="holder", user_id=user.id, label=user.username)
        case, token = submit_case(uow, rt.rules(), read_json(source), actor, rt.now())
        echo_json(_summary(case) | {"tracking_token": token})


@click.command()
@click.argument("case")
@click.argument("action")
@click.option("--as", "username", required=True, help="The user who acts.")
@click.option("--note", default="", help="Why (required for some actions).")
@click.option("--data", default="{}", help='Extra data as JSON, e.g. \'{"outcome": "resolved"}\'.')
@click.option("--version", type=int, default=None, help="The version you saw (409 if stale).")
def act(case: str, action: str, username: str, note: str, data: str, version: int | None) -> None:
    """Take ACTION on CASE (id or reference) as a user."""
    rt = runtime()
    try:
        with plain_errors(), rt.uow() as uow:
            user = accounts.viewer_named(uow, username)
            command = ActionCommand(case, action, user, note, data=json.loads(data),
                                    expected_version=version, show=True)
            echo_json(_summary(actions.act(uow, rt.rules(), command, rt.now()).case))
    finally:
        rt.engine.dispose()  # a one-shot command leaves no pooled connection behind

