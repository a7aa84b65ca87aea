"""gunicorn settings: `gunicorn -c python:caseflow.ops.gunicorn_conf wsgi:app`.

Every value can be overridden by the usual GUNICORN_CMD_ARGS or the CASEFLOW_* variables
below. With PROMETHEUS_MULTIPROC_DIR set, empty that directory before starting the
web and sweep processes (docs/deploy.md). Logs go to stderr as JSON; the access log is
written by the app (with request id and duration), so gunicorn's own access log stays off.
"""

from __future__ import annotations

import os
from typing import Any

from caseflow.ops.logs import configure_logging

bind = os.environ.get("CASEFLOW_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("CASEFLOW_WEB_WORKERS", "2"))
worker_class = "sync"
timeout = int(os.environ.get("CASEFLOW_WEB_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so slow leaks never matter.
max_requests = 10_000
max_requests_jitter = 1_000
accesslog = None
errorlog = "-"
loglevel = os.environ.get("CASEFLOW_LOG_LEVEL", "info")
logconfig_dict: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "caseflow.ops.logs.JsonFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stderr"], "level": loglevel.upper()},
    "loggers": {"gunicorn.error": {"handlers": ["stderr"], "level": loglevel.upper(),
                                   "propagate": False}},
}


def post_fork(server: Any, worker: Any) -> None:
    """JSON logs in every worker."""
    configure_logging(loglevel.upper())


def child_exit(server: Any, worker: Any) -> None:
    """Let Prometheus forget a dead worker's live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
