"""`caseflow init-db|seed-demo|units|sweep|worker|serve`."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from types import FrameType

import click

from caseflow.cli.common import plain_errors, runtime
from caseflow.services import migrations
from caseflow.services.sweep import sweep as run_sweep
from caseflow.services.units import import_units, parse_units


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
    from caseflow.services.demo import seed_demo as load

    rt = runtime()
    with plain_errors():
        counts = load(rt, progress=lambda label: click.echo(f"  {label}"))
    click.echo(", ".join(f"{n} {what}" for what, n in counts.items()) or "demo data already there")


@click.group()
def units() -> None:
    """The jurisdiction tree."""


@units.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
def import_(source: str) -> None:
    """Import units from YAML (nested `children`) or CSV (code,name,kind,parent,...)."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        companies, rows = parse_units(Path(source).read_text(encoding="utf-8"), source)
        count = import_units(uow, companies, rows)
        uow.commit()
    click.echo(f"imported {count} units and {len(companies)} property companies")


def _print_report(report) -> None:  # type: ignore[no-untyped-def]
    click.echo(
        f"escalated {report.escalated}, supervised {report.supervised}, "
        f"overdue noted {report.overdue}, warned {report.warned}, "
        f"auto-closed {report.auto_closed}"
    )


@click.command()
def sweep() -> None:
    """Warn, escalate overdue cases and auto-close unevaluated ones, as of now."""
    rt = runtime()
    with plain_errors():
        _print_report(run_sweep(rt.uow, rt.rules(), rt.now()))


@click.command()
@click.option("--interval", default=30.0, show_default=True, help="Seconds between sweeps.")
def worker(interval: float) -> None:
    """Sweep every INTERVAL seconds until stopped (Ctrl-C or SIGTERM stop cleanly)."""
    rt = runtime()
    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"worker started, sweeping every {interval:g}s")
    while not stopping:
        _print_report(run_sweep(rt.uow, rt.rules(), rt.now()))
        deadline = time.monotonic() + interval
        while not stopping and time.monotonic() < deadline:
            time.sleep(min(0.2, interval))
    click.echo("worker stopped")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
def serve(host: str, port: int) -> None:
    """Serve the app (development server; see docs for gunicorn in production)."""
    from werkzeug.serving import run_simple

    from caseflow.app import create_app

    click.echo(f"caseflow is serving at http://{host}:{port}/")
    run_simple(host, port, create_app(), threaded=True)
