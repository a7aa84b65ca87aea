"""`caseflow assessments …`, `caseflow rating-rounds …` and `caseflow ledger …`: public
accountability from the shell. Without `--as` the operator acts (they hold the database);
with `--as USER` the command acts as that staff member, under the same checks as the pages.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import click

from caseflow.cli.common import echo_json, plain_errors, runtime
from caseflow.services.assessments import ledger, panel, public, rounds
from caseflow.services.deliberation.access import viewer_named

AS_OPTION = click.option("--as", "username", default=None,
                         help="Act as this staff member (default: the operator).")


def _who(uow: Any, username: str | None) -> Any:
    return viewer_named(uow, username) if username else None


@click.group("assessments")
def assessments() -> None:
    """Quarterly and yearly assessments of property teams (双考核), and their results."""


@assessments.command("open")
@click.argument("area")
@click.argument("year", type=int)
@click.argument("quarter", type=click.IntRange(0, 4))
@AS_OPTION
def open_(area: str, year: int, quarter: int, username: str | None) -> None:
    """Open AREA's assessment for QUARTER (1-4) of YEAR, or 0 for the whole year."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        assessment_id = panel.open_assessment(uow, _who(uow, username), area, year, quarter,
                                              rt.now())
    click.echo(f"assessment {assessment_id} opened")


@assessments.command("sheet")
@click.argument("assessment_id", type=int)
@click.argument("complex_code")
@click.argument("scores", nargs=-1, required=True)
@click.option("--as", "username", required=True, help="The panel member scoring.")
def sheet(assessment_id: int, complex_code: str, scores: tuple[str, ...],
          username: str) -> None:
    """A panel member's score sheet: SCORES as item=points (ratings.yaml expert_sheet)."""
    rt = runtime()
    pairs = dict(score.partition("=")[::2] for score in scores)
    with plain_errors(), rt.uow() as uow:
        total = panel.enter_sheet(uow, rt.rules(), viewer_named(uow, username),
                                  panel.SheetEntry(assessment_id, complex_code, pairs),
                                  rt.now())
    click.echo(f"{complex_code}: sheet saved, {total:g} points")


@assessments.command("publish")
@click.argument("assessment_id", type=int)
@AS_OPTION
def publish(assessment_id: int, username: str | None) -> None:
    """Publish: results, credit grades and complex stars are frozen."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        count = panel.publish_assessment(uow, rt.rules(), _who(uow, username), assessment_id,
                                         rt.now())
    click.echo(f"assessment {assessment_id} published: {count} assessed units")


@assessments.command("show")
@click.argument("assessment_id", type=int, required=False)
def show(assessment_id: int | None) -> None:
    """Print a published assessment (the newest by default) as JSON."""
    with plain_errors(), runtime().uow() as uow:
        page = public.ratings_page(uow, assessment_id)
    echo_json({"assessment": asdict(page.chosen) if page.chosen else None,
               "units": [asdict(u) for u in page.units],
               "companies": [asdict(c) for c in page.companies]})


@click.group("rating-rounds")
def rating_rounds() -> None:
    """Owners' rating rounds (业主评议): one code per household of the ballot list."""


@rating_rounds.command("open")
@click.argument("complex_code")
@click.argument("year", type=int)
@click.argument("title")
@AS_OPTION
def open_round(complex_code: str, year: int, title: str, username: str | None) -> None:
    """Open a round for every household of COMPLEX's ballot list."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        round_id = rounds.open_round(uow, _who(uow, username), complex_code, year, title,
                                     rt.now())
    click.echo(f"rating round {round_id} opened")


@rating_rounds.command("codes")
@click.argument("round_id", type=int)
@AS_OPTION
def codes(round_id: int, username: str | None) -> None:
    """Print each household's code as CSV (household,code,answered), for the slips."""
    with plain_errors(), runtime().uow() as uow:
        view, rows = rounds.round_codes(uow, _who(uow, username), round_id)
    click.echo("household,code,answered")
    for household, code, used in rows:
        click.echo(f"{household},{code},{'yes' if used else 'no'}")
    click.echo(f"# {view.responses} of {view.households} households answered", err=True)


@rating_rounds.command("close")
@click.argument("round_id", type=int)
@AS_OPTION
def close_round(round_id: int, username: str | None) -> None:
    """Close the round."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        rounds.close_round(uow, _who(uow, username), round_id, rt.now())
    click.echo(f"rating round {round_id} closed")


@click.group("ledger")
def ledger_group() -> None:
    """A complex's 双晒 accounts: ledger lines, the monthly report, publication."""


@ledger_group.command("add")
@click.argument("complex_code")
@click.argument("kind", type=click.Choice(ledger.KINDS))
@click.argument("category")
@click.argument("amount")
@click.argument("on_date", type=click.DateTime(("%Y-%m-%d",)))
@click.option("--description", default="")
@click.option("--vote", type=int, default=None, help="The vote that approved this spending.")
@AS_OPTION
def add(complex_code: str, kind: str, category: str, amount: str, on_date: Any,
        description: str, vote: int | None, username: str | None) -> None:
    """Add a line: AMOUNT in yuan (e.g. 1280.50) on ON_DATE (YYYY-MM-DD)."""
    rt = runtime()
    day: date = on_date.date()
    entry = ledger.LineEntry(complex_code, kind, category, amount, day.isoformat(),
                             description, vote)
    with plain_errors(), rt.uow() as uow:
        line_id = ledger.add_line(uow, rt.rules().ratings, _who(uow, username), entry, rt.now())
    click.echo(f"ledger line {line_id} added")


@ledger_group.command("publish")
@click.argument("complex_code")
@click.argument("month")
@click.argument("report", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@AS_OPTION
def publish_month(complex_code: str, month: str, report: Path, username: str | None) -> None:
    """Publish MONTH (YYYY-MM) on the notice board with the service REPORT (a text file)."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        ledger.publish_month(uow, rt.rules().ratings, _who(uow, username), complex_code, month,
                             rt.now(), report=report.read_text(encoding="utf-8"))
    click.echo(f"{complex_code} {month}: published")


@ledger_group.command("ratio")
@click.argument("complex_code")
@click.argument("percent", type=float, required=False)
@AS_OPTION
def ratio(complex_code: str, percent: float | None, username: str | None) -> None:
    """Set the 酬金制 share of the property fees, in percent (none: lump-sum system)."""
    with plain_errors(), runtime().uow() as uow:
        ledger.set_remuneration_ratio(uow, _who(uow, username), complex_code,
                                      None if percent is None else percent / 100)
    click.echo(f"{complex_code}: remuneration share saved")
