"""The app's files: virtual paths mapped into its sandbox folder, and nowhere else.

The app sees only virtual paths:

- ``bdfile://tmp_NAME``  temp files (downloads, chosen images): this run only
- ``bdfile://usr/...``   ``swan.env.USER_DATA_PATH``: the app's own folder tree, persistent
- ``bdfile://store_NAME`` files kept by ``swan.saveFile``: persistent

Any other path, or one that escapes its folder (``..`` raw or percent-encoded, absolute
host paths, backslashes, NUL, symlinks pointing out), is refused before anything is
touched. Only the user folder is writable by the file system API.

The user folder and the saved files share one budget, :data:`USER_SPACE_LIMIT` (10 MB):
Baidu's "本地文件" page (smartprogram.baidu.com/docs/develop/function/file_system_local)
gives 本地用户文件 10 MB per user and appId, counted together with 本地缓存文件 (saved
files), and ``swan.saveFile`` says 本地文件存储的大小限制为 10M. Every write is checked
before it is made (a download as its bytes arrive); over the budget the call fails with
:data:`R_STORAGE_FULL` (choice: the wording WeChat's FileSystemManager documents for the
same limit; Baidu documents none).
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Iterable
from enum import Enum
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote

from emulator.app.sandbox import Sandbox
from emulator.net.errors import ERR_ARGS, ERR_FAILED

SCHEME = "bdfile://"
USER_DATA_PATH = "bdfile://usr"
MAX_PATH = 1024  # characters of a virtual path
NAME_MAX = 255  # bytes of one file name (Linux NAME_MAX; ENAMETOOLONG past it)
HOST_PATH_MAX = 4000  # bytes of the host path (Linux PATH_MAX is 4096 with the NUL)
USER_SPACE_LIMIT = 10 * 1024 * 1024
R_STORAGE_FULL = "the maximum size of the file storage limit is exceeded"


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


class StorageFull(FileAccessError):
    """A write would take the user folder and saved files past :data:`USER_SPACE_LIMIT`."""

    def __init__(self) -> None:
        super().__init__(R_STORAGE_FULL, ERR_FAILED)


def os_reason(exc: OSError) -> str:
    """An OSError as the app may read it: its errno's words in lower case ("no such file
    or directory", "file name too long"), never the file names it carries (host paths)."""
    if exc.errno is not None:
        try:
            return os.strerror(exc.errno).lower()
        except ValueError:
            pass
    return "execution failed"


PARTIAL_PREFIX = ".download-"
PARTIAL_SUFFIX = ".part"


def partial_name(token: str) -> str:
    """The name of a download's file while it arrives (short, whatever the target's)."""
    return f"{PARTIAL_PREFIX}{token}{PARTIAL_SUFFIX}"


def is_partial(name: str) -> bool:
    """Whether a name is a download's partial file."""
    return name.startswith(PARTIAL_PREFIX) and name.endswith(PARTIAL_SUFFIX)


def file_size(path: Path) -> int:
    """The size of a regular file at ``path`` (not following a symlink), else 0."""
    try:
        st = path.lstat()
    except OSError:
        return 0
    return st.st_size if (st.st_mode & 0o170000) == 0o100000 else 0


class UserSpace:
    """Bytes used in the user folder and the saved files, against one limit.

    Counted once by a walk, then kept up to date by each operation's change; a refusal is
    confirmed by a fresh walk first (the folder may have changed behind the app's back),
    so the count never refuses what fits. Downloads reserve what they have received so
    far, so two at once cannot overrun it together.
    """

    def __init__(self, roots: Iterable[Path], limit: int = USER_SPACE_LIMIT) -> None:
        self.roots = tuple(roots)
        self.limit = limit
        self._used: int | None = None
        self._reserved = 0

    def _walk(self) -> int:
        total = 0
        for root in self.roots:
            for folder, _dirs, names in os.walk(root):
                for name in names:
                    if not is_partial(name):  # a download under way counts by reservation
                        total += file_size(Path(folder) / name)
        return total

    @property
    def used(self) -> int:
        """Bytes in regular files now (reservations not included)."""
        if self._used is None:
            self._used = self._walk()
        return self._used

    def check(self, grow: int) -> None:
        """Raise :class:`StorageFull` unless ``grow`` more bytes fit."""
        if grow <= 0 or self.used + self._reserved + grow <= self.limit:
            return
        self._used = self._walk()
        if self._used + self._reserved + grow > self.limit:
            raise StorageFull()

    def changed(self, delta: int) -> None:
        """An operation added (or removed) ``delta`` bytes."""
        if self._used is not None:
            self._used = max(0, self._used + delta)

    def recount(self) -> None:
        """Count again at the next check (after an operation whose change is not known)."""
        self._used = None

    def reserve(self, n: int) -> None:
        """Hold ``n`` more bytes for a write under way; StorageFull when they do not fit."""
        self.check(n)
        self._reserved += n

    def release(self, n: int) -> None:
        """Give back a reservation (the write ended, either way)."""
        self._reserved = max(0, self._reserved - n)


class AppFile(NamedTuple):
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
        self.space = UserSpace((sandbox.usr, sandbox.store))

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
            # Quoted as the JS side quotes it (JSON.stringify; an absent path: undefined).
            shown = "undefined" if path is None else json.dumps(path, ensure_ascii=False)
            raise FileAccessError(f"parameter error: invalid path {shown}", ERR_ARGS)
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
        for part in parts:
            if len(part.encode("utf-8", "surrogatepass")) > NAME_MAX:
                raise FileAccessError(f"file name too long {path!r}")
        base = self._roots[area]
        host = base.joinpath(*parts)
        if len(os.fsencode(host)) > HOST_PATH_MAX:
            raise FileAccessError(f"file name too long {path!r}")
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

    def counted(self, f: AppFile) -> bool:
        """Whether the file's bytes count against the user space (user folder, saved)."""
        return f.area is not Area.TMP


def open_for_write(path: Path, append: bool = False) -> int:
    """Open a file for writing without following a symlink in its last component."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    flags |= getattr(os, "O_NOFOLLOW", 0)
    return os.open(path, flags, 0o644)
