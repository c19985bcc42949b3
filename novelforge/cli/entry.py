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
        if _quick_exit_allowed(args, exc.code):
            _quick_exit(exc.code)
        raise
    finally:
        if recorder is not None and Recorder.active is recorder:
            recorder.finish(None)


def _quick_exit_allowed(args: list[str], code: object) -> bool:
    """Whether a finished ``check`` or ``promises suggest`` may leave without the
    interpreter's tear-down: nothing registered to run at exit (no coverage, no logging
    shutdown, no executor), no profiler or tracer (``python -m cProfile`` writes its
    figures after the program), no other thread, an exit code that is a number. Its report is
    written and its files closed; what is left is freeing every module and object, 0.05 to
    0.07 s CPU of a War and Peace run (issue #17)."""
    from novelforge.cli.argv import command_args

    command = command_args(args)
    if not command or not (command[0] == "check" or command[:2] == ["promises", "suggest"]):
        return False
    if code is not None and (not isinstance(code, int) or isinstance(code, bool)):
        return False
    import atexit

    if atexit._ncallbacks() != 0 or sys.getprofile() is not None or sys.gettrace() is not None:  # type: ignore[attr-defined]
        return False
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


def _quick_exit(code: object) -> None:
    """Flush the standard streams and end the process with ``code`` at once (back to the
    ordinary exit when a stream cannot be flushed, e.g. a closed pipe)."""
    import os

    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        return
    os._exit(0 if code is None else int(code))  # type: ignore[call-overload]
