"""Failed logins are counted in the accounts database: shared by workers, kept over restarts, per account
and address, and the client address is taken from X-Forwarded-For only behind a trusted proxy."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest

from tests.accounts_support import PASSWORD, Clock, login
from tests.browser_support import start_server
from web.app import create_app
from web.client_address import client_address, trusted_proxies

ANN = "ann@cluster.example"
BO = "bo@cluster.example"
WRONG = "wrong password!"


def http_login(base: str, email: str, password: str) -> tuple[int, str | None]:
    """One login through a real server, as a new visitor: (status, Retry-After)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(f"{base}/login", timeout=30).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = urlencode({"email": email, "password": password, "csrf_token": token}).encode()
    try:
        with opener.open(f"{base}/login", data=form, timeout=30) as response:
            return response.status, None
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Retry-After")


def test_the_limit_is_shared_by_four_workers_and_survives_a_restart(hub):
    hub.accounts.add(ANN, "member", PASSWORD)
    hub.accounts.add(BO, "member", PASSWORD)
    env = {"SKH_INSECURE_COOKIES": "1"}
    proc, base = start_server(hub.datadir.root, extra_env=env, args=("--workers", "4", "--threads", "2"))
    try:
        answers = [http_login(base, ANN, WRONG) for _ in range(12)]
        # Five free failures in all, not five (or ten) per worker; then the pair waits a minute.
        assert [status for status, _ in answers] == [401] * 5 + [429] * 7
        assert 0 < int(answers[5][1]) <= 60
        assert http_login(base, ANN, PASSWORD)[0] == 429  # not even the right password is checked
        # Guesses sent all at once, to all workers: each is counted before its password is checked,
        # so no more than five get past the count while the slow hashes run.
        with ThreadPoolExecutor(8) as pool:
            statuses = sorted(status for status, _ in pool.map(lambda _: http_login(base, BO, WRONG), range(12)))
        assert statuses == [401] * 5 + [429] * 7
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    proc, base = start_server(hub.datadir.root, extra_env=env, args=("--workers", "4", "--threads", "2"))
    try:
        assert http_login(base, ANN, WRONG)[0] == 429  # a restart did not forget
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_the_back_off_doubles_and_a_correct_login_clears_it(hub):
    hub.accounts.add(ANN, "member", PASSWORD)
    clock = Clock()
    hub.login_throttle.clock = clock
    client = create_app(hub, TESTING=True).test_client()
    assert [login(client, ANN, WRONG).status_code for _ in range(5)] == [401] * 5
    refused = login(client, ANN, WRONG)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    assert "Wait 60 seconds" in refused.get_data(as_text=True)
    clock.now += 61
    assert login(client, ANN, WRONG).status_code == 401  # one more guess, then twice as long
    clock.now += 119
    assert login(client, ANN, PASSWORD).status_code == 429
    clock.now += 2
    assert login(client, ANN, PASSWORD).status_code == 302
    other = create_app(hub, TESTING=True).test_client()
    assert [login(other, ANN, WRONG).status_code for _ in range(5)] == [401] * 5  # the count starts again


def test_a_busy_address_does_not_lock_out_another_accounts_correct_login(hub):
    for n in range(6):
        hub.accounts.add(f"user{n}@cluster.example", "member", PASSWORD)
    hub.accounts.add(BO, "member", PASSWORD)
    client = create_app(hub, TESTING=True).test_client()
    # Someone at this address tries five accounts four times each: twenty failures from one address.
    for n in range(5):
        assert [login(client, f"user{n}@cluster.example", WRONG).status_code for _ in range(4)] == [401] * 4
    assert login(client, "user0@cluster.example", PASSWORD).status_code == 429  # an account failing here waits
    assert login(client, BO).status_code == 302  # a colleague behind the same address logs in


def test_guessing_one_account_from_many_addresses_is_slowed_except_where_the_owner_logs_in(hub):
    hub.accounts.add(ANN, "member", PASSWORD)
    app = create_app(hub, TESTING=True)
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    assert login(owner, ANN).status_code == 302
    for n in range(20):  # four failures from each of five addresses
        guesser = app.test_client()
        guesser.environ_base["REMOTE_ADDR"] = f"198.51.100.{n // 4}"
        assert login(guesser, ANN, WRONG).status_code == 401
    fresh = app.test_client()
    fresh.environ_base["REMOTE_ADDR"] = "198.51.100.99"
    assert login(fresh, ANN, WRONG).status_code == 429
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    assert login(owner, ANN).status_code == 302


def via(app, peer: str, forwarded_for: str | None):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = peer
    if forwarded_for:
        client.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client


def test_x_forwarded_for_from_a_trusted_proxy_separates_clients(hub):
    hub.accounts.add(ANN, "member", PASSWORD)
    app = create_app(hub, TESTING=True, SKH_TRUSTED_PROXIES="10.0.0.0/8")
    first = via(app, "10.0.0.2", "203.0.113.50, 198.51.100.7")
    assert [login(first, ANN, WRONG).status_code for _ in range(6)] == [401] * 5 + [429]
    second = via(app, "10.0.0.2", "198.51.100.8")
    assert login(second, ANN).status_code == 302  # another visitor behind the same proxy


def test_x_forwarded_for_from_an_untrusted_peer_is_ignored(hub):
    hub.accounts.add(ANN, "member", PASSWORD)
    app = create_app(hub, TESTING=True, SKH_TRUSTED_PROXIES="10.0.0.0/8")
    statuses = [login(via(app, "203.0.113.9", f"198.51.100.{n}"), ANN, WRONG).status_code for n in range(6)]
    assert statuses == [401] * 5 + [429]  # a new invented address each time does not reset the count


@pytest.mark.parametrize(
    "peer, header, expected",
    [
        ("10.0.0.2", ["198.51.100.7"], "198.51.100.7"),
        ("10.0.0.2", ["6.6.6.6, 198.51.100.7, 10.0.0.3"], "198.51.100.7"),  # rightmost not trusted
        ("10.0.0.2", ["198.51.100.7", "10.0.0.3"], "198.51.100.7"),  # header sent twice
        ("10.0.0.2", ["10.0.0.4, 10.0.0.3"], "10.0.0.4"),  # all trusted: the farthest
        ("10.0.0.2", ["198.51.100.7, garbage"], "10.0.0.2"),  # stop at what a proxy vouched for
        ("10.0.0.2", [], "10.0.0.2"),
        ("203.0.113.9", ["198.51.100.7"], "203.0.113.9"),  # untrusted peer: header ignored
        ("::ffff:10.0.0.2", ["198.51.100.7"], "198.51.100.7"),
    ],
)
def test_client_address(peer, header, expected):
    assert client_address(peer, header, trusted_proxies("10.0.0.0/8, 2001:db8::1")) == expected


def test_a_bad_trusted_proxy_setting_is_an_error():
    with pytest.raises(ValueError, match="SKH_TRUSTED_PROXIES"):
        trusted_proxies("10.0.0.0/8, proxy.example")
    assert client_address("10.0.0.2", ["198.51.100.7"], trusted_proxies("")) == "10.0.0.2"
