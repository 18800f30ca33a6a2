"""``python -m emulator`` and the ``swan-emulator`` console script."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from typing import NoReturn


def command() -> NoReturn:
    """The ``swan-emulator`` command: `emulator.cli.main` on the process's arguments, then
    exit with its status."""
    run = sys.argv[1:2] == ["run"]
    # Start-up makes objects that live as long as the process (modules, classes, the
    # functions dataclasses write): collecting while they are made frees nothing. Once
    # they are made they are frozen, so later collections do not walk them either.
    gc.disable()
    from emulator.cli import main

    if run:
        import emulator.headless  # noqa: F401  (what a run imports first thing)
    gc.freeze()
    gc.enable()
    status = main()
    if run:
        # A run has done all it does once main returns: run_app closed the app and wrote
        # the HAR, and the output is flushed here. What the interpreter would do next (a
        # full garbage collection, freeing every module and QuickJS's heap: ~30 ms of a
        # ~270 ms `run`, issue 14) nobody observes. The window's exit stays Python's own:
        # Qt's objects are torn down in order there.
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os._exit(status)
    sys.exit(status)


if __name__ == "__main__":
    command()
