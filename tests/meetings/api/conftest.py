"""The API fixtures of tests/api (app, client, users with a committee member, tokens)."""

from tests.api.conftest import app, auth, client, runtime, users  # noqa: F401
