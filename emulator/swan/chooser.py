"""``swan.chooseImage``: a file the user picks is copied into the app's temp folder.

Who picks is pluggable: headless, the files given with ``--choose-file`` are handed out in
order; the GUI opens a file dialog.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

from emulator.runtime.bridge import Runtime
from emulator.swan.files import AppFiles

log = logging.getLogger(__name__)

Picker = Callable[[str, int], Awaitable[list[Path]]]
"""``picker(kind, count)`` -> the host files the user chose (empty: cancelled)."""


class QueuePicker:
    """Hands out the files given on the command line, in order, ``count`` at most per call."""

    def __init__(self, files: Iterable[Path]) -> None:
        self.files = deque(Path(f) for f in files)

    async def __call__(self, kind: str, count: int) -> list[Path]:
        out = []
        while self.files and len(out) < count:
            out.append(self.files.popleft())
        return out


class ChooseService:
    """Handles ``chooseImage``."""

    def __init__(self, runtime: Runtime, files: AppFiles, picker: Picker) -> None:
        self.runtime = runtime
        self.files = files
        self.picker = picker
        self._tasks: set[asyncio.Task[None]] = set()
        runtime.register("chooseImage", self._on_choose)

    def _on_choose(self, call_id: int, args: dict[str, Any]) -> None:
        try:
            count = max(1, min(9, int(args.get("count") or 9)))
        except (TypeError, ValueError):
            count = 9
        token = self.runtime.hold()
        task = self.runtime.loop.create_task(self._choose(call_id, count),
                                             name=f"chooseImage-{call_id}")
        self._tasks.add(task)
        task.add_done_callback(lambda t: (self._tasks.discard(t), token.release()))

    async def _choose(self, call_id: int, count: int) -> None:
        try:
            picked = await self.picker("image", count)
            if not picked:
                self.runtime.settle(call_id, False, {"errCode": 1001,
                                                     "errMsg": "chooseImage:fail cancel"})
                return
            import shutil  # on first use: see remove_tree in app/temp_runs.py

            temp_files = []
            for path in picked:
                if not path.is_file():
                    raise FileNotFoundError(f"chosen file not found: {path}")
                temp = self.files.new_temp(path.suffix)
                shutil.copyfile(path, temp.host)
                temp_files.append({"path": temp.virtual, "size": temp.host.stat().st_size})
            self.files.changed(*(f["path"] for f in temp_files))
            self.runtime.settle(call_id, True, {
                "tempFilePaths": [f["path"] for f in temp_files], "tempFiles": temp_files})
        except OSError as exc:
            self.runtime.settle(call_id, False, {"errCode": 1001,
                                                 "errMsg": f"chooseImage:fail {exc}"})
