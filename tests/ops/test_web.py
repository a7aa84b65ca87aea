"""Production endpoints: readiness with reasons, metrics, request ids and JSON logs."""

from __future__ import annotations

import json
import logging

import pytest

from caseflow.app import create_app
from caseflow.ops.logs import JsonFormatter
from caseflow.services import migrations
from tests.conftest import RULES_DIR


@pytest.fixture
def client(database_url, clock):
    app = create_app({"DATABASE_URL": database_url, "RULES_DIR": str(RULES_DIR),
                      "CLOCK": clock, "TESTING": True, "SECRET_KEY": "test",
                      "METRICS_TOKEN": "t0ken"})
    yield app.test_client()
    app.extensions["caseflow"].engine.dispose()


def test_readyz_is_ready_on_a_migrated_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["checks"] == {"database": "ok", "migrations": "ok", "rules": "ok"}


def test_readyz_says_why_it_is_not_ready(client, database_url):
    from caseflow.db import make_engine

    engine = make_engine(database_url)
    migrations.downgrade(engine, "0001")
    engine.dispose()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["migrations"].startswith("not at head")


def test_readyz_reports_an_unreachable_database(tmp_path, clock):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/x.sqlite",
                      "RULES_DIR": str(RULES_DIR), "CLOCK": clock, "SECRET_KEY": "t"})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["database"].startswith("unreachable")


def test_metrics_are_prefixed_and_count_open_cases(client):
    client.get("/healthz")
    text = client.get("/metrics", headers={"Authorization": "Bearer t0ken"}).get_data(True)
    assert "caseflow_http_request_duration_seconds_bucket" in text
    assert "caseflow_overdue_cases 0.0" in text
    assert 'caseflow_outbox_messages{status="pending"} 0.0' in text
    names = [line.split()[2] for line in text.splitlines() if line.startswith("# TYPE")]
    ours = [n for n in names if not n.startswith(("python_", "process_"))]
    assert ours and all(n.startswith("caseflow_") for n in ours)


def test_a_request_id_is_kept_or_made_and_returned(client):
    assert client.get("/healthz", headers={"X-Request-Id": "abc-123"}).headers[
        "X-Request-Id"] == "abc-123"
    made = client.get("/healthz", headers={"X-Request-Id": "bad id; forged"})
    assert len(made.headers["X-Request-Id"]) == 32


def test_log_lines_are_json_with_extra_fields():
    record = logging.LogRecord("caseflow.access", logging.INFO, __file__, 1, "GET %s", ("/x",),
                               None)
    record.status = 200
    line = json.loads(JsonFormatter().format(record))
    assert line["msg"] == "GET /x" and line["status"] == 200 and line["level"] == "info"
