"""`caseflow calendar import FILE` and `caseflow calendar show YEAR`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from caseflow.cli.common import echo_json, plain_errors, runtime
from caseflow.services import calendars

_WEEKDAYS = "一二三四五六日"


def _day(day: date) -> str:
    """2027-01-01（周五）."""
    return f"{day.isoformat()}（周{_WEEKDAYS[day.weekday()]}）"


@click.group("calendar")
def calendar_group() -> None:
    """Holidays and adjusted working days (调休) of the business calendars."""


@calendar_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--year", type=int, help="The year, when the file does not say it.")
@click.option("--yes", is_flag=True, help="Activate without asking.")
@click.option("--by", default="cli", help="Who imports it (recorded).")
def import_command(file: str, year: int | None, yes: bool, by: str) -> None:
    """Read the State Council's notice (text) or an .ics file, show what it found, and after
    confirmation write it into calendar.yaml as a new active rule-set version."""
    text = Path(file).read_text(encoding="utf-8-sig")
    rt = runtime()
    with plain_errors():
        notice = calendars.read_holiday_file(text, file, year)
    click.echo(f"{notice.year} 年：")
    for festival in notice.festivals:
        off = "、".join(_day(d) for d in festival.holidays)
        work = "、".join(_day(d) for d in festival.workdays)
        click.echo(f"  {festival.name}：放假 {off}" + (f"；上班 {work}" if work else ""))
    click.echo(f"holidays: {len(notice.holidays)}, adjusted working days: "
               f"{len(notice.workdays)}")
    if not yes and not click.confirm(f"write {notice.year} into calendar.yaml and activate?"):
        click.echo("nothing was changed")
        raise SystemExit(1)
    with plain_errors(), rt.uow() as uow:
        ruleset = calendars.import_holidays(uow, dict(rt.rules().files), notice, by, rt.now(),
                                            source=Path(file).name)
    click.echo(f"activated version {ruleset.version} with the holidays of {notice.year}")


@calendar_group.command("show")
@click.argument("year", type=int)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def show(year: int, fmt: str) -> None:
    """List a year's holidays and adjusted working days as the active rules count them."""
    with plain_errors():
        found = calendars.year_holidays(runtime().rules(), year)
    if fmt == "json":
        echo_json(found.as_json())
        return
    click.echo(f"{year} ({found.source})")
    click.echo("holidays:")
    for day in found.holidays:
        click.echo(f"  {_day(day)}")
    click.echo("adjusted working days:")
    for day in found.workdays:
        click.echo(f"  {_day(day)}")
