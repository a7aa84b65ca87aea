"""Schemathesis over /api/openapi.json: no input makes the API answer 500 or break its schema.

On SQLite with the full budget, and on PostgreSQL with a short one (its own failures are of
another kind: NUL bytes, integer sizes); the data is seeded so that ids and references exist.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from caseflow.app import create_app, runtime_of
from caseflow.domain.clock import FrozenClock
from caseflow.services import tokens
from caseflow.services.cases import submit_case
from tests.conftest import RULES_DIR, START
from tests.factories import RESIDENT, build_tree, submission

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
EXAMPLES = {"sqlite": 50, "postgresql": 12}


@pytest.fixture(scope="module",
                params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def seeded(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    """One app with the Leshan tree, two cases (ids 1 and 2) and an admin token."""
    folder = tmp_path_factory.mktemp("fuzz")
    if request.param == "sqlite":
        shutil.copy(request.getfixturevalue("sqlite_template"), folder / "db.sqlite")
        url = f"sqlite:///{folder / 'db.sqlite'}"
    else:
        scratch = request.getfixturevalue("pg_scratch")
        scratch.reset()
        url = scratch.url
    app = create_app({
        "TESTING": True, "DATABASE_URL": url,
        "RULES_DIR": str(RULES_DIR), "CLOCK": FrozenClock(START),
        "ATTACHMENTS_DIR": str(folder / "attachments"), "SUBMIT_RATE_LIMIT": "100000 per minute",
        "TOKEN_RATE_LIMIT": "100000 per minute",
    })
    runtime = runtime_of(app)
    users = build_tree(runtime)
    with runtime.uow() as uow:
        for _ in range(2):
            submit_case(uow, runtime.rules(), submission(), RESIDENT, runtime.now())
        _, secret = tokens.issue_token(uow, users["admin"], runtime.now())
    yield app, {"Authorization": f"Bearer {secret}"}, EXAMPLES[request.param]
    runtime.engine.dispose()


# The operations of this module's issue (#3); other features' operations are fuzzed below.
CORE = ("/api/v1/auth", "/api/v1/cases", "/api/v1/units", "/api/v1/rules")


def fuzz_operations(seeded: tuple, core: bool) -> tuple[list[str], dict[str, str]]:
    """Run every selected operation with EXAMPLES generated requests; collect failures."""
    app, headers, examples = seeded
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    failures, covered = {}, []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.startswith(CORE) != core:
            continue

        @given(case=operation.as_strategy())
        @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            fuzz()
        except (Exception, BaseExceptionGroup) as error:  # collect every operation's failure
            failures[operation.label] = str(error)[:2000]
        covered.append(operation.label)
    return covered, failures


def test_no_input_makes_the_case_api_fail_or_break_its_schema(seeded: tuple) -> None:
    covered, failures = fuzz_operations(seeded, core=True)
    assert len(covered) == 18  # with POST …/rules/whatif, the photo thumbnails, …/dispatches
    assert failures == {}


def test_the_other_api_operations_survive_fuzzing_too(seeded: tuple) -> None:
    covered, failures = fuzz_operations(seeded, core=False)
    assert failures == {}
