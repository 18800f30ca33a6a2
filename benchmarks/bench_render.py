"""The view layer in the core: a full render of a 1,000-row `s-for` list against an update
of one row, side by side in one run.

Prints the medians of: rendering the template in the view context (QuickJS) and folding
it into the node tree (the first time: every node new; an update: the diff), the number
of patches, and the ratio update/full (aim ≤ 0.05 would mean updates cost what changed;
today a setData re-runs the page's render function, so the JS half costs the page, and
only the tree and the patches are proportional). Usage:
python benchmarks/bench_render.py [ROUNDS]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from emulator.view.context import ViewContext
from emulator.view.tree import ViewNode, reconcile

TEMPLATE = """<view class="list">
  <view s-for="item, i in list trackBy item.id" class="row {{item.done ? 'done' : ''}}"
        data-index="{{i}}" bindtap="pick">
    <text class="title">{{item.title}}</text>
    <text class="count">{{item.count}}</text>
  </view>
</view>"""


def data(changed: int | None = None) -> dict[str, Any]:
    rows = [{"id": i, "title": f"row {i}", "count": i * 3, "done": i % 2 == 0}
            for i in range(1000)]
    if changed is not None:
        rows[changed]["title"] = "changed"
    return {"list": rows}


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    root = Path(tempfile.mkdtemp())
    (root / "p.swan").write_text(TEMPLATE, encoding="utf-8")
    context = ViewContext(root)
    context.load("p.swan")
    full: list[float] = []
    full_js: list[float] = []
    update: list[float] = []
    update_js: list[float] = []
    patches_full = patches_update = 0
    for r in range(rounds):
        tree = ViewNode("#page")
        start = time.perf_counter()
        plain = context.render("p.swan", data())
        mid = time.perf_counter()
        patches: list[dict[str, Any]] = []
        reconcile(tree, plain, patches)
        end = time.perf_counter()
        full.append(end - start)
        full_js.append(mid - start)
        patches_full = len(patches)
        start = time.perf_counter()
        plain = context.render("p.swan", data(changed=r % 1000))
        mid = time.perf_counter()
        patches = []
        reconcile(tree, plain, patches)
        end = time.perf_counter()
        update.append(end - start)
        update_js.append(mid - start)
        patches_update = len(patches)
    f, u = statistics.median(full), statistics.median(update)
    fj, uj = statistics.median(full_js), statistics.median(update_js)
    print(f"full render of 1,000 rows: {f * 1000:.1f} ms (render fn {fj * 1000:.1f} ms, "
          f"tree {(f - fj) * 1000:.1f} ms), {patches_full} patches")
    print(f"one row changed:           {u * 1000:.1f} ms (render fn {uj * 1000:.1f} ms, "
          f"diff {(u - uj) * 1000:.1f} ms), {patches_update} patch(es)")
    print(f"ratio update/full: {u / f:.2f} (tree/diff alone: {(u - uj) / (f - fj):.2f})")


if __name__ == "__main__":
    main()
