"""`caseflow report ...` and `caseflow ratings import`: run one report, print or export it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from caseflow.cli.common import plain_errors, runtime
from caseflow.services.reporting.common import Report
from caseflow.services.reporting.evaluations import import_owner_evaluations
from caseflow.services.reporting.exports import report_csv, report_xlsx
from caseflow.services.reporting.rollup import rebuild
from caseflow.services.reporting.service import Request, run_report
from caseflow.services.reporting.unresolved import UNRESOLVED_DIMENSIONS

FORMATS = ("table", "csv", "json", "xlsx")


def render_text(report: Report) -> str:
    """Each table as aligned plain text under its name."""
    blocks = []
    for t in report.tables:
        cells = [list(t.columns)] + [
            ["" if r.get(c) is None else str(r.get(c)) for c in t.columns] for r in t.rows
        ]
        widths = [max(len(row[i]) for row in cells) for i in range(len(t.columns))]
        lines = ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
        blocks.append(f"== {t.name}\n" + "\n".join(lines))
    return "\n\n".join(blocks)


def _emit(report: Report, fmt: str, output: str | None) -> None:
    if fmt == "xlsx":
        if not output:
            raise click.UsageError("--format xlsx needs --output FILE")
        Path(output).write_bytes(report_xlsx(report))
        return
    text = {
        "json": lambda: json.dumps(report.as_json(), ensure_ascii=False, indent=2, default=str),
        "csv": lambda: report_csv(report),
        "table": lambda: render_text(report),
    }[fmt]()
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text)


def _run(name: str, unit: str | None, first: date | None, last: date | None,
         fmt: str, output: str | None, **options: str | None) -> None:
    rt = runtime()
    request = Request(name, unit, first, last,
                      tuple((k, v) for k, v in options.items() if v is not None))
    try:
        with plain_errors(), rt.uow() as uow:
            report = run_report(uow, rt.rules(), request, rt.now())
    finally:
        rt.engine.dispose()  # one command, one use: close the pool's connections now
    _emit(report, fmt, output)


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
def unresolved(by, level, unit, first, last, fmt, output):  # type: ignore[no-untyped-def]
    """Open cases now by one dimension, plus the oldest and most overdue."""
    _run("unresolved", unit, _day(first), _day(last), fmt, output, by=by, level=level)


@report.command("rates")
@click.option("--grain", type=click.Choice(["month", "week"]), default="month")
@_common
def rates(grain, unit, first, last, fmt, output):  # type: ignore[no-untyped-def]
    """Response, resolution and satisfaction rates, durations per layer, trend."""
    _run("rates", unit, _day(first), _day(last), fmt, output, grain=grain)


@report.command("containment")
@_common
def containment(unit, first, last, fmt, output):  # type: ignore[no-untyped-def]
    """小事不出小区, 难事不出社区, and the escalation flow."""
    _run("containment", unit, _day(first), _day(last), fmt, output)


@report.command("hotspots")
@click.option("--place", default="complex", help="Unit kind of a hotspot (complex, building).")
@click.option("--area", default="community", help="Unit kind of an area for 每月一题.")
@_common
def hotspots(place, area, unit, first, last, fmt, output):  # type: ignore[no-untyped-def]
    """Places with most cases and repeats; each area's issue of the month."""
    _run("hotspots", unit, _day(first), _day(last), fmt, output, place=place, area=area)


@report.command("ranking")
@click.option("--level", default="community", help="Rank units of this kind.")
@_common
def ranking(level, unit, first, last, fmt, output):  # type: ignore[no-untyped-def]
    """Units of one level by the composite score, with 数字城管 figures."""
    _run("ranking", unit, _day(first), _day(last), fmt, output, level=level)


@report.command("property-ratings")
@_common
def property_ratings(unit, first, last, fmt, output):  # type: ignore[no-untyped-def]
    """Property companies: score, stars, red and black lists."""
    _run("property-ratings", unit, _day(first), _day(last), fmt, output)


@report.command("departments")
@_common
def departments(unit, first, last, fmt, output):  # type: ignore[no-untyped-def]
    """部门解题: response, on-time and satisfaction rates per department, ranked."""
    _run("departments", unit, _day(first), _day(last), fmt, output)


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
