"""The view layer in the core: a full render of a 1,000-row `s-for` list against a setData
that changes one row, through the real path (a PageDataChanged into the Renderer, the
PageRendered patches out), side by side in one run.

Prints the medians of: the first render of the page (every node new), a setData of one
row (``list[i].title``), of one outer value the loop does not read (``title``), and of
the whole list again with one row changed (``list``: the common "concat and set" style),
with their patch counts, the share spent in the view context (QuickJS), and the ratio
update/full (aim ≤ 0.05: an update costs what it changed, not the page). Usage:
python benchmarks/bench_render.py [ROUNDS]
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from emulator.app.package import load_package
from emulator.flows.bus import EventBus
from emulator.flows.events import PageCreated, PageDataChanged, PageRendered
from emulator.view.renderer import Renderer

TEMPLATE = """<view class="head">{{title}}</view>
<view class="list">
  <view s-for="item, i in list trackBy item.id" class="row {{item.done ? 'done' : ''}}"
        data-index="{{i}}" bindtap="pick">
    <text class="title">{{item.title}}</text>
    <text class="count">{{item.count}}</text>
  </view>
</view>"""


def rows() -> list[dict[str, Any]]:
    return [{"id": i, "title": f"row {i}", "count": i * 3, "done": i % 2 == 0}
            for i in range(1000)]


class Page:
    """A one-page app on disk, its Renderer, and the patches it publishes."""

    def __init__(self, root: Path, loop: asyncio.AbstractEventLoop, page_id: int) -> None:
        self.bus = EventBus()
        self.renderer = Renderer(load_package(root), self.bus, loop)
        self.page_id = page_id
        self.patches: list[dict[str, Any]] = []
        self.bus.subscribe(lambda e: self.patches.extend(e.patches), PageRendered)
        self.js = 0.0
        context = self.renderer.context
        inner: Callable[..., Any] = context.render_store

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                self.js += time.perf_counter() - start
        context.render_store = timed  # type: ignore[method-assign]

    def first(self) -> None:
        self.bus.publish(PageCreated(page_id=self.page_id, route="pages/index/index", query={},
                                     data={"title": "List", "list": rows()}, methods=[]))
        self.renderer.release(self.page_id)
        self.renderer.flush()

    def set_data(self, changes: dict[str, Any]) -> None:
        # As the logic layer sends it: the payload crossed as JSON.
        changes = json.loads(json.dumps(changes))
        self.bus.publish(PageDataChanged(page_id=self.page_id, route="pages/index/index",
                                         changes=changes))
        self.renderer.flush()


def measure(page: Page, action: Callable[[], None]) -> tuple[float, float, int]:
    page.patches.clear()
    page.js = 0.0
    start = time.perf_counter()
    action()
    return time.perf_counter() - start, page.js, len(page.patches)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    root = Path(tempfile.mkdtemp())
    (root / "pages" / "index").mkdir(parents=True)
    (root / "app.json").write_text('{"pages": ["pages/index/index"]}', encoding="utf-8")
    (root / "app.js").write_text("App({});", encoding="utf-8")
    (root / "pages" / "index" / "index.js").write_text("Page({});", encoding="utf-8")
    (root / "pages" / "index" / "index.swan").write_text(TEMPLATE, encoding="utf-8")
    loop = asyncio.new_event_loop()
    results: dict[str, list[tuple[float, float, int]]] = {}
    for r in range(rounds):
        page = Page(root, loop, 1 + r)
        whole = rows()
        whole[(r * 7) % 1000]["title"] = "changed again"
        steps: list[tuple[str, Callable[[], None]]] = [
            ("full render", page.first),
            ("one row changed", partial(page.set_data, {f"list[{r % 1000}].title": "changed"})),
            ("outer value", partial(page.set_data, {"title": f"List {r}"})),
            ("whole list again", partial(page.set_data, {"list": whole})),
        ]
        for name, action in steps:
            results.setdefault(name, []).append(measure(page, action))
    loop.close()
    full = statistics.median(t for t, _, _ in results["full render"])
    for name, runs in results.items():
        total = statistics.median(t for t, _, _ in runs)
        js = statistics.median(j for _, j, _ in runs)
        print(f"{name + ':':18} {total * 1000:6.2f} ms (view context {js * 1000:6.2f} ms, "
              f"tree {max(total - js, 0) * 1000:6.2f} ms), {runs[-1][2]} patch(es), "
              f"ratio {total / full:.3f}")
    one = statistics.median(t for t, _, _ in results["one row changed"])
    print(f"ratio update/full (one row): {one / full:.3f} (aim ≤ 0.05)")


if __name__ == "__main__":
    main()
