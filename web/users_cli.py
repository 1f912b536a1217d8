"""``skh users``: accounts from the command line (add, invite, passwd, reset, role, deactivate, reactivate,
remove, list).

Registered on :mod:`web.cli`'s ``main`` group. A password change, a role change and a removal end every
session of that account (:mod:`web.sessions`), so a cookie saved before them opens nothing. Every change is
in the audit log as done by ``cli:<operating-system user>`` (:func:`web.audit_events.cli_actor`). The CLI is
also the way back in: unlike the browser it may demote or remove the last admin.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from web.accounts import ROLES, AccountError
from web.audit_events import cli_actor
from web.ops_cli import open_hub


@click.group()
def users() -> None:
    """Manage accounts (member, staff, admin)."""


def _accounts():
    return open_hub().accounts


def _password(value: str | None) -> str:
    return value if value is not None else click.prompt("Password", hide_input=True, confirmation_prompt=True)


@contextmanager
def _account_errors() -> Iterator[None]:
    """An account request that cannot be done ends the command with its reason (exit 1), not a traceback."""
    try:
        yield
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc


@users.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
def users_add(email: str, role: str, password_stdin: bool) -> None:
    """Create an account; asks for the password."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else _password(None)
    with _account_errors():
        user = _accounts().add(email, role, password, by=cli_actor())
    click.echo(f"added {user.email} ({user.role})")


@users.command("passwd")
@click.argument("email")
@click.option("--password-stdin", is_flag=True)
def users_passwd(email: str, password_stdin: bool) -> None:
    """Set a new password (ends the account's sessions)."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else _password(None)
    with _account_errors():
        _accounts().set_password(email, password, by=cli_actor())
    click.echo(f"password changed for {email}")


@users.command("role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
def users_role(email: str, role: str) -> None:
    """Change an account's role (ends the account's sessions)."""
    with _account_errors():
        _accounts().set_role(email, role, by=cli_actor())
    click.echo(f"{email} is now {role}; their sessions were ended")


@users.command("remove")
@click.argument("email")
def users_remove(email: str) -> None:
    """Delete an account (ends the account's sessions)."""
    with _account_errors():
        _accounts().remove(email, by=cli_actor())
    click.echo(f"removed {email}")


@users.command("deactivate")
@click.argument("email")
def users_deactivate(email: str) -> None:
    """Stop an account from logging in (ends its sessions); the account and its history stay."""
    with _account_errors():
        _accounts().set_active(email, False, by=cli_actor())
    click.echo(f"{email} is deactivated; their sessions were ended")


@users.command("reactivate")
@click.argument("email")
def users_reactivate(email: str) -> None:
    """Let a deactivated account log in again."""
    with _account_errors():
        _accounts().set_active(email, True, by=cli_actor())
    click.echo(f"{email} can log in again")


def _say_link(hub, email: str, token: str, purpose: str) -> None:
    """The one-time link, whole when ``SKH_PUBLIC_URL`` names the address people use (else its path)."""
    from web.app import create_app

    path = create_app(hub).url_map.bind("localhost").build("auth.set_password", {"token": token})
    base = hub.settings.web.public_url
    days = hub.invitations.lifetime / 86400
    click.echo(f"{purpose} link for {email}, valid once for {days:g} days (pass it on; it is not shown again):")
    click.echo(f"{base.rstrip('/')}{path}" if base else path)
    if not base:
        click.echo("(after the server's address: set SKH_PUBLIC_URL to print the whole link)", err=True)


@users.command("invite")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
def users_invite(email: str, role: str) -> None:
    """Create an account without a password and print its one-time set-password link."""
    hub = open_hub()
    with _account_errors():
        token = hub.invitations.invite(email, role, by=cli_actor())
    _say_link(hub, email.strip().lower(), token, "invitation")


@users.command("reset")
@click.argument("email")
def users_reset(email: str) -> None:
    """Print a one-time link that sets a new password (the old one works until the link is used)."""
    hub = open_hub()
    with _account_errors():
        token = hub.invitations.reset(email, by=cli_actor())
    _say_link(hub, email.strip().lower(), token, "reset")


@users.command("list")
def users_list() -> None:
    """List accounts and their roles (and "deactivated" or "invited" where that is so)."""
    for account in _accounts().accounts():
        state = ""
        if not account.active:
            state = "\tdeactivated"
        elif not account.has_password:
            state = "\tinvited"
        click.echo(f"{account.email}\t{account.role}{state}")
