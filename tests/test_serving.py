"""`skh serve --workers N`: several processes answer on one port, and stop together."""

from __future__ import annotations

import json
import socket
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

from tests.browser_support import start_server


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
