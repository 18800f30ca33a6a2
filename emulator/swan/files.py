"""The app's files: virtual paths mapped into its sandbox folder, and nowhere else.

The app sees only virtual paths:

- ``bdfile://tmp_NAME``  temp files (downloads, chosen images): this run only
- ``bdfile://usr/...``   ``swan.env.USER_DATA_PATH``: the app's own folder tree, persistent
- ``bdfile://store_NAME`` files kept by ``swan.saveFile``: persistent

Any other path, or one that escapes its folder (``..`` raw or percent-encoded, absolute
host paths, backslashes, NUL, symlinks pointing out), is refused before anything is
touched. Only the user folder is writable by the file system API.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from urllib.parse import unquote

from emulator.app.sandbox import Sandbox
from emulator.net.errors import ERR_ARGS, ERR_FAILED

SCHEME = "bdfile://"
USER_DATA_PATH = "bdfile://usr"
MAX_PATH = 1024


class Area(str, Enum):
    """Which folder of the sandbox a path lives in."""

    TMP = "tmp"
    USR = "usr"
    STORE = "store"


class FileAccessError(Exception):
    """A path the app may not use, or a file operation that failed; ``reason`` goes into
    errMsg after ``<api>:fail``."""

    def __init__(self, reason: str, code: int = ERR_FAILED) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


@dataclass(frozen=True)
class AppFile:
    """A virtual path and the host path it maps to."""

    virtual: str
    area: Area
    host: Path


def _refuse(path: object, why: str) -> FileAccessError:
    return FileAccessError(f"permission denied, {why}: {str(path)[:200]!r}", ERR_ARGS)


class AppFiles:
    """Maps virtual paths into one app's sandbox and back; tells listeners which paths the
    host changed (the JS side keeps a mirror for the synchronous file APIs)."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self._roots = {Area.TMP: sandbox.tmp, Area.USR: sandbox.usr, Area.STORE: sandbox.store}
        self._listeners: list[Callable[[tuple[str, ...]], None]] = []

    def on_change(self, listener: Callable[[tuple[str, ...]], None]) -> None:
        """Call ``listener(virtual_paths)`` after the host changes files."""
        self._listeners.append(listener)

    def changed(self, *virtual: str) -> None:
        """Announce that these paths (files or folders) were written, made or removed."""
        for listener in self._listeners:
            listener(virtual)

    def root(self, area: Area) -> Path:
        """The host folder of an area."""
        return self._roots[area]

    def resolve(self, path: object) -> AppFile:
        """The host path of a virtual path; FileAccessError when it is not one of the app's."""
        if not isinstance(path, str) or not path:
            raise FileAccessError(f"parameter error: invalid path {path!r}", ERR_ARGS)
        if len(path) > MAX_PATH:
            raise _refuse(path, "path too long")
        if any(ch in path for ch in ("\x00", "\\")) or any(ord(ch) < 32 for ch in path):
            raise _refuse(path, "invalid character in path")
        if not path.startswith(SCHEME):
            raise _refuse(path, f"not an app path (expected {SCHEME}...)")
        rest = path[len(SCHEME):]
        if rest == "usr" or rest.startswith("usr/"):
            area, parts = Area.USR, rest[4:].split("/") if rest != "usr" else []
            if parts and parts[-1] == "":
                parts.pop()  # a trailing slash names the folder
        elif rest.startswith("tmp_"):
            area, parts = Area.TMP, [rest]
        elif rest.startswith("store_"):
            area, parts = Area.STORE, [rest]
        else:
            raise _refuse(path, "unknown app folder")
        for part in parts:
            decoded = unquote(part)
            if part in ("", ".", "..") or decoded in (".", "..") or "/" in decoded \
                    or "\\" in decoded or "\x00" in decoded or part in ("tmp_", "store_"):
                raise _refuse(path, "path escapes the app folder")
        base = self._roots[area]
        host = base.joinpath(*parts)
        # Symlinks (made by hand or by an older tool) may not lead out of the folder.
        real_base = os.path.realpath(base)
        real = os.path.realpath(host)
        if os.path.commonpath([real_base, real]) != real_base:
            raise _refuse(path, "path leads outside the app folder")
        return AppFile(path, area, host)

    def virtual(self, area: Area, host: Path) -> str:
        """The virtual path of a host path inside an area."""
        rel = host.relative_to(self._roots[area]).as_posix()
        if area is Area.USR:
            return USER_DATA_PATH if rel == "." else f"{USER_DATA_PATH}/{rel}"
        return f"{SCHEME}{rel}"

    def new_temp(self, suffix: str = "") -> AppFile:
        """A fresh, unused temp path (the file is not created)."""
        safe = "".join(ch for ch in suffix if ch.isalnum() or ch in "._-")[:16]
        if safe and not safe.startswith("."):
            safe = "." + safe
        name = f"tmp_{secrets.token_hex(12)}{safe}"
        return AppFile(f"{SCHEME}{name}", Area.TMP, self._roots[Area.TMP] / name)

    def writable(self, path: object) -> AppFile:
        """Resolve a path the app wants to write: only the user folder is writable."""
        f = self.resolve(path)
        if f.area is not Area.USR:
            raise FileAccessError(f"permission denied, only {USER_DATA_PATH} is writable: "
                                  f"{f.virtual!r}")
        if f.host == self._roots[Area.USR]:
            raise FileAccessError(f"permission denied, cannot replace {USER_DATA_PATH} itself")
        return f

    def existing_file(self, path: object) -> AppFile:
        """Resolve a path that must name an existing regular file."""
        f = self.resolve(path)
        if not f.host.is_file():
            raise FileAccessError(f"no such file or directory {f.virtual!r}")
        return f


def open_for_write(path: Path, append: bool = False) -> int:
    """Open a file for writing without following a symlink in its last component."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    flags |= getattr(os, "O_NOFOLLOW", 0)
    return os.open(path, flags, 0o644)
