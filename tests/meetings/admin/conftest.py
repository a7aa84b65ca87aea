"""The admin UI fixtures of tests/admin (app with the Leshan tree, a cookie-less client)."""

from tests.admin.conftest import app, client  # noqa: F401
