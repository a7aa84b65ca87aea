"""`caseflow rules check|explain|activate`."""

from __future__ import annotations

from pathlib import Path

import click

from caseflow.cli.common import echo_json, plain_errors, read_json, runtime
from caseflow.config import rules_dir
from caseflow.rules import check_rules, load_rules
from caseflow.services import rulesets
from caseflow.services.explain import explain_facts


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
