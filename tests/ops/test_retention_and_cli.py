"""Retention anonymises old reporters (dry run first); the outbox and audit commands."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from caseflow.models import Case, CaseEvent, OutboxMessage
from caseflow.services.cases import submit_case
from caseflow.services.privacy import record_full_read
from caseflow.services.retention import RetentionPolicy, apply_retention, retention_policy
from caseflow.services.sweep import sweep
from tests.factories import RESIDENT, act_on, build_tree, submission


@pytest.fixture
def closed_case(runtime, clock):
    users = build_tree(runtime)
    with runtime.uow() as uow:
        case = submit_case(uow, runtime.rules(), submission(), RESIDENT, runtime.now())[0]
        uow.commit()
    for action in ("accept", "start", "resolve"):
        with runtime.uow() as uow:
            act_on(uow, runtime.rules(), case.ref, action, users["butler"], runtime.now())
    clock.advance(timedelta(days=8))
    assert sweep(runtime.uow, runtime.rules(), runtime.now()).auto_closed == 1
    return case, users


def test_the_shipped_policy_reads():
    from caseflow.rules import load_rules
    from tests.conftest import RULES_DIR

    policy = retention_policy(load_rules(RULES_DIR).extras["retention"])
    assert policy == RetentionPolicy(timedelta(days=365), ("name", "phone"))


def test_reporters_are_anonymised_once_the_period_has_passed(runtime, clock, closed_case):
    case, _ = closed_case
    policy = RetentionPolicy(timedelta(days=30))
    with runtime.uow() as uow:
        assert apply_retention(uow, policy, runtime.now()) == []
    clock.advance(timedelta(days=31))
    with runtime.uow() as uow:
        assert apply_retention(uow, policy, runtime.now(), dry_run=True) == [case.ref]
    with runtime.uow() as uow:
        assert uow.session.scalar(select(Case.reporter_phone)) == "13800000001"
        assert apply_retention(uow, policy, runtime.now()) == [case.ref]
    with runtime.uow() as uow:
        row = uow.session.execute(select(Case.reporter_name, Case.reporter_phone)).one()
        assert tuple(row) == ("", "")
        actions = list(uow.session.scalars(select(CaseEvent.action).order_by(CaseEvent.id)))
        assert actions[-1] == "anonymise"
        assert apply_retention(uow, policy, runtime.now()) == []


def test_retention_dry_run_from_the_command_line(runtime, clock, closed_case, cli):
    clock.advance(timedelta(days=400))
    out = cli("retention", "apply", "--dry-run")
    assert closed_case[0].ref in out and "would anonymise 1 case(s)" in out


def test_outbox_list_and_replay_from_the_command_line(runtime, clock, closed_case, cli):
    with runtime.uow() as uow:
        dead = uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
        dead.status, dead.last_error = "dead", "HTTP 500"
        uow.commit()
    out = cli("outbox", "list", "--status", "dead")
    assert "HTTP 500" in out and "1 message(s)" in out
    assert "1 message(s) queued again" in cli("outbox", "replay",
                                              str(dead.id))
    out = cli("deliver", "--once")
    assert "delivered" in out and "dead 0" in out


def test_audit_reads_lists_who_read_full_records(runtime, clock, closed_case, cli):
    case, users = closed_case
    with runtime.uow() as uow:
        record_full_read(uow, case, users["butler"], runtime.now(), purpose="api")
    out = cli("audit", "reads", "--case", case.ref)
    assert "butler" in out and case.ref in out and "1 read(s)" in out
