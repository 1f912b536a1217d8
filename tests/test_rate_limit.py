"""Requests to the API and the search page, counted per client address in SQLite shared by all workers."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.accounts_support import Clock
from tests.browser_support import free_port
from tests.conftest import ROOT
from web.app import create_app
from web.hub import Hub
from web.rate_limit import Rate, retry_after


def test_two_workers_share_the_count_and_the_api_answers_json_429(mini_hub):
    clock = Clock(start=600.0)  # the start of a minute

    def worker():
        # Its own app and hub on the one data dir: what each ``skh serve`` worker (or a restarted one) has.
        hub = Hub.open(mini_hub.datadir.root, taxonomy=str(ROOT / "corpus" / "areas.toml"))
        hub.request_counts.clock = clock
        return create_app(hub, TESTING=True, SKH_RATE_LIMIT="5/minute").test_client()

    workers = [worker(), worker()]
    assert [workers[n % 2].get("/api/search?q=hearing").status_code for n in range(5)] == [200] * 5
    refused = workers[1].get("/api/search?q=hearing")
    assert refused.status_code == 429 and refused.is_json
    body = refused.get_json()["error"]
    # The sixth of five at the minute's start: the rest of this minute, then until 6 * (1 - f) + 1 <= 5.
    assert body["retry_after"] == 80 and refused.headers["Retry-After"] == "80"
    assert body["status"] == 429 and body["code"] == "too_many_requests" and "Too many requests" in body["message"]
    assert worker().get("/api/suggest?q=he").status_code == 429  # a restarted worker remembers


def test_the_search_page_answers_a_friendly_page_and_other_pages_and_addresses_are_not_counted(mini_hub):
    app = create_app(mini_hub, TESTING=True, SKH_RATE_LIMIT="3/minute")
    client = app.test_client()
    assert [client.get("/search?q=noise").status_code for _ in range(3)] == [200] * 3
    refused = client.get("/search?q=noise")
    assert refused.status_code == 429 and "text/html" in refused.content_type
    assert "Too many requests from your address" in refused.get_data(as_text=True) and refused.headers["Retry-After"]
    assert client.get("/").status_code == 200 and client.get("/healthz").status_code == 200
    neighbour = app.test_client()
    neighbour.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert neighbour.get("/search?q=noise").status_code == 200


def test_the_window_slides_and_the_limit_can_be_turned_off(mini_hub):
    clock = Clock(start=600.0)  # the start of a minute
    mini_hub.request_counts.clock = clock
    client = create_app(mini_hub, TESTING=True, SKH_RATE_LIMIT="4/minute").test_client()
    assert [client.get("/api/search").status_code for _ in range(4)] == [200] * 4
    clock.now += 60 + 15  # the next minute, a quarter in: three quarters of the last minute's 4 still count
    assert [client.get("/api/search").status_code for _ in range(2)] == [200, 429]  # 3 + 1, then 3 + 2
    clock.now += 45  # the minute after: only the 2 of the last minute weigh (fully, at its start)
    assert [client.get("/api/search").status_code for _ in range(3)] == [200, 200, 429]
    unlimited = create_app(mini_hub, TESTING=True, SKH_RATE_LIMIT="off").test_client()
    assert {unlimited.get("/api/search").status_code for _ in range(10)} == {200}


@pytest.mark.parametrize(
    "count, previous, elapsed, expected",
    [
        (3, 0, 0.5, 0.0),  # within
        (5, 0, 0.5, 30.0 + 24.0),  # this window full: to its end, then until 5 * (1 - f) + 1 <= 4
        (2, 4, 0.25, 30.0),  # room for a third: the last window's share must fade from 3 to 1
    ],
)
def test_retry_after(count, previous, elapsed, expected):
    assert retry_after(count, previous, elapsed, Rate(4, 60.0)) == pytest.approx(expected)


def test_rate_setting():
    assert Rate.parse("300/minute") == Rate(300, 60.0)
    assert Rate.parse("10 per second") == Rate(10, 1.0)
    assert Rate.parse("0") is None and Rate.parse("off") is None
    with pytest.raises(ValueError, match="SKH_RATE_LIMIT"):
        Rate.parse("lots")


@pytest.mark.parametrize("setting", ["SKH_RATE_LIMIT=lots", "SKH_TRUSTED_PROXIES=proxy.example"])
def test_serve_refuses_a_bad_setting_at_once_with_its_name(tmp_path, setting):
    name, value = setting.split("=")
    env = {**os.environ, "SKH_DATA_DIR": str(tmp_path / "data"), name: value}
    done = subprocess.run(
        [sys.executable, "-m", "web.cli", "serve", "--port", str(free_port()), "--workers", "2"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and f"Error: {name}" in done.stderr
