"""The server's admin commands ``users`` and ``members`` (``serve`` and ``worker`` are in
:mod:`.serving`). The server package is imported inside the commands, so the rest of the
CLI never loads it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from novelforge.cli.app import app, out_console

DATA_HELP = ("The server's data folder: its database, signing secret and job queue; never inside a manuscript "
             "(default: $NOVELFORGE_SERVER_DATA, else the user data folder).")


QUEUE_HELP = ("Keep the background jobs in Redis, for workers on other machines: redis://HOST:PORT/DB, "
              "rediss:// for TLS, a password as redis://:PASSWORD@HOST:PORT/DB (default: $NOVELFORGE_QUEUE, "
              "else the jobs stay in --data; docs/server.md, More than one machine).")


def data_option():
    return typer.Option(None, "--data", metavar="DIR", help=DATA_HELP)


def queue_option():
    return typer.Option(None, "--queue", metavar="URL", help=QUEUE_HELP)


def _queue(queue: Optional[str]) -> Optional[str]:
    from novelforge import api

    return api.server_queue(queue)


def _data(data: Optional[Path]) -> Path:
    from novelforge import api

    return api.server_data(data)


def _password(stdin: bool, confirm: bool = True) -> str:
    if stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=confirm)


users_app = typer.Typer(name="users", help="The server's accounts.", no_args_is_help=True)
app.add_typer(users_app, name="users")
members_app = typer.Typer(name="members", help="Who may read or edit a served project.", no_args_is_help=True)
app.add_typer(members_app, name="members")


@users_app.command("add")
def users_add(
    username: str = typer.Argument(..., metavar="USERNAME", help="The name to sign in with."),
    name: str = typer.Option("", "--name", metavar="TEXT", help="The full name commits are authored by."),
    email: str = typer.Option("", "--email", metavar="ADDRESS", help="The e-mail address commits are authored by."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
    data: Optional[Path] = data_option(),
) -> None:
    """Create an account on the server (asks for the password twice).

    Example: novelforge users add ada --name "Ada Quill" --email ada@example.org
    """
    from novelforge import api

    user = api.user_add(_data(data), username, _password(password_stdin), name=name, email=email)
    out_console().print(f"Added {user.username} ({user.name} <{user.email}>).", markup=False)


@users_app.command("passwd")
def users_passwd(
    username: str = typer.Argument(..., metavar="USERNAME", help="The account."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
    data: Optional[Path] = data_option(),
) -> None:
    """Set a new password for an account.

    Example: novelforge users passwd ada
    """
    from novelforge import api

    api.user_passwd(_data(data), username, _password(password_stdin))
    out_console().print(f"Set a new password for {username}.", markup=False)


@users_app.command("disable")
def users_disable(
    username: str = typer.Argument(..., metavar="USERNAME", help="The account."),
    enable: bool = typer.Option(False, "--enable", help="Enable the account again."),
    data: Optional[Path] = data_option(),
) -> None:
    """Disable an account: it can no longer sign in, and its sessions end now.

    Example: novelforge users disable ada
    """
    from novelforge import api

    api.user_disable(_data(data), username, not enable)
    out_console().print(f"{'Enabled' if enable else 'Disabled'} {username}.", markup=False)


@users_app.command("list")
def users_list(data: Optional[Path] = data_option()) -> None:
    """List the accounts.

    Example: novelforge users list --data /srv/novelforge-data
    """
    from novelforge import api

    console = out_console()
    found = api.users(_data(data))
    for user in found:
        state = "  (disabled)" if user.disabled else ""
        console.print(f"{user.username}  {user.name} <{user.email}>{state}", markup=False)
    if not found:
        console.print("No accounts yet; add one with `novelforge users add NAME`.", markup=False)


@members_app.command("grant")
def members_grant(
    project: str = typer.Argument(..., metavar="PROJECT", help="The project: a folder name under --projects."),
    username: str = typer.Argument(..., metavar="USERNAME", help="The account."),
    role: str = typer.Option("viewer", "--role", metavar="owner|editor|viewer", help="The role to give."),
    data: Optional[Path] = data_option(),
) -> None:
    """Give an account a role in a project (a new member, or a new role). The last owner
    cannot be demoted.

    Example: novelforge members grant the-ember-crown ada --role owner
    """
    from novelforge import api

    api.member_grant(_data(data), project, username, role)
    out_console().print(f"{username} is now {role} of {project}.", markup=False)


@members_app.command("revoke")
def members_revoke(
    project: str = typer.Argument(..., metavar="PROJECT", help="The project."),
    username: str = typer.Argument(..., metavar="USERNAME", help="The account."),
    data: Optional[Path] = data_option(),
) -> None:
    """Remove an account from a project (not its last owner).

    Example: novelforge members revoke the-ember-crown bram
    """
    from novelforge import api

    api.member_revoke(_data(data), project, username)
    out_console().print(f"{username} is no longer a member of {project}.", markup=False)


@members_app.command("list")
def members_list(
    project: str = typer.Argument(..., metavar="PROJECT", help="The project."),
    data: Optional[Path] = data_option(),
) -> None:
    """List a project's members and their roles.

    Example: novelforge members list the-ember-crown
    """
    from novelforge import api

    console = out_console()
    found = api.members(_data(data), project)
    for m in found:
        console.print(f"{m.username}  {m.role}  ({m.name})", markup=False)
    if not found:
        console.print(f"{project} has no members yet.", markup=False)
