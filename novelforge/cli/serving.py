"""``novelforge serve`` and ``novelforge worker``. The server package is imported inside
the commands, so the rest of the CLI never loads it."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from novelforge.cli.app import app
from novelforge.cli.server import _data, _queue, data_option, queue_option


@app.command("serve")
def serve_cmd(
    projects: Path = typer.Option(Path("."), "--projects", metavar="DIR",
                                  help="The folder whose subfolders are the project repositories to serve."),
    data: Optional[Path] = data_option(),
    host: str = typer.Option("127.0.0.1", "--host", metavar="ADDRESS",
                             help="The address to listen on (keep 127.0.0.1 behind a reverse proxy)."),
    port: int = typer.Option(8000, "--port", metavar="PORT", help="The port to listen on."),
    allow_signup: bool = typer.Option(False, "--allow-signup", help="Let anyone create an account."),
    insecure_cookies: bool = typer.Option(False, "--insecure-cookies",
        help="Send the web page's cookies without `Secure` (only for plain HTTP on a trusted network)."),
    no_worker: bool = typer.Option(False, "--no-worker",
        help="Leave the background jobs to `novelforge worker` (a process of its own)."),
    queue: Optional[str] = queue_option(),
) -> None:
    """Serve every project repository under --projects over HTTP: a JSON API and web
    pages for collaborators who do not use git. Accounts are made with `novelforge users
    add` and given projects with `novelforge members grant`. Every save is a git commit
    authored by the person who saved. Run it behind a reverse proxy that terminates TLS
    (docs/server.md: deployment, backups of --data, upgrades). With --queue redis://… the
    background jobs go to Redis, and `novelforge worker --queue` on other machines runs
    them.

    Example: novelforge serve --projects /srv/novels --data /srv/novelforge-data --port 8000
    """
    from novelforge import api

    api.serve(projects=projects, data=_data(data), host=host, port=port, allow_signup=allow_signup,
              secure_cookies=not insecure_cookies, run_jobs=not no_worker, queue=_queue(queue))


@app.command("worker")
def worker_cmd(
    projects: Path = typer.Option(Path("."), "--projects", metavar="DIR",
                                  help="The folder whose subfolders are the project repositories (as for serve)."),
    data: Optional[Path] = data_option(),
    queue: Optional[str] = queue_option(),
) -> None:
    """Run the server's background jobs (exports, check reports, Writers' Room reviews)
    in this process, so that long ones never share the server's process with its
    requests. Use the same --projects and --data as `novelforge serve`; one worker per
    data folder. With --queue redis://… (the same as serve's) run as many workers as you
    like, on any machine that reaches that Redis and sees the same --projects folder (a
    shared mount); they do not use --data. Stops on SIGTERM or Ctrl-C after the job it is
    running.

    Example: novelforge worker --projects /srv/novels --data /srv/novelforge-data

    Example: novelforge worker --projects /mnt/novels --queue redis://10.0.0.5:6379/0
    """
    from novelforge import api

    api.work(projects=projects, data=_data(data), queue=_queue(queue))
