"""`skh serve --workers N`: several processes answer on one port, and stop together."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode, urlparse

from tests.accounts_support import PASSWORD
from tests.browser_support import start_server
from web.hub import Hub


def test_workers_share_the_port_and_stop_with_the_parent(mini_hub):
    proc, base = start_server(mini_hub.datadir.root, args=("--workers", "2", "--threads", "2"))
    try:

        def total(_):
            with urllib.request.urlopen(f"{base}/api/search?q=hearing", timeout=30) as response:
                return json.load(response)["total"]

        with ThreadPoolExecutor(8) as pool:
            totals = list(pool.map(total, range(24)))
        assert totals == [totals[0]] * 24 and totals[0] > 0
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    port = urlparse(base).port
    with socket.socket() as sock:  # nobody listens any more: the workers went with the parent
        assert sock.connect_ex(("127.0.0.1", port)) != 0


def test_workers_started_together_on_a_new_data_dir_accept_each_others_sessions(tmp_path):
    data = tmp_path / "fresh"
    accounts = Hub.open(data).accounts
    # Four accounts, so that no account has more log-ins in flight at once than the pool has threads (4): the
    # login throttle counts an attempt as failed until its password is checked, and a sixth attempt of one
    # account from one address while five are unchecked is answered 429 (tests/test_login_limits.py), not what
    # this test is about.
    emails = [f"staff{n}@cluster.example" for n in range(4)]
    for email in emails:
        accounts.add(email, "staff", PASSWORD)
    assert not (data / "secret_key").exists()
    proc, base = start_server(data, extra_env={"SKH_INSECURE_COOKIES": "1"}, args=("--workers", "2", "--threads", "2"))
    try:
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        assert len(children) == 2  # neither worker died setting up the data dir

        def log_in(n):
            # A new visitor each time: the form from one worker, the post perhaps to the other.
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
            page = opener.open(f"{base}/login", timeout=30).read().decode()
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
            form = urlencode({"email": emails[n % 4], "password": PASSWORD, "csrf_token": token})
            opener.open(f"{base}/login", data=form.encode(), timeout=30).read()
            return "Log out" in opener.open(f"{base}/", timeout=30).read().decode()

        with ThreadPoolExecutor(4) as pool:
            assert all(pool.map(log_in, range(16)))
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_a_worker_that_dies_is_replaced_and_the_service_keeps_answering(mini_hub):
    proc, base = start_server(mini_hub.datadir.root, args=("--workers", "2", "--threads", "2"))
    children_file = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    try:
        first = children_file.read_text().split()
        assert len(first) == 2
        os.kill(int(first[0]), signal.SIGKILL)  # a crash, as the OOM killer would do it
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            now = children_file.read_text().split()
            if len(now) == 2 and first[0] not in now:
                break
            time.sleep(0.2)
        assert len(now) == 2 and first[0] not in now and first[1] in now
        for _ in range(6):
            with urllib.request.urlopen(f"{base}/api/search?q=hearing", timeout=30) as response:
                assert json.load(response)["total"] > 0
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert f"worker {first[0]} exited (signal 9)" in err.decode()
