"""A real server and a real Chromium for end-to-end tests.

Playwright cannot download its own browser here, so it drives Debian's
chromium (``SKH_CHROMIUM`` overrides the path).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = os.environ.get("SKH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(
    data_dir: Path, extra_env: dict[str, str] | None = None, args: tuple[str, ...] = ()
) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "SKH_DATA_DIR": str(data_dir), **(extra_env or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "serve", "--port", str(port), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90  # a bound: a worker warms its searcher before it answers (web/warming.py)
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return proc, base
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {proc.stderr.read().decode(errors='replace')}") from None
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start within 90 s")


@contextmanager
def served(data_dir: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """A running ``skh serve`` over ``data_dir``: its base URL, stopped afterwards."""
    proc, base = start_server(data_dir, extra_env)
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextmanager
def chromium() -> Iterator[object]:
    """Debian's Chromium driven by Playwright, closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def open_page(browser, **context_options) -> Iterator[object]:
    """A page in a fresh context; a script error on it fails the test that used it."""
    context = browser.new_context(**context_options)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield page
    finally:
        context.close()
    assert not errors, errors


def axe_violations(page) -> list[str]:
    """axe-core's violations on the page as it is now, one line each (id, impact, where)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in results.response["violations"]
    ]


def require_chromium() -> None:
    """Skip the calling test module when Debian's Chromium or Playwright is missing (.ci/run installs both)."""
    import pytest

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium (.ci/run does)", allow_module_level=True)
    pytest.importorskip("playwright.sync_api")


def log_in(page, base: str, email: str, password: str | None = None) -> None:
    """Sign in through the login form, as a person does, and wait for the home page."""
    from tests.accounts_support import PASSWORD

    page.goto(base + "/login")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', password or PASSWORD)
    page.click('form.stacked button[type="submit"]')
    page.wait_for_url(base + "/")
