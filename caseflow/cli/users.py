"""`caseflow users create` and `caseflow tokens create|revoke|list`."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from caseflow.cli.common import echo_json, plain_errors, runtime
from caseflow.services import accounts
from caseflow.services import tokens as token_service
from caseflow.services.runtime import Runtime
from caseflow.services.uow import UnitOfWork
from caseflow.services.users import LEAST_ROLE, ROLES


@contextmanager
def _work() -> Iterator[tuple[Runtime, UnitOfWork]]:
    # A command is one unit of work; the engine is closed after it, not left to the exit.
    rt = runtime()
    try:
        with plain_errors(), rt.uow() as uow:
            yield rt, uow
    finally:
        rt.engine.dispose()


@click.group()
def users() -> None:
    """Staff accounts."""


@users.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), default=LEAST_ROLE, show_default=True,
              help="The least role unless you choose more.")
@click.option("--unit", "unit_code", default=None, help="Code of the user's unit.")
@click.option("--name", "display_name", default=None, help="Display name (default: username).")
@click.option("--password", default=None, help="The password (prefer --password-stdin).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create(username: str, role: str, unit_code: str | None, display_name: str | None,
           password: str | None, password_stdin: bool) -> None:
    """Create a user bound to a unit, with a password stored hashed."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    if not password:
        raise click.UsageError("give --password-stdin (or --password)")
    with _work() as (rt, uow):
        user = accounts.add_user(uow, username, display_name or username, role, unit_code,
                                 password)
        click.echo(f"created {user.username} ({user.role}, unit {unit_code or '-'})")


@click.group()
def tokens() -> None:
    """API tokens (stored hashed; shown once)."""


@tokens.command("create")
@click.argument("username")
@click.option("--name", default="cli", help="What the token is for.")
@click.option("--days", default=90, type=click.IntRange(min=0),
              help="Days until it expires (0: never).")
@click.option("--can-submit", is_flag=True, help="May submit for Open311 clients (api_key).")
def create_token(username: str, name: str, days: int, can_submit: bool) -> None:
    """Issue a token for USERNAME and print it once."""
    with _work() as (rt, uow):
        user = accounts.viewer_named(uow, username)
        token, secret = token_service.issue_token(
            uow, user, rt.now(), name=name, days=days or None, can_submit=can_submit
        )
        echo_json({"id": token.id, "token": secret, "expires_at": token.expires_at})


@tokens.command("revoke")
@click.argument("token_id", type=int)
def revoke(token_id: int) -> None:
    """Revoke a token by its id; requests with it are refused from now on."""
    with _work() as (rt, uow):
        token = token_service.revoke_token(uow, token_id, rt.now())
        click.echo(f"revoked token {token.id} of {token.user.username}")


@tokens.command("list")
@click.option("--user", "username", default=None)
def list_(username: str | None) -> None:
    """Tokens (never their secrets), newest first."""
    with _work() as (rt, uow):
        echo_json([
            {"id": t.id, "user": t.user.username, "name": t.name, "can_submit": t.can_submit,
             "created_at": t.created_at, "expires_at": t.expires_at,
             "revoked_at": t.revoked_at, "last_used_at": t.last_used_at}
            for t in token_service.list_tokens(uow, username)
        ])

