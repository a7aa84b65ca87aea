"""`caseflow init-db|seed-demo|units|sweep|deliver|worker|serve|backup|restore|retention|audit`."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
import time
from pathlib import Path
from types import FrameType

import click

from caseflow.cli.common import plain_errors, runtime
from caseflow.config import instance_path
from caseflow.services import migrations
from caseflow.services.runtime import Runtime
from caseflow.services.units import import_unit_file

LOG = logging.getLogger("caseflow.worker")


@click.command("init-db")
def init_db() -> None:
    """Create or upgrade the database schema to the newest migration."""
    rt = runtime()
    migrations.upgrade(rt.engine)
    rt.rules()  # seeds the first active rule-set version from the rules directory
    click.echo(f"database at head: {rt.engine.url.render_as_string(hide_password=True)}")


@click.command("seed-demo")
def seed_demo() -> None:
    """Load the demo units, companies, users and cases (does nothing if already loaded)."""
    from caseflow.services.demo import load_stories
    from caseflow.services.demo import seed_demo as load
    from caseflow.services.demo_joint import seed_joint_demo
    from caseflow.services.grid.demo import seed_grid_demo
    from caseflow.services.meetings_demo import seed_meetings_demo

    rt, started = runtime(), time.monotonic()
    stories, submitted = len(load_stories()), 0

    def show(label: str) -> None:
        # Each submitted story is numbered (the history replays weeks of sweeps between
        # them, which is where the time goes); other steps print as they come.
        nonlocal submitted
        if label.startswith("CF-"):
            submitted += 1
            label = f"case {submitted}/{stories} ({time.monotonic() - started:.0f} s): {label}"
        click.echo(f"  {label}")

    with plain_errors():
        click.echo(f"[1/2] units, users and {stories} case stories replayed with their sweeps")
        counts = load(rt, progress=show)
        click.echo("[2/2] the 糖果雅苑 roundtable, ballots and fund vote")
        counts |= seed_meetings_demo(rt)
        counts |= seed_joint_demo(rt)
        counts |= seed_grid_demo(rt)  # liaisons, volunteers, 代办, a review date, a task
    click.echo(", ".join(f"{n} {what}" for what, n in counts.items()) or "demo data already there")
    click.echo(f"done in {time.monotonic() - started:.0f} s")


@click.group()
def units() -> None:
    """The jurisdiction tree."""


@units.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
def import_(source: str) -> None:
    """Import units from YAML (nested `children`) or CSV (code,name,kind,parent,...)."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        count, companies = import_unit_file(uow, Path(source).read_text(encoding="utf-8"),
                                            source)
    click.echo(f"imported {count} units and {companies} property companies")


def _sweep_once(rt: Runtime) -> str:
    from caseflow.ops.metrics import SWEEP_CASES, SWEEP_SECONDS
    from caseflow.services.deliberation.rhythm import plan_due
    from caseflow.services.sweep import sweep as run_sweep
    from caseflow.services.voting import close_due_votes

    started = time.perf_counter()
    report = run_sweep(rt.uow, rt.rules(), rt.now())
    votes = close_due_votes(rt.uow, rt.rules(), rt.now())  # owners' votes past their closing time
    with rt.uow() as uow:  # joint meetings' next sittings, with their agendas
        sittings = len(plan_due(uow, rt.rules(), rt.now()))
    elapsed = time.perf_counter() - started
    SWEEP_SECONDS.observe(elapsed)
    for step in ("escalated", "supervised", "overdue", "warned", "auto_closed"):
        SWEEP_CASES.labels(step).inc(getattr(report, step))
    grid = report.grid
    return (
        f"escalated {report.escalated}, supervised {report.supervised}, "
        f"overdue noted {report.overdue}, warned {report.warned}, "
        f"auto-closed {report.auto_closed}, votes closed {votes}, "
        f"reviews due {grid.reviews_due}, task reminders "
        f"{grid.task_warnings + grid.tasks_overdue}, follow-up calls {grid.follow_ups}, "
        f"joint meetings planned {sittings} in {elapsed:.2f}s"
    )


def _deliver_once(rt: Runtime) -> str:
    from caseflow.ops.metrics import DELIVERIES
    from caseflow.services.delivery import deliver, load_webhooks

    hooks = load_webhooks(rt.rules().extras.get("notifications"))
    report = deliver(rt.uow, hooks, rt.now())
    for outcome in ("delivered", "retrying", "dead"):
        DELIVERIES.labels(outcome).inc(getattr(report, outcome))
    for error in report.errors[:20]:
        LOG.warning("delivery failed: %s", error)
    people = _tell_people(rt)
    return (f"delivered {report.delivered}, retrying {report.retrying}, dead {report.dead}, "
            f"{people}")


def _tell_people(rt: Runtime) -> str:
    """The same pass tells people (SMS / WeCom) what the outbox holds for them."""
    from caseflow.services.grid.notices import fan_out, send_notices

    with rt.uow() as uow:
        fanned = fan_out(uow, rt.rules(), rt.now())
    with rt.uow() as uow:
        sent = send_notices(uow, rt.rules(), rt.now())
    for error in sent.errors[:20]:
        LOG.warning("notice failed: %s", error)
    return f"notices queued {fanned.queued}, sent {sent.sent}, failed {sent.failed}"


@click.command()
def sweep() -> None:
    """Warn, escalate overdue cases and auto-close unevaluated ones, as of now."""
    rt = runtime()
    with plain_errors():
        click.echo(_sweep_once(rt))


@click.command()
@click.option("--once", is_flag=True, help="One pass, then exit.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between passes.")
def deliver(once: bool, interval: float) -> None:
    """Send pending notifications to the configured webhooks (retries, dead letters)."""
    rt = runtime()
    with plain_errors():
        _loop(rt, [_deliver_once], 0.0 if once else interval)


@click.command()
@click.option("--interval", default=30.0, show_default=True, help="Seconds between sweeps.")
@click.option("--once", is_flag=True, help="One sweep and one delivery pass, then exit.")
@click.option("--no-deliver", is_flag=True, help="Sweep only; run `caseflow deliver` apart.")
def worker(interval: float, once: bool, no_deliver: bool) -> None:
    """Sweep and deliver notifications every INTERVAL seconds until stopped (SIGTERM, Ctrl-C).

    Run as many as you like against PostgreSQL: rows are claimed with SKIP LOCKED.
    """
    from caseflow.ops.logs import configure_logging

    if os.environ.get("CASEFLOW_LOG_FORMAT", "json") == "json":
        configure_logging()
    rt = runtime()
    steps = [_sweep_once] if no_deliver else [_sweep_once, _deliver_once]
    _loop(rt, steps, 0.0 if once else interval)


def _loop(rt: Runtime, steps: list, interval: float) -> None:  # type: ignore[type-arg]
    """Run `steps` once (interval 0) or every `interval` seconds until SIGTERM / SIGINT."""
    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    if interval:
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        click.echo(f"worker started, every {interval:g}s")
    while not stopping:
        for step in steps:
            try:
                click.echo(step(rt))
            except Exception:  # a failed pass is logged and retried on the next tick
                if not interval:
                    raise
                LOG.exception("%s failed", step.__name__)
        if not interval:
            return
        deadline = time.monotonic() + interval
        while not stopping and time.monotonic() < deadline:
            time.sleep(min(0.2, interval))
    click.echo("worker stopped")


def gunicorn_path() -> str:
    """gunicorn beside this Python (the virtualenv's bin/), else on the PATH, else one line."""
    beside = Path(sys.executable).parent / "gunicorn"  # not resolved: a venv's python links
    found = str(beside) if beside.is_file() else shutil.which("gunicorn")
    if not found:
        raise click.ClickException(f"gunicorn not found beside {sys.executable} nor on the "
                                   "PATH: pip install gunicorn into caseflow's environment")
    return found


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.option("--production", is_flag=True, help="gunicorn with caseflow.ops.gunicorn_conf.")
@click.option("--workers", default=2, show_default=True, help="gunicorn workers (production).")
def serve(host: str, port: int, production: bool, workers: int) -> None:
    """Serve the app: the development server, or gunicorn with --production."""
    click.echo(f"caseflow is serving at http://{host}:{port}/")
    if production:
        gunicorn = gunicorn_path()
        os.execv(gunicorn, [  # noqa: S606 (our own gunicorn, fixed arguments, no shell)
            gunicorn, "-c", "python:caseflow.ops.gunicorn_conf", "--bind", f"{host}:{port}",
            "--workers", str(workers), "caseflow.app:create_app()",
        ])
    from werkzeug.serving import run_simple

    from caseflow.app import create_app

    run_simple(host, port, create_app(), threaded=True)


ATTACHMENTS_HELP = "The photos' folder (default: attachments/ in the instance folder)."


def _attachments(folder: str | None) -> Path:
    return Path(folder) if folder else instance_path() / "attachments"


@click.command()
@click.argument("target", type=click.Path(dir_okay=False))
@click.option("--attachments", type=click.Path(file_okay=False), help=ATTACHMENTS_HELP)
def backup(target: str, attachments: str | None) -> None:
    """Write one archive to TARGET: the database, the photos and a manifest of their hashes."""
    from caseflow.services.backup import backup as run_backup

    rt = runtime()
    with plain_errors():
        click.echo(f"backup written to {run_backup(rt.engine, target, _attachments(attachments))}")


@click.command()
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--attachments", type=click.Path(file_okay=False), help=ATTACHMENTS_HELP)
def restore(source: str, yes: bool, attachments: str | None) -> None:
    """Replace the database and photos with the archive SOURCE, once its hashes check out
    (stop app processes and workers first)."""
    from caseflow.services.backup import restore as run_restore

    rt = runtime()
    url = rt.engine.url.render_as_string(hide_password=True)
    if not yes:
        click.confirm(f"replace every table of {url} with {source}?", abort=True)
    with plain_errors():
        run_restore(rt.engine, source, _attachments(attachments))
    click.echo(f"restored {source} into {url}")


@click.group()
def retention() -> None:
    """Personal-data retention (rules/retention.yaml)."""


@retention.command("apply")
@click.option("--dry-run", is_flag=True, help="List the cases, change nothing.")
def retention_apply(dry_run: bool) -> None:
    """Anonymise reporters of cases final for longer than the policy allows."""
    from caseflow.services.retention import apply_retention, retention_policy

    rt = runtime()
    with plain_errors():
        policy = retention_policy(rt.rules().extras.get("retention"))
        if policy is None:
            raise click.ClickException("no anonymise_reporter policy in retention.yaml")
        with rt.uow() as uow:
            refs = apply_retention(uow, policy, rt.now(), dry_run=dry_run)
    for ref in refs[:50]:
        click.echo(ref)
    verb = "would anonymise" if dry_run else "anonymised"
    click.echo(f"{verb} {len(refs)} case(s) (reporter {', '.join(policy.fields)})")


@click.group()
def audit() -> None:
    """Audit trails."""


@audit.command("reads")
@click.option("--case", "ref", help="Only reads of this case (by reference).")
@click.option("--user", "username", help="Only reads by this user.")
@click.option("--limit", default=100, show_default=True)
def audit_reads(ref: str | None, username: str | None, limit: int) -> None:
    """Who read the full record (reporter unmasked) of which case, newest first."""
    from caseflow.services.audit import full_record_reads

    rt = runtime()
    with rt.uow() as uow:
        rows = full_record_reads(uow, ref, username, limit)
    for row in rows:
        click.echo(f"{row.at.isoformat()}  {row.username:<16} {row.ref:<16} {row.purpose}")
    click.echo(f"{len(rows)} read(s)")
