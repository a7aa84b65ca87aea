"""Figures agree (issue 15): at several instants, every edge names the same overdue cases.

Before a sweep, right after it, after a hold and after the resume, after an escalation and a
day later: the inbox, each case's page, the API list (`?overdue=true`) and each case's
`overdue` field, the unresolved statistics (API), the CSV export and the CLI report name one
set of overdue cases, equal to a recount that replays each case's clocks from its events.
Runs on SQLite and PostgreSQL; time moves only through the app's injectable clock.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from caseflow.app import runtime_of
from caseflow.cli import main
from caseflow.domain.clock import FrozenClock
from caseflow.domain.clocks import clock_status
from caseflow.domain.deadlines import spec_from_json
from caseflow.domain.lifecycle import FINAL_STATES, RESOLVED
from caseflow.models import Case, CaseEvent, User
from caseflow.services import tokens
from caseflow.services.cases import submit_case
from caseflow.services.runtime import Runtime
from caseflow.services.sweep import sweep
from tests.admin import conftest as pages
from tests.admin.conftest import PASSWORD, login
from tests.conftest import RULES_DIR
from tests.factories import RESIDENT, act_on, submission
from tests.reporting.helpers import csv_sections

INBOX_ROW = re.compile(r'<tr class="row-(\w+)">\s*<td><a class="ref" href="[^"]*">([^<]+)</a>')
CASE_DUE = re.compile(r'<span id="due" class="badge due-(\w+)">')


app = pages.app  # the whole app with the small Leshan tree, as the page tests have it


class Edges:
    """Every place a user can read "overdue" from, as the admin (who sees every case)."""

    def __init__(self, app: Flask, database_url: str, monkeypatch: pytest.MonkeyPatch,
                 tmp_path: Any) -> None:
        self.runtime: Runtime = runtime_of(app)
        self.page: FlaskClient = app.test_client()
        assert login(self.page, "admin", PASSWORD).status_code == 302
        self.api: FlaskClient = app.test_client()
        self.monkeypatch = monkeypatch
        monkeypatch.setenv("CASEFLOW_DATABASE_URL", database_url)
        monkeypatch.setenv("CASEFLOW_RULES_DIR", str(RULES_DIR))
        monkeypatch.setenv("CASEFLOW_INSTANCE_PATH", str(tmp_path / "instance"))

    def _headers(self) -> dict[str, str]:
        # A token issued now: the scenario runs longer than a token lives.
        with self.runtime.uow() as uow:
            admin = uow.session.scalar(select(User).where(User.username == "admin"))
            _, secret = tokens.issue_token(uow, admin, self.runtime.now(), name="figures")
        return {"Authorization": f"Bearer {secret}"}

    def read(self, refs: list[str]) -> dict[str, set[str]]:
        """The overdue set each edge names now."""
        page = self.page.get("/inbox").get_data(as_text=True)
        seen = {ref: due for due, ref in INBOX_ROW.findall(page)}
        assert set(seen) <= set(refs)  # the inbox leaves closed cases out
        headers = self._headers()
        listed = self.api.get("/api/v1/cases?overdue=true&per_page=100", headers=headers)
        stats = self.api.get("/api/v1/stats/unresolved?by=layer", headers=headers).get_json()
        export = self.page.get("/dashboard/unresolved/export.csv").data
        return {
            "inbox": {ref for ref, due in seen.items() if due == "overdue"},
            "case page": {ref for ref in refs if self._case_page(ref) == "overdue"},
            "api list": {item["ref"] for item in listed.get_json()["items"]},
            "api case": {ref for ref in refs if self._api_case(ref, headers)},
            "stats": _named(stats["tables"]),
            "csv": _named(_csv_tables(export)),
            "cli": _named(self._cli()["tables"]),
        }

    def _case_page(self, ref: str) -> str:
        found = CASE_DUE.findall(self.page.get(f"/cases/{ref}").get_data(as_text=True))
        assert len(found) == 1
        return found[0]

    def _api_case(self, ref: str, headers: dict[str, str]) -> bool:
        body = self.api.get(f"/api/v1/cases/{ref}", headers=headers).get_json()
        assert not (body["overdue"] and body["warning"])
        return bool(body["overdue"])

    def _cli(self) -> dict[str, Any]:
        self.monkeypatch.setenv("CASEFLOW_NOW", self.runtime.now().isoformat())
        result = CliRunner().invoke(main, ["report", "unresolved", "--format", "json"],
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return json.loads(result.output)


def _named(tables: dict[str, Any]) -> set[str]:
    """The overdue cases a report names: its most-overdue list, which must hold as many
    cases as its total overdue count says (the scenario has fewer than the list's length)."""
    listed = {str(row["ref"]) for row in tables["most_overdue"]["rows"]}
    (total,) = [row for row in tables["by_layer"]["rows"] if row["key"] == "total"]
    assert int(total["overdue"]) == len(listed)
    return listed


def _csv_tables(export: bytes) -> dict[str, Any]:
    """The sections of a CSV export (in the readers' words, titled in Chinese) keyed as the
    report's tables: counts by layer, the oldest, the most overdue."""
    counts, _, most_overdue = csv_sections(export).values()
    assert counts[0][:3] == ["层级", "未办结", "超期"] and most_overdue[0][0] == "编号"
    return {
        "by_layer": {"rows": [{"key": "total" if row[0] == "合计" else row[0], "open": row[1],
                               "overdue": row[2]} for row in counts[1:]]},
        "most_overdue": {"rows": [{"ref": row[0]} for row in most_overdue[1:]]},
    }


def recount(runtime: Runtime, now: datetime) -> set[str]:
    """Overdue cases by replaying each case's clocks from its events with clock_status."""
    rules = runtime.rules()
    overdue = set()
    with runtime.uow() as uow:
        for case in uow.session.scalars(select(Case)):
            events = uow.session.scalars(
                select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id))
            # As the engine reads events: a final state stops every clock, entering
            # "resolved" resolves.
            history = [(e.at, "__final__" if e.to_state in FINAL_STATES
                        else "resolve" if e.to_state == RESOLVED else e.action, e.to_state)
                       for e in events]
            for name, raw in case.clocks.items():
                started = datetime.fromisoformat(raw["started_at"])
                spec = spec_from_json(name, raw)
                status = clock_status(
                    replace(spec, ends_on=spec.ends_on | {"__final__"}), started,
                    [event for event in history if event[0] >= started], now,
                    rules.calendars.get(spec.calendar), warning_fraction=rules.warning_fraction)
                if status.running and status.due_at is not None and status.due_at <= now:
                    overdue.add(case.ref)
    return overdue


class Scenario:
    """A handful of cases at the Rhine Waterfront, acted on through the services."""

    def __init__(self, runtime: Runtime, clock: FrozenClock) -> None:
        self.runtime, self.clock = runtime, clock
        self.refs: list[str] = []

    def submit(self) -> str:
        # Alternate categories: a fourth complaint of one kind about one place is a repeat
        # complaint and starts higher up (routing.yaml), out of the butler's hands.
        category = ("noise", "parking")[len(self.refs) % 2]
        with self.runtime.uow() as uow:
            case, _ = submit_case(uow, self.runtime.rules(), submission(category=category),
                                  RESIDENT, self.runtime.now())
            self.refs.append(case.ref)
            return case.ref

    def act(self, ref: str, *actions: str) -> None:
        for action in actions:
            with self.runtime.uow() as uow:
                butler = uow.session.scalar(select(User).where(User.username == "butler"))
                extra = {"note": "等待业委会答复"} if action == "hold" else {}
                act_on(uow, self.runtime.rules(), ref, action, butler,
                            self.runtime.now(), **extra)

    def sweep(self) -> None:
        sweep(self.runtime.uow, self.runtime.rules(), self.runtime.now())


def test_every_edge_names_the_same_overdue_cases_as_the_events(
    app, database_url, clock, monkeypatch, tmp_path
):
    edges = Edges(app, database_url, monkeypatch, tmp_path)
    story = Scenario(edges.runtime, clock)
    untouched = story.submit()           # nobody answers: the butler's promises lapse
    worked, held, resolved = story.submit(), story.submit(), story.submit()
    clock.advance(timedelta(minutes=1))
    story.act(worked, "accept", "start")
    story.act(held, "accept", "start")
    story.act(resolved, "accept", "start", "resolve")

    def agree(moment: str, expected: set[str] | None = None) -> set[str]:
        truth = recount(edges.runtime, clock.now())
        if expected is not None:
            assert truth == expected, moment  # the scenario does what it says
        for edge, named in edges.read(story.refs).items():
            assert named == truth, f"{moment}: {edge} names {sorted(named)}, not {sorted(truth)}"
        return truth

    clock.advance(timedelta(minutes=20))
    agree("before a sweep", {untouched})
    story.sweep()  # notes the butler's lapsed promises, moves nothing
    agree("right after the sweep", {untouched})
    clock.advance(timedelta(days=10))  # past every resolve deadline of the property layer
    story.act(story.submit(), "accept", "start")  # a fresh case, taken in hand: on time
    agree("ten days later", {untouched, worked, held})
    story.act(held, "hold")
    agree("after a hold", {untouched, worked})
    clock.advance(timedelta(hours=2))
    story.act(held, "resume")
    agree("after the resume", {untouched, worked, held})
    story.sweep()  # the three overdue cases climb to the complex with fresh deadlines
    agree("right after the escalation", set())
    clock.advance(timedelta(days=1))
    agree("a day after the escalation", {untouched, worked, held})
