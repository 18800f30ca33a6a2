"""The per-app folder on the host that holds everything the app may write.

Kept outside the app's source folder (one folder per app id) so that running an app never
changes its sources: storage, the user data folder (``swan.env.USER_DATA_PATH``), saved
files, and temp files that live only for one run.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from emulator.app.package import AppPackage
from emulator.app.temp_runs import RunFolder


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
    that uses the same data folder. Temp files are one run's: each run has a folder of
    its own under ``tmp/`` (see :mod:`emulator.app.temp_runs`), so two runs of one app
    with one ``--data-dir`` do not remove each other's.
    """

    def __init__(self, data_root: Path, package: AppPackage) -> None:
        self.root = data_root / "apps" / sandbox_id(package)
        self.usr = self.root / "usr"
        self.store = self.root / "store"
        self.temp_root = self.root / "tmp"
        self._run = RunFolder(self.temp_root)
        self.storage_file = self.root / "storage.json"
        self.account_file = self.root / "account.json"

    @property
    def tmp(self) -> Path:
        """This run's temp folder."""
        return self._run.path

    def open(self) -> None:
        """Create the folders; the temp files of earlier runs that ended are gone."""
        for folder in (self.usr, self.store):
            folder.mkdir(parents=True, exist_ok=True)
        self._run.open()

    def close(self) -> None:
        """Remove this run's temp files."""
        self._run.close()


def write_atomically(path: Path, text: str) -> None:
    """Write ``path`` (UTF-8) so that a crash leaves the old file or the new one, never a
    part: through a temp file of this process's own (two processes may share a data
    folder, ``data_dir=``), then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}-{os.urandom(4).hex()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
