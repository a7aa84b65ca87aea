"""`caseflow rules check|explain|activate`."""

from __future__ import annotations

from pathlib import Path

import click

from caseflow.cli.common import echo_json, plain_errors, read_json, runtime
from caseflow.config import rules_dir
from caseflow.rules import check_rules, load_rules
from caseflow.services import rulesets
from caseflow.services.calendars import holiday_outlook


@click.group()
def rules() -> None:
    """Check, explain and activate rule sets."""


@rules.command("check")
@click.argument("directory", required=False, type=click.Path(exists=True, file_okay=False))
def check(directory: str | None) -> None:
    """List every error of a rules directory as file:line: message (exit 1 if any)."""
    target = Path(directory) if directory else rules_dir()
    issues = check_rules(target)
    for issue in issues:
        click.echo(f"{issue.file}:{issue.line}: {issue.message}", err=True)
    if issues:
        click.echo(f"{len(issues)} error(s) in {target}; nothing was loaded", err=True)
        raise SystemExit(1)
    ruleset = load_rules(target)
    click.echo(f"{target}: ok, version {ruleset.version}")
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
        decision = ruleset.route(facts, explain=True)
    for step in decision.trace:
        mark = "✔" if step.matched else "✘"
        click.echo(f"{mark} {step.rule_id}: {step.reason}")
    echo_json(
        {
            "rule": decision.rule_id,
            "start_layer": decision.start_layer,
            "green_channel": decision.green_channel,
            "tags": list(decision.tags),
            "priority": decision.priority,
            "rules_version": ruleset.version,
        }
    )


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
