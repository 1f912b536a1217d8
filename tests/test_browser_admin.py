"""Issue #19 in a real Chromium against a real server: an admin invites someone, the link opens in another
browser, the password is set there and logs in; the audit log's filters narrow its rows."""

from __future__ import annotations

import pytest

from tests.accounts_support import make_users
from tests.browser_support import chromium, log_in, open_page, require_chromium, served
from web.hub import Hub

pytestmark = pytest.mark.browser

require_chromium()

NEW = "invited.person@cluster.example"
NEW_PASSWORD = "a long chosen password"


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-admin")
    hub = Hub.open(root / "data")
    emails = make_users(hub)
    with served(hub.datadir.root) as base, chromium() as browser:
        yield hub, base, browser, emails


def test_an_admin_invites_and_the_invited_person_sets_a_password_and_logs_in(setup):
    hub, base, browser, emails = setup
    with open_page(browser, locale="en-GB") as admin:
        log_in(admin, base, emails["admin"])
        admin.click("text=Users")
        admin.click("text=Invite someone")
        admin.fill('input[name="email"]', NEW)
        admin.select_option('select[name="role"]', "staff")
        admin.click('form.stacked button[type="submit"]')
        link = admin.input_value("#password-link")
        assert link.startswith(base + "/set-password/")
        admin.goto(base + "/admin/users")
        row = admin.locator(f'tr[data-email="{NEW}"]')
        assert "Invited, no password yet" in row.inner_text()
    with open_page(browser, locale="en-GB") as invited:
        invited.goto(link)
        assert NEW in invited.locator("main").inner_text()
        invited.fill('input[name="password"]', NEW_PASSWORD)
        invited.fill('input[name="confirm"]', NEW_PASSWORD)
        invited.click('form.stacked button[type="submit"]')
        invited.wait_for_url(base + "/login")
        assert "Your password is set" in invited.locator(".flashes").inner_text()
        log_in(invited, base, NEW, NEW_PASSWORD)
        assert NEW in invited.locator("nav.account").inner_text()
        assert invited.goto(base + "/upload").status == 200  # invited as staff
        assert invited.goto(link).status == 404  # the link worked once
    assert hub.accounts.account(NEW).has_password


def test_the_audit_filters_narrow_the_rows(setup):
    hub, base, browser, emails = setup
    for at, actor, action in (
        ("2025-01-10T08:00:00Z", "ida@cluster.example", "upload"),
        ("2025-02-01T10:00:00Z", "ole@cluster.example", "delete"),
        ("2025-03-05T12:00:00Z", "ida@cluster.example", "delete"),
    ):
        hub.accounts.record(actor, action, "")
        hub.accounts._conn().execute("UPDATE audit SET at = ? WHERE id = (SELECT MAX(id) FROM audit)", (at,))
    with open_page(browser, locale="en-GB") as page:
        log_in(page, base, emails["admin"])
        page.goto(base + "/admin/audit")
        everything = page.locator("tbody tr").count()
        assert everything >= 5  # the logins of this module, and the three above
        page.select_option('select[name="action"]', "delete")
        page.click("form.auditfilter button[type=submit]")
        page.wait_for_url("**action=delete**")
        assert page.locator("tbody tr").count() == 2
        page.fill('input[name="since"]', "2025-03-01")
        page.click("form.auditfilter button[type=submit]")
        page.wait_for_url("**since=2025-03-01**")
        rows = page.locator("tbody tr")
        assert rows.count() == 1 and "ida@cluster.example" in rows.inner_text()
        assert page.locator('select[name="action"]').input_value() == "delete"  # the form keeps what was asked
        export = page.locator("text=Export CSV").get_attribute("href")
        assert "action=delete" in export and "since=2025-03-01" in export
        page.click("text=Show everything")
        assert page.locator("tbody tr").count() > 2
