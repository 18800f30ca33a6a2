"""The app's key/value storage, as a test reads and prepares it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulator.automation.errors import AutomationError

if TYPE_CHECKING:
    from emulator.automation.program import MiniProgram

# The prelude's own storage (swan.js), not the app's `swan` object: a test's storage
# calls are neither mocked nor recorded by a mock of setStorageSync.
_IMPL = "__swan_host__.swan"
_STATE = "__swan_host__.state.storage"


class Storage:
    """The storage ``swan.getStorageSync`` sees (and the sandbox's storage file keeps).

    Values are JSON values as the app stores them. Changes are the app's own
    ``swan.setStorageSync`` and friends, so the same checks apply (a non-empty string
    key; the 10 MB limit [api/storage/save_swan-setStorageSync.md])."""

    def __init__(self, program: MiniProgram) -> None:
        self._program = program

    def get(self, key: str, default: Any = None) -> Any:
        """The value stored under ``key``, or ``default`` when there is none."""
        found = self._program.call_js(
            f"function (k) {{ var s = {_STATE}; return Object.prototype.hasOwnProperty"
            f".call(s, k) ? {{v: s[k]}} : null; }}", key)
        return found["v"] if found else default

    def set(self, key: str, value: Any) -> None:
        """Store ``value`` (JSON) under ``key``. AutomationError when the app's storage
        refuses it (a bad key, over the limit)."""
        if not isinstance(key, str) or not key:
            raise AutomationError("a storage key must be a non-empty string")
        problem = self._program.call_js(
            f"function (k, v) {{ var r = {_IMPL}.setStorageSync(k, v); "
            f"if (r instanceof Error) return r.message; "
            f"return Object.prototype.hasOwnProperty.call({_STATE}, k) ? null : "
            f"'setStorageSync:fail not stored'; }}", key, value)
        if problem:
            raise AutomationError(f"storage refused {key!r}: {problem}")

    def remove(self, key: str) -> None:
        """Remove ``key`` (nothing happens when it is absent)."""
        self._program.call_js(f"{_IMPL}.removeStorageSync", key)

    def clear(self) -> None:
        """Remove every key."""
        self._program.call_js(f"{_IMPL}.clearStorageSync")

    def info(self) -> dict[str, Any]:
        """``getStorageInfoSync``: ``{"keys": [...], "currentSize": KB, "limitSize": KB}``."""
        return dict(self._program.call_js(f"{_IMPL}.getStorageInfoSync"))

    def keys(self) -> list[str]:
        """The stored keys."""
        return list(self.info()["keys"])

    def __repr__(self) -> str:
        return f"<Storage keys={self.keys()!r}>"
