"""`caseflow rules check|explain|whatif|activate`."""

from __future__ import annotations

from pathlib import Path

import click

from caseflow.cli.common import echo_json, plain_errors, read_json, runtime
from caseflow.config import rules_dir
from caseflow.rules import check_rules_with_warnings, load_rules
from caseflow.services import rulesets, whatif
from caseflow.services.calendars import holiday_outlook
from caseflow.services.explain import explain_facts


@click.group()
def rules() -> None:
    """Check, explain and activate rule sets."""


@rules.command("check")
@click.argument("directory", required=False, type=click.Path(exists=True, file_okay=False))
def check(directory: str | None) -> None:
    """List every error of a rules directory as file:line: message (exit 1 if any)."""
    target = Path(directory) if directory else rules_dir()
    issues, warnings = check_rules_with_warnings(target)
    for warning in warnings:  # shown, never blocking: e.g. two routing rules that overlap
        click.echo(f"{warning.file}:{warning.line}: warning: {warning.message}", err=True)
    for issue in issues:
        click.echo(f"{issue.file}:{issue.line}: {issue.message}", err=True)
    if issues:
        click.echo(f"{len(issues)} error(s) in {target}; nothing was loaded", err=True)
        raise SystemExit(1)
    ruleset = load_rules(target)
    said = f" ({len(warnings)} warning(s))" if warnings else ""
    click.echo(f"{target}: ok, version {ruleset.version}{said}")
    outlook = holiday_outlook(ruleset, runtime().now())
    if outlook.warn:
        click.echo(f"warning: calendar.yaml: the public holidays of {outlook.next_year} are "
                   "unknown (only 元旦, 劳动节 and 国庆 1-3 October count); import the State "
                   "Council's notice: caseflow calendar import FILE", err=True)


@rules.command("explain")
@click.argument("source")
@click.option(
    "--dir",
    "directory",
    type=click.Path(exists=True, file_okay=False),
    help="Explain with this directory instead of the active rules.",
)
def explain(source: str, directory: str | None) -> None:
    """Route a case given as JSON (file or -) and print the decision with its trace."""
    facts = read_json(source)
    if "text" not in facts:
        facts["text"] = f"{facts.get('title', '')}\n{facts.get('description', '')}"
    with plain_errors():
        ruleset = load_rules(directory) if directory else runtime().rules()
        explained = explain_facts(ruleset, facts)
    for line in explained.pop("trace"):
        click.echo(line)
    explained["rules_version"] = explained.pop("version")
    echo_json(explained)


@rules.command("whatif")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--since", default="30d", show_default=True,
              help="Replay the submissions of this period before now (30d, 12h, 2w).")
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table")
def whatif_command(directory: str, since: str, fmt: str) -> None:
    """Replay past submissions through a candidate rule set; nothing is changed."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        result = whatif.preview(uow, rt.rules(), rulesets.read_rules_dir(directory), rt.now(),
                                since)
    if fmt == "json":
        echo_json(result.as_json())
        return
    for line in whatif_lines(result):
        click.echo(line)


def whatif_lines(result: whatif.WhatIf) -> list[str]:
    """The what-if as a short text report."""
    lines = [f"replayed {result.cases} case(s) submitted since {result.since:%Y-%m-%d %H:%M}: "
             f"{result.moved} routed differently, {result.deadlines_changed} with other "
             f"deadlines ({result.active_version} -> {result.candidate_version})"]
    lines += [f"  layer {a} -> {b}: {n}" for (a, b), n in result.by_layer.most_common()]
    lines += [f"  unit {a} -> {b}: {n}" for (a, b), n in result.by_unit.most_common()]
    lines += [f"  category {c}: {n}" for c, n in result.by_category.most_common()]
    for move in result.examples:
        lines.append(f"  e.g. {move.ref} ({move.category}): {move.rule_before} -> "
                     f"{move.rule_after}, {move.unit_before} -> {move.unit_after}, "
                     f"deadlines {dict(move.deadlines_before)} -> {dict(move.deadlines_after)}")
    return lines


@rules.command("activate")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--by", default="cli", help="Who activates it (recorded).")
def activate(directory: str, by: str) -> None:
    """Validate a directory and make it the active rule set for every process."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        ruleset = rulesets.activate_rules(
            uow,
            rulesets.read_rules_dir(directory),
            by,
            rt.now(),
            source=str(Path(directory).resolve()),
        )
    click.echo(f"activated version {ruleset.version}")
