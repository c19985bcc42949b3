"""Starting the server with uvicorn."""

from __future__ import annotations

from novelforge.server.core import Settings


def serve(settings: Settings) -> None:
    import uvicorn

    from novelforge.server.app import create_app
    from novelforge.server.observe import configure_logging

    configure_logging()
    app = create_app(settings)
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=None, access_log=False,
                proxy_headers=True, forwarded_allow_ips="127.0.0.1", server_header=False)
