"""What the server's modules share: its settings, its state, and the refusal a route raises."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from novelforge.server.ratelimit import LoginLimiter

MAX_BODY = 2 * 1024 * 1024       # bytes in one request body


@dataclass
class Settings:
    projects: Path
    data: Path
    host: str = "127.0.0.1"
    port: int = 8000
    allow_signup: bool = False
    secure_cookies: bool = True
    max_body: int = MAX_BODY
    run_jobs: bool = True
    queue: str | None = None        # redis://… for a queue shared by several machines



class ApiError(Exception):
    """An expected refusal: the status and one sentence for the client (and extra keys)."""

    def __init__(self, status: int, message: str, **extra) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra


class Server:
    """What every request shares."""

    def __init__(self, settings: Settings) -> None:
        from novelforge.server.projects import Projects
        from novelforge.server.store import Store
        from novelforge.server.tokens import load_secret

        self.settings = settings
        data = Path(settings.data)
        projects = Path(settings.projects)
        if data.resolve().is_relative_to(projects.resolve()) and data.resolve() != projects.resolve():
            for name in Projects(projects).names():
                if data.resolve().is_relative_to((projects / name).resolve()):
                    from novelforge.server.store import StoreError

                    raise StoreError(f"the data folder `{data}` is inside the project `{name}`",
                                     help="keep --data outside every manuscript")
        self.store = Store(data)
        self.secret = load_secret(data)
        self.limiter = LoginLimiter()
        self.projects = Projects(projects)
        self.metrics = None
        from novelforge.server.jobs import Jobs

        self.jobs = Jobs(self.store, data, self.projects, queue=settings.queue)


def mount(app, router) -> None:
    """The router's routes as the application's own (their paths carry the prefix), so
    ``app.routes`` is the flat route table :func:`check_rules` and the tests read (newer
    FastAPI keeps an included router as one opaque entry)."""
    app.router.routes.extend(router.routes)
