"""The per-app folder on the host that holds everything the app may write.

Kept outside the app's source folder (one folder per app id) so that running an app never
changes its sources: storage, the user data folder (``swan.env.USER_DATA_PATH``), saved
files, and temp files that live only for one run.
"""

from __future__ import annotations

import hashlib
import re
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
    """The folders of one app under ``data_root``."""

    def __init__(self, data_root: Path, package: AppPackage) -> None:
        self.root = data_root / "apps" / sandbox_id(package)
        self.usr = self.root / "usr"
        self.store = self.root / "store"
        self.tmp = self.root / "tmp"
        self.storage_file = self.root / "storage.json"
        self.account_file = self.root / "account.json"

    def open(self) -> None:
        """Create the folders; temp files of an earlier run are gone."""
        _remove_tree(self.tmp)
        for folder in (self.usr, self.store, self.tmp):
            folder.mkdir(parents=True, exist_ok=True)

    def close(self) -> None:
        """Remove this run's temp files."""
        _remove_tree(self.tmp)


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
