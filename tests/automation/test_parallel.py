"""Parallel safety of launch(): app instances at once (one process, or pytest-xdist workers)
share no data folder, backend port, CA or temp name, and a launch leaves nothing behind."""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest

from emulator.automation import launch
from emulator.config import load_settings
from tests.conftest import write_app

pytest_plugins = ["pytester"]

# onLoad keeps ?who= in storage and in a user file, and asks the demo backend for it.
APP = {
    "swan-emulator.json": {"domains": {"request": ["https://api.demo.test"]},
                           "hosts": {"api.demo.test": "builtin"}},
    "pages/index/index.swan": "<view><text class='who'>{{who}}</text></view>",
    "pages/index/index.js": """
        Page({
          data: {who: ''},
          onLoad: function (q) {
            var who = q.who || 'nobody';
            this.setData({who: who});
            swan.setStorageSync('who', who);
            swan.getFileSystemManager().writeFileSync(
              swan.env.USER_DATA_PATH + '/' + who + '.txt', who, 'utf8');
            swan.request({url: 'https://api.demo.test/echo?who=' + who});
          }
        });
    """,
}


def write(tmp_path: Path) -> Path:
    return write_app(tmp_path / "app", APP)


@pytest.fixture
def temp_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Python's temp folder for this test: what a launch leaves in it stays visible."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


async def test_two_launches_at_once_have_their_own_data_and_backend(
        tmp_path: Path, temp_root: Path) -> None:
    """Two launches of one app at once (no data_dir) see only their own storage and files,
    and each has its own demo backend: its own port and CA."""
    root = write(tmp_path)
    both_up = asyncio.Event()
    up: list[str] = []
    seen: dict[str, dict[str, Any]] = {}

    async def run(who: str) -> None:
        async with launch(root, query={"who": who}) as app:
            await app.network.wait_for_flow(url=f"https://api.demo.test/echo?who={who}",
                                            status=200)
            up.append(who)
            if len(up) == 2:
                both_up.set()
            await asyncio.wait_for(both_up.wait(), 20)
            await app.settle()
            sandbox = app.host.sandbox
            assert app.host.backend is not None
            seen[who] = {
                "storage": app.storage.get("who"),
                "storage_file": json.loads(sandbox.storage_file.read_text(encoding="utf-8")),
                "files": sorted(p.name for p in sandbox.usr.iterdir()),
                "sandbox": sandbox.root,
                "port": app.host.backend.target("http").port,
                "ws_port": app.host.backend.target("ws").port,
                "ca": app.host.backend.ca_pem,
                "urls": [f.request.url for f in app.network.flows],  # type: ignore[union-attr]
            }

    await asyncio.gather(run("a"), run("b"))
    a, b = seen["a"], seen["b"]
    for who, s in seen.items():
        assert s["storage"] == who and s["storage_file"] == {"who": who}
        assert s["files"] == [f"{who}.txt"]
        assert s["urls"] == [f"https://api.demo.test/echo?who={who}"]
    assert a["sandbox"] != b["sandbox"]
    assert a["port"] != b["port"] and a["ws_port"] != b["ws_port"]
    assert a["ca"] != b["ca"]
    assert list(temp_root.iterdir()) == []  # both data folders removed at close


async def test_launch_without_data_dir_leaves_nothing_behind(
        tmp_path: Path, temp_root: Path, _isolated_data_home: Path) -> None:
    """Without data_dir, launch() runs the app in a fresh temp folder (never the user's data
    folder) and removes it at close."""
    root = write(tmp_path)
    async with launch(root, query={"who": "x"}) as app:
        await app.network.wait_for_flow(url="*who=x", status=200)
        await app.settle()
        data = app.host.settings.data_dir
        assert data is not None and data.parent == temp_root
        assert (app.host.sandbox.usr / "x.txt").read_text(encoding="utf-8") == "x"
    assert not data.exists()
    assert list(temp_root.iterdir()) == []
    assert not _isolated_data_home.exists()  # $SWAN_EMULATOR_HOME untouched


async def test_a_launch_that_fails_to_load_leaves_nothing_behind(
        tmp_path: Path, temp_root: Path) -> None:
    """An app that fails to load leaves no temp data folder either."""
    root = write_app(tmp_path / "broken", {"app.json": {"pages": []}})
    with pytest.raises(Exception):  # noqa: B017 - whichever error the package gives
        async with launch(root):
            pass
    assert list(temp_root.iterdir()) == []


async def test_an_explicit_data_dir_persists_and_is_shared(tmp_path: Path,
                                                           temp_root: Path) -> None:
    """launch(data_dir=...) keeps the app's storage and files there for the next launch."""
    root = write(tmp_path)
    data = tmp_path / "data"
    async with launch(root, data_dir=data, query={"who": "first"}) as app:
        await app.network.wait_for_flow(url="*who=first", status=200)
    async with launch(root, data_dir=data, query={"who": "second"}) as app:
        await app.network.wait_for_flow(url="*who=second", status=200)
        await app.settle()
        assert sorted(p.name for p in app.host.sandbox.usr.iterdir()) == [
            "first.txt", "second.txt"]
    assert (data / "apps").is_dir()
    assert list(temp_root.iterdir()) == []


async def test_launch_leaves_the_given_settings_as_they_were(tmp_path: Path,
                                                             temp_root: Path) -> None:
    """Settings handed to launch() are not changed by it: one Settings can serve several
    launches (data_dir, base_version and the project's values stay out of it)."""
    root = write_app(tmp_path / "app", {
        **APP, "project.swan.json": {"libVersion": "3.199.0"}})
    settings = load_settings(root)
    before = (settings.data_dir, settings.base_version, dict(settings.sources),
              json.dumps(settings.domains), dict(settings.hosts))
    async with launch(root, settings=settings, data_dir=tmp_path / "d1",
                      base_version="3.198.0", query={"who": "a"}) as app:
        assert app.host.settings.data_dir == tmp_path / "d1"
    assert (settings.data_dir, settings.base_version, dict(settings.sources),
            json.dumps(settings.domains), dict(settings.hosts)) == before
    async with launch(root, settings=settings, query={"who": "b"}) as app:
        data = app.host.settings.data_dir
        assert data is not None and data.parent == temp_root
        assert app.system_info()["SDKVersion"] == "3.199.0"


def test_the_plugin_under_xdist_gives_each_test_its_own_folders(
        pytester: pytest.Pytester, tmp_path: Path) -> None:
    """Under pytest-xdist (-n 2), swan_app tests of one app see only their own storage, and
    a failing test's HAR goes to its own folder even when tests share a data_dir."""
    pytest.importorskip("xdist")
    root = write(tmp_path)
    shared = tmp_path / "shared-data"
    pytester.makepyfile(f"""
        import pytest

        APP = {str(root)!r}

        @pytest.mark.parametrize("who", ["a", "b", "c", "d"])
        @pytest.mark.swan_app(APP)
        async def test_own(swan_app, who):
            swan_app.storage.set("mine", who)
            keys = swan_app.storage.keys()
            assert sorted(keys) == ["mine", "who"], keys

        @pytest.mark.parametrize("n", [1, 2])
        @pytest.mark.swan_app(APP, data_dir={str(shared)!r})
        async def test_fails(swan_app, n):
            assert False
    """)
    result = pytester.runpytest("-p", "no:cacheprovider", "-n", "2",
                                "-o", "asyncio_mode=auto",
                                "-o", "asyncio_default_fixture_loop_scope=function")
    result.assert_outcomes(passed=4, failed=2)
    hars = [line.strip() for line in result.outlines if line.strip().endswith("flows.har")]
    assert len(hars) == 2 and len(set(hars)) == 2, result.outlines
    assert all(not h.startswith(str(shared)) for h in hars)


def test_a_scripted_run_keeps_the_data_folder_of_a_plain_run(
        tmp_path: Path, temp_root: Path, _isolated_data_home: Path) -> None:
    """`run --script` without --data-dir keeps the app's data in the user's data folder, as
    a plain `run` does (not launch()'s throwaway folder)."""
    from emulator.cli import main

    root = write(tmp_path)
    script = tmp_path / "steps.yaml"
    script.write_text("- expect_text: .who\n  equals: nobody\n", encoding="utf-8")
    assert main(["run", str(root), "--script", str(script)]) == 0
    assert [p.name for p in _isolated_data_home.glob("apps/*/usr/*")] == ["nobody.txt"]
    assert list(temp_root.iterdir()) == []
