"""The window's asyncio loop (qasync, a nested Qt event loop per run) runs the app's
timers as the headless loop does."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_app
from tests.gui.conftest import Driver


def test_timers_due_now_and_later_all_fire_in_order(gui: Driver, tmp_path: Path) -> None:
    """A timer due at once set after a later one (qasync hands back a plain Handle for a
    time already past) and one more after it: all three fire, in due order."""
    async def scenario() -> None:
        root = write_app(tmp_path / "app", {"pages/index/index.js": """
            var t0 = Date.now();
            function at(name) { console.log(name + ' ' + (Date.now() - t0 < 250)); }
            setTimeout(function () { at('late'); }, 1000);
            setTimeout(function () { at('now'); }, 0);
            setTimeout(function () { at('soon'); }, 20);
            Page({});"""})
        await gui.open(root)
        await gui.until(lambda: "late" in gui.console_text())
        lines = [x.text for x in gui.window.console.lines if x.text.split()[0] in
                 ("now", "soon", "late")]
        assert lines == ["now true", "soon true", "late false"]
        assert gui.window.host.error_count == 0

    gui.run(scenario())
