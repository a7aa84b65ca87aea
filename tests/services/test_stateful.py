"""Random action sequences never reach an invalid state, and every change leaves one event."""

from __future__ import annotations

import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import func, select

from caseflow.domain.clock import FrozenClock
from caseflow.domain.errors import CaseflowError
from caseflow.domain.lifecycle import ACTIONS, STATES
from caseflow.models import CaseEvent
from caseflow.services.cases import get_case, submit_case
from caseflow.services.runtime import Runtime
from caseflow.services.sweep import sweep
from tests.conftest import RULES_DIR, START
from tests.factories import RESIDENT, STAFF, act_on, build_tree, submission

DATA = {
    "record_decision": [{"outcome": o} for o in ("continue", "resolved", "escalate")],
    "evaluate": [{"satisfaction": s} for s in ("satisfied", "basically_satisfied", "unsatisfied")],
    "request_extension": [{"extra": "1 working day"}],
    "reroute": [{"unit": "jiazhou-community"}, {"unit": "rhine-office"}],
    "reassign": [{"assignee": "butler2"}],
}


@pytest.fixture(scope="module")
def template(sqlite_template):
    return sqlite_template


class CaseLife(RuleBasedStateMachine):
    """One case, many people acting on it in random order, the clock moving on."""

    template: Path

    @initialize()
    def start(self):
        self.folder = tempfile.mkdtemp()
        target = Path(self.folder) / "db.sqlite"
        shutil.copy(self.template, target)
        self.clock = FrozenClock(START)
        self.runtime = Runtime.from_url(f"sqlite:///{target}", RULES_DIR, self.clock)
        self.users = build_tree(self.runtime)
        with self.runtime.uow() as uow:
            self.ref = submit_case(
                uow, self.runtime.rules(), submission(), RESIDENT, self.clock.now()
            )[0].ref
        self.version, self.events = 1, 1

    def teardown(self):
        if hasattr(self, "runtime"):
            self.runtime.engine.dispose()
            shutil.rmtree(self.folder, ignore_errors=True)

    def _counts(self):
        with self.runtime.uow() as uow:
            case = get_case(uow.session, self.ref)
            events = uow.session.scalar(
                select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case.id)
            )
            return case, events

    @rule(
        action=st.sampled_from(ACTIONS),
        who=st.sampled_from([*STAFF, "resident"]),
        pick=st.integers(0, 2),
    )
    def act(self, action, who, pick):
        actor = RESIDENT if who == "resident" else self.users[who]
        options = DATA.get(action, [{}])
        try:
            with self.runtime.uow() as uow:
                act_on(
                    uow,
                    self.runtime.rules(),
                    self.ref,
                    action,
                    actor,
                    self.clock.now(),
                    note="测试",
                    data=options[pick % len(options)],
                )
        except CaseflowError:
            case, events = self._counts()
            assert (case.version, events) == (self.version, self.events), "a refusal changed data"
            return
        case, events = self._counts()
        assert case.version == self.version + 1
        assert events == self.events + 1
        self.version, self.events = case.version, events

    @rule(hours=st.integers(1, 24 * 20))
    def time_passes_and_the_sweep_runs(self, hours):
        self.clock.advance(timedelta(hours=hours))
        report = sweep(self.runtime.uow, self.runtime.rules(), self.clock.now())
        case, events = self._counts()
        assert events - self.events == case.version - self.version
        assert (events > self.events) == (report.total() > 0)
        self.version, self.events = case.version, events

    @invariant()
    def state_is_valid(self):
        if hasattr(self, "runtime"):
            case, _ = self._counts()
            assert case.state in STATES
            assert case.layer in {layer.id for layer in self.runtime.rules().layers}


def test_random_action_sequences_keep_the_case_consistent(template):
    CaseLife.template = template
    runner = CaseLife.TestCase
    runner.settings = settings(
        max_examples=25,
        stateful_step_count=20,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    runner().runTest()
