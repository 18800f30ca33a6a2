"""The per-app folder on the host that holds everything the app may write.

Kept outside the app's source folder (one folder per app id) so that running an app never
changes its sources: storage, the user data folder (``swan.env.USER_DATA_PATH``), saved
files, and temp files that live only for one run.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import re
import sys
from pathlib import Path

from emulator.app.package import AppPackage


def sandbox_id(package: AppPackage) -> str:
    """A stable folder name: the app id when the project has one, else a hash of its path."""
    digest = hashlib.sha256(str(package.root).encode("utf-8")).hexdigest()[:12]
    if package.project.appid:
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", package.project.appid)[:64]
        return f"{safe}-{digest}"
    return f"{re.sub(r'[^A-Za-z0-9_.-]', '_', package.root.name)[:40]}-{digest}"


class Sandbox:
    """The folders of one app under ``data_root``.

    Storage, the user folder and saved files are the app's, shared by every run of it
    that uses the same data folder. Temp files are one run's: each run has its own
    folder under ``tmp/`` (two runs of one app at once, with one ``--data-dir``, do not
    remove each other's), named for the process so a later run can remove what a run
    that died left.
    """

    def __init__(self, data_root: Path, package: AppPackage) -> None:
        self.root = data_root / "apps" / sandbox_id(package)
        self.usr = self.root / "usr"
        self.store = self.root / "store"
        self.temp_root = self.root / "tmp"
        self.tmp = self.temp_root / f"{os.getpid()}-{next(_runs)}-{os.urandom(3).hex()}"
        self.storage_file = self.root / "storage.json"
        self.account_file = self.root / "account.json"

    def open(self) -> None:
        """Create the folders; the temp files of earlier runs that ended are gone."""
        self._remove_ended_runs()
        for folder in (self.usr, self.store, self.tmp):
            folder.mkdir(parents=True, exist_ok=True)

    def close(self) -> None:
        """Remove this run's temp files."""
        _remove_tree(self.tmp)
        with contextlib.suppress(OSError):
            self.temp_root.rmdir()  # when no other run has one

    def _remove_ended_runs(self) -> None:
        try:
            entries = list(os.scandir(self.temp_root))
        except OSError:
            return  # none yet
        for entry in entries:
            pid, _, _rest = entry.name.partition("-")
            if not entry.is_dir(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.remove(entry.path)  # a temp file of a version before run folders
            elif not (pid.isdigit() and _running(int(pid))):
                _remove_tree(Path(entry.path))


_runs = itertools.count(1)


def _running(pid: int) -> bool:
    """Whether process ``pid`` is running (on Windows, assumed: signal 0 would stop it)."""
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: running
    return True


def _remove_tree(folder: Path) -> None:
    """Remove ``folder`` and what it holds, if it is there; errors are ignored."""
    try:
        folder.rmdir()  # the usual case: the run made no temp file
    except FileNotFoundError:
        pass
    except OSError:
        # Imported here: shutil brings bz2 and lzma, ~5 ms of a start (issue 14).
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
