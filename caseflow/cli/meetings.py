"""`caseflow ballots import|list` and `caseflow votes result`: owners' votes from the shell."""

from __future__ import annotations

from pathlib import Path

import click

from caseflow.cli.common import echo_json, plain_errors, runtime
from caseflow.services.meetings import get_complex
from caseflow.services.voting import ballot_list, import_ballot_list, parse_ballot_csv, vote_result


@click.group()
def ballots() -> None:
    """Ballot lists (表决名册): the exclusive parts of a complex and their owners."""


@ballots.command("import")
@click.argument("complex_code")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_(complex_code: str, file: Path) -> None:
    """Replace COMPLEX's ballot list with FILE.csv (columns in docs/voting.md)."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        # The operator at the shell already holds the database: no user to check.
        rows = parse_ballot_csv(file.read_text(encoding="utf-8"))
        count = import_ballot_list(uow, None, complex_code, rows)
    click.echo(f"{complex_code}: {count} exclusive parts imported")


@ballots.command("list")
@click.argument("complex_code")
def list_(complex_code: str) -> None:
    """Print COMPLEX's ballot list as JSON."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        complex_unit = get_complex(uow.session, complex_code)
        echo_json(
            [
                {
                    "code": p.code,
                    "area": str(p.area),
                    "owner_names": p.owner_names,
                    "owner_key": p.owner_key,
                    "developer_unsold": p.developer_unsold,
                }
                for p in ballot_list(uow.session, complex_unit.id)
            ]
        )


@click.group()
def votes() -> None:
    """Owners' votes (业主表决)."""


@votes.command("result")
@click.argument("vote_id", type=int)
def result(vote_id: int) -> None:
    """Print the result of VOTE_ID with every threshold explained."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        echo_json(vote_result(uow, rt.rules(), vote_id))
