"""The server (``novelforge serve``) and its admin work, for the command line: thin calls
into :mod:`novelforge.server`, which is imported only when one of them runs."""

from __future__ import annotations

from pathlib import Path


def serve(*, projects: Path, data: Path, host: str = "127.0.0.1", port: int = 8000, allow_signup: bool = False,
          secure_cookies: bool = True, run_jobs: bool = True, queue: str | None = None) -> None:
    """Serve the projects under ``projects`` until interrupted (docs/server.md); with
    ``run_jobs`` False the background jobs are left to :func:`work`; ``queue`` (a
    ``redis://`` URL, :func:`server_queue`) puts the jobs in Redis for workers on other
    machines. Raises :class:`~novelforge.server.store.StoreError` (the data folder inside a
    project, a readable signing secret, a database from a newer version, a queue that is
    not a Redis address or does not answer)."""
    from novelforge.server.core import Settings
    from novelforge.server.run import serve as run

    run(Settings(projects=Path(projects), data=Path(data), host=host, port=port, allow_signup=allow_signup,
                 secure_cookies=secure_cookies, run_jobs=run_jobs, queue=queue))


def work(*, projects: Path, data: Path, queue: str | None = None) -> None:
    """Run the server's background jobs (exports, check reports, reviews) in this process
    until SIGTERM or SIGINT (``novelforge worker``), those of ``data`` or, with ``queue``,
    of that Redis. Raises :class:`~novelforge.server.store.StoreError` (another process
    already runs the jobs of ``data``; a database from a newer version; a queue that is
    not a Redis address or does not answer)."""
    from novelforge.server.worker import work as run

    run(Path(projects), Path(data), queue=queue)


def server_queue(queue: str | None = None) -> str | None:
    """The job queue: ``queue``, else ``$NOVELFORGE_QUEUE``, else None (SQLite in the data
    folder). Raises nothing."""
    import os

    return (queue or os.environ.get("NOVELFORGE_QUEUE") or "").strip() or None


def server_data(data: Path | None = None) -> Path:
    """The server's data folder: ``data``, else ``$NOVELFORGE_SERVER_DATA``, else the
    user data folder. Raises nothing."""
    import os

    if data is not None:
        return Path(data)
    if os.environ.get("NOVELFORGE_SERVER_DATA"):
        return Path(os.environ["NOVELFORGE_SERVER_DATA"])
    from platformdirs import user_data_dir

    return Path(user_data_dir("novelforge")) / "server"


def user_add(data: Path, username: str, password: str, *, name: str = "", email: str = ""):
    """Create an account; returns it. Raises :class:`~novelforge.server.store.StoreError`
    (the name taken or not a name, a password under 10 characters)."""
    from novelforge.server import admin

    return admin.add_user(data, username, password, name=name, email=email)


def user_passwd(data: Path, username: str, password: str) -> None:
    """Set a new password. Raises :class:`~novelforge.server.store.StoreError` (no such account, a password
    under 10 characters)."""
    from novelforge.server import admin

    admin.set_password(data, username, password)


def user_disable(data: Path, username: str, disabled: bool = True) -> None:
    """Disable (or enable) an account; a disabled account's sessions end at once. Raises
    :class:`~novelforge.server.store.StoreError` (no such account)."""
    from novelforge.server import admin

    admin.set_disabled(data, username, disabled)


def users(data: Path) -> list:
    """Every account, by name. Raises :class:`~novelforge.server.store.StoreError` (a database from a newer
    version)."""
    from novelforge.server import admin

    return admin.users(data)


def member_grant(data: Path, project: str, username: str, role: str) -> None:
    """Give ``username`` ``role`` (owner, editor, viewer) in ``project``. Raises
    :class:`~novelforge.server.store.StoreError` (no such account, a bad role or project name, the last
    owner demoted)."""
    from novelforge.server import admin

    admin.grant(data, project, username, role)


def member_revoke(data: Path, project: str, username: str) -> None:
    """Remove ``username`` from ``project``. Raises :class:`~novelforge.server.store.StoreError` (not a
    member, the last owner)."""
    from novelforge.server import admin

    admin.revoke(data, project, username)


def members(data: Path, project: str) -> list:
    """The members of ``project`` with their roles, owners first. Raises
    :class:`~novelforge.server.store.StoreError` (a bad project name)."""
    from novelforge.server import admin

    return admin.members(data, project)
