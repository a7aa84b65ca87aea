"""The `caseflow` command line: parse, call one service, print."""

from __future__ import annotations

import click

from caseflow.cli.assessments import assessments, ledger_group, rating_rounds
from caseflow.cli.calendar import calendar_group
from caseflow.cli.cases import act, submit
from caseflow.cli.grid import grid
from caseflow.cli.joint import campaigns_group
from caseflow.cli.meetings import ballots, meetings_group, votes
from caseflow.cli.open311 import open311
from caseflow.cli.ops import (
    audit,
    backup,
    deliver,
    init_db,
    restore,
    retention,
    seed_demo,
    serve,
    sweep,
    units,
    worker,
)
from caseflow.cli.outbox import outbox
from caseflow.cli.reports import ratings, report
from caseflow.cli.rules import rules
from caseflow.cli.users import tokens, users


@click.group()
def main() -> None:
    """caseflow — grievance case engine (诉求办理引擎)."""


for command in (init_db, seed_demo, serve, sweep, worker, units, rules, submit, act, report):
    main.add_command(command)
main.add_command(ratings)
main.add_command(ballots)
main.add_command(votes)
main.add_command(meetings_group)
main.add_command(campaigns_group)
for command in (deliver, outbox, backup, restore, retention, audit):  # production mode
    main.add_command(command)
main.add_command(users)
main.add_command(tokens)
main.add_command(open311)
main.add_command(calendar_group)
for command in (assessments, rating_rounds, ledger_group):  # public accountability
    main.add_command(command)
main.add_command(grid)
