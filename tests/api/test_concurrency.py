"""Two caseworkers act on one case at the same moment through a live server: one wins."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import requests
from werkzeug.serving import make_server


@pytest.fixture
def live_url(app) -> Iterator[str]:
    """The app served by a threaded werkzeug server on a free local port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def test_two_concurrent_actions_on_one_version_have_exactly_one_winner(live_url, auth, case):
    url = f"{live_url}/api/v1/cases/{case['ref']}/actions"
    start = threading.Barrier(2)
    statuses: list[int] = []

    def accept(who: str) -> None:
        start.wait()
        response = requests.post(url, json={"action": "accept", "version": 1},
                                 headers=auth[who], timeout=30)
        statuses.append(response.status_code)

    workers = [threading.Thread(target=accept, args=(who,)) for who in ("butler", "butler2")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(statuses) == [200, 409]
    events = requests.get(f"{live_url}/api/v1/cases/{case['ref']}/events",
                          headers=auth["butler"], timeout=30).json()
    assert [e["action"] for e in events] == ["submit", "accept"]
