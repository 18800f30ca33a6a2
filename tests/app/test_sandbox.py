"""The per-app sandbox: temp files are one run's, even when runs share a data folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from emulator.app.host import AppHost
from emulator.app.package import load_package
from emulator.app.temp_runs import RunFolder
from emulator.config import Settings
from emulator.flows.bus import EventBus
from tests.conftest import write_app

REPO = Path(__file__).resolve().parents[2]


def hello(tmp_path: Path) -> Path:
    return write_app(tmp_path / "app", {"pages/index/index.js": "Page({});"})


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
    assert not first.sandbox.tmp.exists()
    assert list(first.sandbox.temp_root.iterdir()) == []


def test_a_run_removes_what_runs_that_ended_left_and_keeps_a_live_ones(
        tmp_path: Path) -> None:
    """At start, temp folders whose run's lock is free (it crashed) and loose files of an
    older version are removed; a live run's folder stays."""
    temp_root = tmp_path / "tmp"
    live = RunFolder(temp_root)
    live.open()
    (live.path / "tmp_left").write_text("x")
    dead = temp_root / "123-1-abcd"
    dead.mkdir()
    (dead / "tmp_left").write_text("x")
    (temp_root / "123-1-abcd.lock").touch()  # nobody holds it
    (temp_root / "tmp_from_an_old_version").write_text("x")
    (temp_root / "old-folder").mkdir()
    run = RunFolder(temp_root)
    run.open()
    assert (live.path / "tmp_left").exists()
    assert sorted(p.name for p in temp_root.iterdir()) == sorted(
        [live.name, f"{live.name}.lock", run.name, f"{run.name}.lock"])
    run.close()
    live.close()
    assert list(temp_root.iterdir()) == []


STRESS = """
import sys
from pathlib import Path
from emulator.app.temp_runs import RunFolder
root = Path(sys.argv[1])
for _ in range(int(sys.argv[2])):
    run = RunFolder(root)
    run.open()
    (run.path / "tmp_x").write_text("x")
    assert (run.path / "tmp_x").read_text() == "x"
    run.close()
print("ok")
"""


def test_runs_starting_and_ending_at_once_do_not_trip_each_other(tmp_path: Path) -> None:
    """Two processes opening and closing runs on one temp folder as fast as they can: no
    run fails to start, none loses its files to the other's cleaning."""
    procs = [subprocess.Popen([sys.executable, "-c", STRESS, str(tmp_path / "tmp"), "400"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              cwd=REPO) for _ in range(2)]
    for proc in procs:
        out, err = proc.communicate(timeout=50)
        assert proc.returncode == 0 and out == "ok\n", err
    assert list((tmp_path / "tmp").iterdir()) == []
