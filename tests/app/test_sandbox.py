"""The per-app sandbox: temp files are one run's, even when runs share a data folder."""

from __future__ import annotations

import os
from pathlib import Path

from emulator.app.host import AppHost
from emulator.app.package import load_package
from emulator.config import Settings
from emulator.flows.bus import EventBus
from tests.conftest import write_app


def hello(tmp_path: Path) -> Path:
    return write_app(tmp_path / "app", {"pages/index/index.js": "Page({});"})


def gone_pid() -> int:
    """A process id no process has."""
    pid = 4_000_000
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except OSError:
            pass
        pid += 1


async def test_two_runs_sharing_a_data_folder_keep_their_own_temp_files(
        tmp_path: Path) -> None:
    """A second run of the app with the same data folder, started and closed while the
    first runs, leaves the first one's temp files alone."""
    root, settings = hello(tmp_path), Settings(data_dir=tmp_path / "data")
    first = AppHost(load_package(root), settings, EventBus())
    await first.start()
    mine = first.sandbox.tmp / "tmp_download"
    mine.write_text("the first run's")
    second = AppHost(load_package(root), settings, EventBus())
    await second.start()
    assert second.sandbox.tmp != first.sandbox.tmp
    assert second.sandbox.storage_file == first.sandbox.storage_file  # the app's data: shared
    await second.close()
    assert mine.read_text() == "the first run's"
    await first.close()
    assert not first.sandbox.tmp.exists() and not first.sandbox.temp_root.exists()


async def test_a_run_removes_the_temp_files_runs_that_ended_left(tmp_path: Path) -> None:
    """Temp folders of a process that is gone are removed at start; a live one's stay."""
    root, settings = hello(tmp_path), Settings(data_dir=tmp_path / "data")
    probe = AppHost(load_package(root), settings, EventBus())
    temp_root = probe.sandbox.temp_root
    dead = temp_root / f"{gone_pid()}-1-abcdef"
    live = temp_root / f"{os.getpid()}-999-abcdef"
    for folder in (dead, live):
        folder.mkdir(parents=True)
        (folder / "tmp_left").write_text("x")
    (temp_root / "tmp_from_an_old_version").write_text("x")
    await probe.start()
    assert not dead.exists()
    assert (live / "tmp_left").exists()
    assert sorted(p.name for p in temp_root.iterdir()) == sorted([live.name,
                                                                   probe.sandbox.tmp.name])
    await probe.close()
    assert [p.name for p in temp_root.iterdir()] == [live.name]
