"""`caseflow report ...` and `caseflow ratings import`: run one report, print or export it."""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from pathlib import Path

import click

from caseflow.admin.figures import ReportWords, words_for
from caseflow.cli.common import plain_errors, runtime
from caseflow.services.reporting.common import Report
from caseflow.services.reporting.evaluations import import_owner_evaluations
from caseflow.services.reporting.exports import cell_text, report_csv, report_xlsx, sheets
from caseflow.services.reporting.rollup import rebuild
from caseflow.services.reporting.service import Request, run_report
from caseflow.services.reporting.unresolved import UNRESOLVED_DIMENSIONS

FORMATS = ("table", "csv", "json", "xlsx")


def _wide(text: str) -> int:
    """Columns a text takes in a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def render_text(report: Report, words: ReportWords) -> str:
    """Each table as aligned plain text under its title, in the readers' words."""
    blocks = []
    for sheet in sheets(report, words):
        cells = [[c.export_header for c in sheet.columns]] + [
            [cell_text(v, c.format) for v, c in zip(row, sheet.columns, strict=True)]
            for row in sheet.rows
        ]
        widths = [max(_wide(row[i]) for row in cells) for i in range(len(sheet.columns))]
        lines = ["  ".join(v + " " * (w - _wide(v)) for v, w in zip(row, widths, strict=True))
                 .rstrip() for row in cells]
        blocks.append(f"== {sheet.title}\n" + "\n".join(lines))
    return "\n\n".join(blocks)


def _emit(report: Report, words: ReportWords, fmt: str, output: str | None) -> None:
    if fmt == "xlsx":
        if not output:
            raise click.UsageError("--format xlsx needs --output FILE")
        Path(output).write_bytes(report_xlsx(report, words))
        return
    if fmt == "csv":
        body = report_csv(report, words)
        if output:
            Path(output).write_bytes(body)
        else:
            click.echo(body.decode("utf-8").removeprefix("\ufeff"), nl=False)
        return
    text = {
        "json": lambda: json.dumps(report.as_json(), ensure_ascii=False, indent=2, default=str),
        "table": lambda: render_text(report, words),
    }[fmt]()
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text)


def _run(name: str, unit: str | None, first: date | None, last: date | None,
         fmt: str, output: str | None, lang: str = "zh", **options: str | None) -> None:
    rt = runtime()
    request = Request(name, unit, first, last,
                      tuple((k, v) for k, v in options.items() if v is not None))
    try:
        with plain_errors(), rt.uow() as uow:
            report = run_report(uow, rt.rules(), request, rt.now())
        words = words_for(rt.rules(), lang)
    finally:
        rt.engine.dispose()  # one command, one use: close the pool's connections now
    _emit(report, words, fmt, output)


def _common(command):  # type: ignore[no-untyped-def]
    """--unit, --from, --to, --format, --output on every report command."""
    options = [
        click.option("--unit", default=None, help="Only this unit's subtree (unit code)."),
        click.option("--from", "first", type=click.DateTime(["%Y-%m-%d"]), default=None,
                     help="First local day (default: this month)."),
        click.option("--to", "last", type=click.DateTime(["%Y-%m-%d"]), default=None,
                     help="Last local day, included."),
        click.option("--format", "fmt", type=click.Choice(FORMATS), default="table"),
        click.option("--output", default=None, help="Write to this file."),
        click.option("--lang", type=click.Choice(["zh", "en"]), default="zh",
                     help="Headers and names in Chinese (default) or English; JSON keeps codes."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _day(value):  # type: ignore[no-untyped-def]
    return value.date() if value else None


@click.group()
def report() -> None:
    """Reports for leaders (docs/metrics.md defines every figure)."""


@report.command("unresolved")
@click.option("--by", type=click.Choice(UNRESOLVED_DIMENSIONS), default="layer")
@click.option("--level", default=None, help="With --by unit: roll up to units of this kind.")
@_common
def unresolved(by, level, unit, first, last, fmt, output, lang):  # type: ignore[no-untyped-def]
    """Open cases now by one dimension, plus the oldest and most overdue."""
    _run("unresolved", unit, _day(first), _day(last), fmt, output, lang, by=by, level=level)


@report.command("rates")
@click.option("--grain", type=click.Choice(["month", "week"]), default="month")
@_common
def rates(grain, unit, first, last, fmt, output, lang):  # type: ignore[no-untyped-def]
    """Response, resolution and satisfaction rates, durations per layer, trend."""
    _run("rates", unit, _day(first), _day(last), fmt, output, lang, grain=grain)


@report.command("containment")
@_common
def containment(unit, first, last, fmt, output, lang):  # type: ignore[no-untyped-def]
    """小事不出小区, 难事不出社区, and the escalation flow."""
    _run("containment", unit, _day(first), _day(last), fmt, output, lang)


@report.command("hotspots")
@click.option("--place", default="complex", help="Unit kind of a hotspot (complex, building).")
@click.option("--area", default="community", help="Unit kind of an area for 每月一题.")
@_common
def hotspots(place, area, unit, first, last, fmt, output, lang):  # type: ignore[no-untyped-def]
    """Places with most cases and repeats; each area's issue of the month."""
    _run("hotspots", unit, _day(first), _day(last), fmt, output, lang, place=place, area=area)


@report.command("ranking")
@click.option("--level", default="community", help="Rank units of this kind.")
@_common
def ranking(level, unit, first, last, fmt, output, lang):  # type: ignore[no-untyped-def]
    """Units of one level by the composite score, with 数字城管 figures."""
    _run("ranking", unit, _day(first), _day(last), fmt, output, lang, level=level)


@report.command("property-ratings")
@_common
def property_ratings(unit, first, last, fmt, output, lang):  # type: ignore[no-untyped-def]
    """Property companies: score, stars, red and black lists."""
    _run("property-ratings", unit, _day(first), _day(last), fmt, output, lang)


@report.command("departments")
@_common
def departments(unit, first, last, fmt, output, lang):  # type: ignore[no-untyped-def]
    """部门解题: response, on-time and satisfaction rates per department, ranked."""
    _run("departments", unit, _day(first), _day(last), fmt, output, lang)


@click.group()
def ratings() -> None:
    """Owners' yearly evaluations of property companies."""


@ratings.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_(path: str) -> None:
    """Import evaluations from CSV: company,year,complex,<one column per aspect>."""
    rt = runtime()
    try:
        with plain_errors(), rt.uow() as uow:
            count = import_owner_evaluations(
                uow, rt.rules().ratings, Path(path).read_text(encoding="utf-8-sig"), rt.now(),
                Path(path).name,
            )
    finally:
        rt.engine.dispose()
    click.echo(f"imported {count} evaluations")


@report.command("rebuild-summary")
def rebuild_summary() -> None:
    """Count the report summary tables again from the cases (after a restore or a repair;
    triggers keep them in step otherwise)."""
    rt = runtime()
    try:
        with plain_errors(), rt.uow() as uow:
            counts = rebuild(uow, lambda step: click.echo(f"counted {step}", err=True))
    finally:
        rt.engine.dispose()
    click.echo(f"rebuilt the summary: {counts['months']} months, "
               f"{counts['clock times']} clock times")
