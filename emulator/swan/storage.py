"""``swan.*Storage*``: the JS side answers from its own copy; this persists the changes."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from emulator.app.sandbox import write_atomically
from emulator.runtime.bridge import Runtime

log = logging.getLogger(__name__)


class StorageFile:
    """Key/value storage of one app, kept in one JSON file, written after each batch of
    changes (once per loop turn, not once per call)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: dict[str, Any] = self._read()
        self._dirty = False

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, json.JSONDecodeError) as exc:
            log.warning("storage file %s is unreadable (%s); starting empty", self.path, exc)
            return {}
        return data if isinstance(data, dict) else {}

    def attach(self, runtime: Runtime) -> None:
        """Handle the storage messages of ``runtime``."""

        def changed(apply: Any) -> Any:
            def handler(_id: int, args: Any) -> None:
                apply(args)
                if not self._dirty:
                    self._dirty = True
                    runtime.loop.call_soon(self.flush)
            return handler

        runtime.register("storage.set",
                         changed(lambda a: self.data.__setitem__(a["key"], a["data"])))
        runtime.register("storage.remove", changed(lambda a: self.data.pop(a["key"], None)))
        runtime.register("storage.clear", changed(lambda a: self.data.clear()))

    def flush(self) -> None:
        """Write pending changes (atomically: a crash leaves the old file or the new one)."""
        if not self._dirty:
            return
        self._dirty = False
        write_atomically(self.path, json.dumps(self.data, ensure_ascii=False))
