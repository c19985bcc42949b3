"""The ``novelforge`` command's entry point: a repeated ``check`` is answered from its
last run (:mod:`novelforge.replay`) before the app and what it imports are loaded."""

from __future__ import annotations

import sys


def main() -> None:
    """The ``novelforge`` command: a stored run when there is one, else the app (whose
    run is recorded when it may be replayed)."""
    from novelforge.replay import Recorder, serve

    args = sys.argv[1:]
    code = serve(args)
    if code is not None:
        sys.exit(code)
    recorder = Recorder.start(args)
    from novelforge.cli.app import main as run

    try:
        run(args, only_needed=True)
    except SystemExit as exc:
        if recorder is not None:
            recorder.finish(exc.code)
        raise
    finally:
        if recorder is not None and Recorder.active is recorder:
            recorder.finish(None)
