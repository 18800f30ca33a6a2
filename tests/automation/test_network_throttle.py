"""program.network.throttle(), offline() and online(): the same conditions the picker and
the settings set, applied to the next call; the app hears the status changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from emulator.automation import AutomationError, launch
from emulator.net.errors import R_OFFLINE
from tests.automation.test_network_mocks import app_dir, settings

LISTEN = """
swan.onNetworkStatusChange(function (r) { console.log('change ' + r.isConnected + ' ' + r.networkType); });
"""


async def fetch(app: Any) -> tuple[str, Any]:
    """The page's fetch result, and its flow."""
    page = app.current_page()
    await page.call_method("fetch")
    await app.network.wait_idle()
    return page.query("#out").text(), app.network.flows[-1]


async def test_throttle_offline_and_online(tmp_path: Path) -> None:
    """A custom profile delays the next call by its latency (the flow says which);
    offline() fails calls with the offline error and tells the app; online() restores
    the type before; off ends shaping."""
    root = app_dir(tmp_path)
    (root / "app.js").write_text(LISTEN + "App({});")
    async with launch(root, settings=settings(), data_dir=tmp_path / "d") as app:
        app.network.mock("*", json={"ok": True})
        profile = app.network.throttle({"latencyMs": 300})
        assert profile is not None and profile.latency_ms == 300
        assert app.network.conditions == "custom: 300 ms, ↓∞ ↑∞"
        out, flow = await fetch(app)
        assert out == '200 {"ok":true}' and flow.throttle == "custom"
        assert flow.timings.total_s >= profile.latency_s * 0.98
        app.network.offline()
        out, flow = await fetch(app)
        assert out == f"fail 1001 request:fail {R_OFFLINE}" and flow.throttle == "offline"
        app.network.online()
        assert app.network.throttle("off") is None
        out, flow = await fetch(app)
        assert out == '200 {"ok":true}' and flow.throttle is None
        changes = [m.text for m in app.console if m.text.startswith("change")]
        assert changes == ["change false none", "change true wifi"]


async def test_bad_profiles_are_automation_errors(tmp_path: Path) -> None:
    """An unknown name or bad figures: AutomationError saying which (nothing changes)."""
    async with launch(app_dir(tmp_path), settings=settings(), data_dir=tmp_path / "d") as app:
        assert app.network.throttle("3g") is not None
        with pytest.raises(AutomationError, match=r'unknown profile "4G" .did you mean "4g"'):
            app.network.throttle("4G")
        with pytest.raises(AutomationError, match=r'"custom.latency": unknown key'):
            app.network.throttle({"latency": 3})
        with pytest.raises(AutomationError, match="unknown network type"):
            app.network.online("6g")
        assert app.network.conditions.startswith("3g: ")
