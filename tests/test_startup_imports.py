"""Start-up stays light (issue 14): the command line and a plain headless run import only
what they use; the network stack, the window, the automation package, mock answers and
the other heavy modules wait for the feature that needs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from emulator.app.host import NETWORK_OPS, AppHost
from emulator.app.package import load_package
from emulator.config import Settings
from emulator.flows.bus import EventBus

REPO = Path(__file__).resolve().parents[1]
HELLO = REPO / "sample_apps" / "hello"

# Imported only by the feature that uses them (each file says why where it imports).
HEAVY = (
    "httpx", "httpcore", "h11", "anyio", "certifi", "websockets",  # the network APIs
    "faker", "yaml", "tinycss2", "lxml", "cssselect", "trustme", "cryptography", "PIL",
    "PyQt6", "qasync",
    "emulator.gui", "emulator.automation", "emulator.devserver",
    "emulator.app.network_apis", "emulator.net.client", "emulator.net.mock.answers",
    "emulator.net.mock.load", "emulator.swan.request", "emulator.swan.socket",
    "emulator.swan.transfer", "emulator.flows.har", "emulator.view.styles",
    "emulator.view.controls.tap", "emulator.view.controls.picker",  # gestures (view/driver.py)
    "emulator.view.controls.describe",
    "emulator.flows.flow",  # the flow model: made by the first network call
    "shutil", "bz2", "lzma",  # file moves and copies (not platform: orjson, the
                              # bridge's JSON, imports it through uuid; ~2 ms)
    "emulator.net.mock.rules", "emulator.net.mock.replay",  # the lab: mocks, --replay
    "quickjs",  # the wrapper's thread pool: the engine takes _quickjs itself
)

# Prints the modules loaded once the code has run (and the exit status it asked for).
_REPORT = """
import json, runpy, sys
status = 0
try:
    {body}
except SystemExit as exc:
    status = exc.code
print(json.dumps({{"status": status, "modules": sorted(sys.modules)}}))
"""


def loaded_after(body: str, tmp_path: Path) -> tuple[Any, set[str]]:
    """Run ``body`` in a fresh interpreter; its exit status and the modules it loaded."""
    env = dict(os.environ, SWAN_EMULATOR_HOME=str(tmp_path / "home"))
    result = subprocess.run([sys.executable, "-c", _REPORT.format(body=body)],
                            capture_output=True, text=True, timeout=60, cwd=REPO, env=env)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    return report["status"], set(report["modules"])


def heavy_in(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


@pytest.mark.timeout(60)
def test_cli_import_is_light(tmp_path: Path) -> None:
    """Importing the command line loads no heavy module, nor the app host or QuickJS."""
    _status, modules = loaded_after("import emulator.cli", tmp_path)
    assert heavy_in(modules) == []
    assert not {"emulator.app.host", "emulator.headless", "quickjs"} & modules


@pytest.mark.timeout(60)
def test_headless_run_is_light(tmp_path: Path) -> None:
    """`swan-emulator run` of an app that makes no network call loads no heavy module,
    from the start to the end of the run."""
    status, modules = loaded_after(
        # main, not the console script: that one exits without returning here.
        f"from emulator.cli import main; sys.exit(main(['run', {str(HELLO)!r}]))", tmp_path)
    assert status == 0
    assert "emulator.app.host" in modules  # the app did run
    assert heavy_in(modules) == []


@pytest.mark.timeout(30)
async def test_network_ops_are_the_network_apis_messages() -> None:
    """NETWORK_OPS, the messages whose first one makes the network APIs, are exactly the
    messages those APIs handle."""
    host = AppHost(load_package(HELLO), Settings(), EventBus())
    registered: list[str] = []
    register = host.runtime.register

    def recording(op: str, handler: Any) -> None:
        registered.append(op)
        register(op, handler)

    host.runtime.register = recording  # type: ignore[method-assign]
    try:
        assert host._network_apis is None
        host.network  # noqa: B018 -- made on first use
        assert host._network_apis is not None
    finally:
        del host.runtime.register  # type: ignore[method-assign]
        await host.close()
    assert sorted(registered) == sorted(NETWORK_OPS)


@pytest.mark.timeout(30)
async def test_app_without_network_calls_makes_no_network_stack() -> None:
    """An app that makes no network call runs to idle without the network APIs being made
    or a TLS trust store being loaded (both cost tens of ms)."""
    host = AppHost(load_package(HELLO), Settings(), EventBus())
    try:
        await host.start()
        await host.wait_idle()
        assert host._network_apis is None
        assert host._ssl_contexts == {}
    finally:
        await host.close()
