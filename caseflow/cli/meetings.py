"""`caseflow ballots …`, `caseflow votes …` and `caseflow meetings …` from the shell.

Without `--as` the operator at the shell reads and writes everything (they already hold the
database); with `--as USER` the command reads as that staff member would, through the same
read policy as the API and the pages: outside their area it is refused, and names are
masked for leaders and owners' committees.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from caseflow.cli.common import echo_json, plain_errors, runtime
from caseflow.services.deliberation import reads, writes
from caseflow.services.deliberation.access import viewer_named
from caseflow.services.voting import parse_ballot_csv

AS_OPTION = click.option("--as", "username", default=None,
                         help="Read as this staff member (default: the operator, everything).")


@click.group()
def ballots() -> None:
    """Ballot lists (表决名册): the exclusive parts of a complex and their owners."""


@ballots.command("import")
@click.argument("complex_code")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "username", default=None, help="Import as this staff member.")
def import_(complex_code: str, file: Path, username: str | None) -> None:
    """Replace COMPLEX's ballot list with FILE.csv (columns in docs/voting.md)."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        rows = parse_ballot_csv(file.read_text(encoding="utf-8"))
        # The operator at the shell (no --as) already holds the database: no one to check.
        who = viewer_named(uow, username) if username else None
        count = writes.import_ballot_list(uow, who, complex_code, rows)
    click.echo(f"{complex_code}: {count} exclusive parts imported")


@ballots.command("list")
@click.argument("complex_code")
@AS_OPTION
def list_(complex_code: str, username: str | None) -> None:
    """Print COMPLEX's ballot list as JSON."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        parts = reads.ballot_list_for(uow, viewer_named(uow, username), complex_code)
    echo_json([{**asdict(p), "area": str(p.area)} for p in parts])


@click.group()
def votes() -> None:
    """Owners' votes (业主表决)."""


@votes.command("result")
@click.argument("vote_id", type=int)
@AS_OPTION
def result(vote_id: int, username: str | None) -> None:
    """Print the result of VOTE_ID with every threshold explained."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        echo_json(reads.result_for(uow, rt.rules(), viewer_named(uow, username), vote_id))


@votes.command("ballots")
@click.argument("vote_id", type=int)
@AS_OPTION
def ballots_of(vote_id: int, username: str | None) -> None:
    """Print the individual ballots of VOTE_ID (for the committee and the units above)."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        found = reads.ballots_for(uow, viewer_named(uow, username), vote_id)
    echo_json([asdict(b) for b in found])


@click.group("meetings")
def meetings_group() -> None:
    """Deliberation meetings (议事): their participants, minutes and decisions."""


@meetings_group.command("show")
@click.argument("meeting_id", type=int)
@AS_OPTION
def show(meeting_id: int, username: str | None) -> None:
    """Print MEETING_ID with its participants, minutes, decisions and tasks."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        echo_json(asdict(reads.meeting_for(uow, viewer_named(uow, username), meeting_id)))


@meetings_group.command("list")
@click.option("--case", default=None, help="Meetings of this case (reference).")
@click.option("--complex", "complex_code", default=None, help="Meetings of this complex.")
@AS_OPTION
def list_meetings(case: str | None, complex_code: str | None, username: str | None) -> None:
    """Print the meetings of a case or a complex within reach, earliest first."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        found = reads.meetings_for(uow, viewer_named(uow, username), case, complex_code)
    echo_json([asdict(m) for m in found])
