"""One run's temp folder under an app's ``tmp/``, held by a file lock while the run lives.

Two runs of one app may share a data folder (``--data-dir``, parallel test workers): each
keeps its temp files in a folder of its own, ``tmp/RUN/``, and holds ``tmp/RUN.lock``
locked (``flock``; ``msvcrt.locking`` on Windows) from before the folder exists until
after it is gone. A run that starts removes the folders whose lock it can take: their
run ended without removing them (it crashed or was killed). A lock, unlike a process id,
is not fooled by an id used again or by the processes of another container.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
import time
from pathlib import Path

LOCK_SUFFIX = ".lock"
_runs = itertools.count(1)

if sys.platform == "win32":
    import msvcrt

    def _lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
else:
    import fcntl

    def _lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True


class RunFolder:
    """The temp folder of one run: :meth:`open` before use, :meth:`close` after."""

    def __init__(self, temp_root: Path) -> None:
        self.root = temp_root
        self.name = _new_name()
        self._fd: int | None = None

    @property
    def path(self) -> Path:
        """The folder (it exists between open and close)."""
        return self.root / self.name

    def open(self) -> None:
        """Take this run's lock, make its folder, then remove the folders of runs that
        ended. Raises OSError when the folder cannot be made."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self._lock_path(self.name)
        for _attempt in range(200):
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            if _lock(fd) and _is_file(fd, path):
                self._fd = fd
                break
            # Another run's cleaning holds the new lock for a moment (it took it for the
            # lock of a run that ended, and removes it): once more, on a file of our own.
            os.close(fd)
            time.sleep(0.001)
        else:
            raise OSError(f"cannot lock {path}")
        self.path.mkdir(exist_ok=True)
        self._remove_ended()

    def close(self) -> None:
        """Remove the folder and what it holds, then let go of the lock."""
        remove_tree(self.path)
        fd, self._fd = self._fd, None
        if fd is not None:
            _unlock_and_remove(fd, self._lock_path(self.name))

    def _remove_ended(self) -> None:
        try:
            entries = list(os.scandir(self.root))
        except OSError:
            return
        for entry in entries:
            name = entry.name
            if name.endswith(LOCK_SUFFIX):
                run = name[:-len(LOCK_SUFFIX)]
                if run != self.name:
                    self._remove_if_ended(run)
            elif name != self.name and not os.path.exists(self._lock_path(name)):
                # No lock beside it (asked now, not from the listing: a run locks before
                # it makes its folder): a temp file or folder an older version left.
                if entry.is_dir(follow_symlinks=False):
                    remove_tree(Path(entry.path))
                else:
                    with contextlib.suppress(OSError):
                        os.remove(entry.path)

    def _remove_if_ended(self, run: str) -> None:
        try:
            fd = os.open(self._lock_path(run), os.O_RDWR)
        except OSError:
            return  # gone meanwhile: its run closed
        if not _lock(fd):
            os.close(fd)
            return  # its run is alive
        remove_tree(self.root / run)
        _unlock_and_remove(fd, self._lock_path(run))

    def _lock_path(self, run: str) -> str:
        return str(self.root / f"{run}{LOCK_SUFFIX}")


def _unlock_and_remove(fd: int, path: str) -> None:
    """Remove a lock file held through ``fd``, then let go of it. Removed while held (where
    the system allows it), a run that opens the name meanwhile gets a file of its own, not
    this one on its way out (it checks, see ``_is_file``)."""
    if sys.platform != "win32":
        with contextlib.suppress(OSError):
            os.remove(path)
    os.close(fd)
    if sys.platform == "win32":  # an open file cannot be removed there
        with contextlib.suppress(OSError):
            os.remove(path)


def _is_file(fd: int, path: str) -> bool:
    """Whether ``fd`` is still the file at ``path`` (not removed or replaced)."""
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except OSError:
        return False


def _new_name() -> str:
    return f"{os.getpid()}-{next(_runs)}-{os.urandom(4).hex()}"


def remove_tree(folder: Path) -> None:
    """Remove ``folder`` and what it holds, if it is there; errors are ignored."""
    try:
        folder.rmdir()  # the usual case: the run made no temp file
    except FileNotFoundError:
        pass
    except OSError:
        # Imported here: shutil brings bz2 and lzma, ~5 ms of a start (issue 14).
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
