"""Element.data / Element.call_method on custom-component elements."""

from __future__ import annotations

from pathlib import Path

import pytest

from emulator.automation import AutomationError, launch
from tests.conftest import write_app


def component_app(tmp_path: Path) -> Path:
    return write_app(tmp_path / "app", {
        "pages/index/index.json": {"usingComponents": {"counter": "/components/counter/counter"}},
        "pages/index/index.swan": '<view id="plain">page</view><counter id="c" step="2"/>',
        "components/counter/counter.js": """Component({
          properties: {step: {type: Number, value: 1}},
          data: {n: 0, log: []},
          methods: {
            add: function (times) { this.setData({n: this.data.n + this.data.step * times}); return this.data.n; },
            fail: function () { throw new Error('no'); }
          }
        });""",
        "components/counter/counter.swan": '<text class="n">{{n}}</text>',
    })


async def test_component_data_and_methods_from_its_tag_or_inner_node(tmp_path: Path) -> None:
    """data() reads the instance; call_method runs its method and the view re-renders."""
    async with launch(component_app(tmp_path), data_dir=tmp_path / "d") as app:
        page = app.current_page()
        tag, inner = page.query("#c"), page.query(".n")
        assert tag is not None and inner is not None
        assert tag.data() == {"step": 2, "n": 0, "log": []}
        assert await inner.call_method("add", 3) == 6
        assert tag.data("n") == 6
        assert page.query(".n").text() == "6"


async def test_component_errors_are_clear(tmp_path: Path) -> None:
    """A page node is not a component; a missing method or a throwing one says so."""
    async with launch(component_app(tmp_path), data_dir=tmp_path / "d") as app:
        page = app.current_page()
        with pytest.raises(AutomationError, match="not in a custom component"):
            page.query("#plain").data()
        with pytest.raises(AutomationError, match="nope is not a method of components/counter/counter"):
            await page.query("#c").call_method("nope")
        with pytest.raises(AutomationError, match="Error: no"):
            await page.query("#c").call_method("fail")


async def test_each_occurrence_is_its_own_instance(tmp_path: Path) -> None:
    """Two tags of one component are two instances: each element addresses its own."""
    root = component_app(tmp_path)
    (root / "pages/index/index.swan").write_text(
        '<counter s-for="s in [1, 10]" class="c" step="{{s}}"/>', encoding="utf-8")
    async with launch(root, data_dir=tmp_path / "d") as app:
        first, second = app.current_page().query_all(".c")
        assert await second.call_method("add", 1) == 10
        assert (first.data("n"), second.data("n")) == (0, 10)
