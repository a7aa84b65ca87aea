"""Running caseflow in production: JSON logs, request ids, metrics, readiness, gunicorn."""
