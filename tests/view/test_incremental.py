"""Incremental renders (data kept in the view context, unchanged loop items and subtrees as
stubs) give the same page as a render from scratch, and patches that rebuild it."""

from __future__ import annotations

import asyncio
import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.app.package import load_package
from emulator.flows.bus import EventBus
from emulator.flows.events import PageCreated, PageDataChanged, PageRendered
from emulator.view.context import ViewContext
from emulator.view.data_path import set_path
from emulator.view.renderer import Renderer
from emulator.view.tree import ViewNode, markup, reconcile

ROUTE = "pages/index/index"
TEMPLATE = """<import-sjs module="fmt">
module.exports = {up: function (s) { return String(s).toUpperCase(); }};
</import-sjs>
<template name="badge"><text class="badge">{{n}}{{mark}}</text></template>
<view class="head">{{title}}</view>
<view class="list">
  <view s-for="item, i in list trackBy item.id" class="row {{item.id == sel ? 'sel' : ''}}"
        data-i="{{i}}" bindtap="pick">
    <text class="t">{{fmt.up(item.title)}}</text>
    <text s-if="item.tags.length > 1" class="many">{{item.tags.length}}</text>
    <text s-for="tag in item.tags" class="tag">{{tag}}{{sep}}</text>
    <template is="badge" data="{{ {n: item.count, mark: item.count > 2 ? '!' : ''} }}"/>
  </view>
</view>
<view s-for="list" class="plain">{{index}}:{{item.title}}</view>
<block s-for="n in nums"><text>{{n}}</text>{{n * 2}}</block>
<view s-if="show" class="tail"><text>tail {{title}}</text></view>
<view class="deep">{{obj.a.b}} {{obj}}</view>"""


def initial() -> dict[str, Any]:
    return {"title": "T", "sel": 1, "sep": ",", "show": True, "nums": [1, 2],
            "obj": {"a": {"b": 1}},
            "list": [{"id": i, "title": f"r{i}", "count": i, "tags": ["x"] * (i % 3)}
                     for i in range(6)]}


class Page:
    """A one-page app rendered by the real Renderer; patches applied to a mirror."""

    def __init__(self, root: Path, data: dict[str, Any]) -> None:
        self.loop = asyncio.new_event_loop()
        self.bus = EventBus()
        self.renderer = Renderer(load_package(root), self.bus, self.loop)
        self.mirror = Mirror()
        self.bus.subscribe(lambda e: self.mirror.apply(e.patches), PageRendered)
        self.bus.publish(PageCreated(page_id=1, route=ROUTE, query={}, data=data, methods=[]))
        self.mirror.root = self.renderer.pages[1].root.id
        self.renderer.release(1)
        self.renderer.flush()

    def set_data(self, changes: dict[str, Any]) -> None:
        self.bus.publish(PageDataChanged(page_id=1, route=ROUTE,
                                         changes=json.loads(json.dumps(changes))))

    def close(self) -> None:
        self.loop.close()


class Mirror:
    """What the window keeps: nodes by id, built from the patches only."""

    def __init__(self) -> None:
        self.root = 0
        self.nodes: dict[int, dict[str, Any]] = {}
        self.top: list[dict[str, Any]] = []

    def kids(self, parent: int) -> list[dict[str, Any]]:
        return self.top if parent == self.root else self.nodes[parent]["children"]

    def register(self, node: dict[str, Any], parent: int) -> dict[str, Any]:
        node = {**node, "parent": parent}
        self.nodes[node["id"]] = node
        if "children" in node:
            node["children"] = [self.register(c, node["id"]) for c in node["children"]]
        return node

    def place(self, parent: int, node: dict[str, Any], index: int) -> None:
        kids = self.kids(parent)
        if node in kids:
            kids.remove(node)
        kids.insert(index, node)
        node["parent"] = parent

    def apply(self, patches: list[dict[str, Any]]) -> None:
        for p in patches:
            if p["op"] == "insert":
                if self.nodes.get(p["node"]["id"]) is not None:
                    self.detach(self.nodes[p["node"]["id"]])
                self.place(p["parent"], self.register(p["node"], p["parent"]), p["index"])
            elif p["op"] == "remove":
                self.detach(self.nodes[p["id"]])
            elif p["op"] == "move":
                node = self.nodes[p["id"]]
                if node["parent"] != p["parent"]:
                    self.detach(node)
                self.place(p["parent"], node, p["index"])
            elif p["op"] == "attrs":
                attrs = {k: v for k, v in self.nodes[p["id"]]["attrs"].items()
                         if k not in p["unset"]}
                self.nodes[p["id"]]["attrs"] = {**attrs, **p["set"]}
            elif p["op"] == "text":
                self.nodes[p["id"]]["text"] = p["text"]

    def detach(self, node: dict[str, Any]) -> None:
        kids = self.kids(node["parent"])
        if node in kids:
            kids.remove(node)

    def dump(self, nodes: list[dict[str, Any]] | None = None) -> list[Any]:
        out = []
        for n in self.top if nodes is None else nodes:
            if "text" in n:
                out.append({"id": n["id"], "text": n["text"]})
            else:
                out.append({"id": n["id"], "tag": n["tag"], "attrs": n["attrs"],
                            "children": self.dump(n["children"])})
        return out


def tree_dump(nodes: list[ViewNode]) -> list[Any]:
    out = []
    for n in nodes:
        if n.is_text:
            out.append({"id": n.id, "text": n.text})
        else:
            out.append({"id": n.id, "tag": n.tag, "attrs": dict(n.attrs),
                        "children": tree_dump(n.children)})
    return out


def from_scratch(root: Path, data: dict[str, Any]) -> str:
    """The page's markup rendered anew (no memo, a new tree)."""
    page = ViewNode("#page")
    reconcile(page, ViewContext(root).render(f"{ROUTE}.swan", data), [])
    return markup(page.children)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("incremental")
    (root / "pages" / "index").mkdir(parents=True)
    (root / "app.json").write_text(json.dumps({"pages": [ROUTE]}), encoding="utf-8")
    (root / "app.js").write_text("App({});", encoding="utf-8")
    (root / f"{ROUTE}.js").write_text("Page({});", encoding="utf-8")
    (root / f"{ROUTE}.swan").write_text(TEMPLATE, encoding="utf-8")
    return root


words = st.sampled_from(["a", "b", "r1", "zz", "", "中"])
index = st.integers(0, 8)


@st.composite
def item(draw: st.DrawFn) -> dict[str, Any]:
    return {"id": draw(st.integers(0, 12)), "title": draw(words),
            "count": draw(st.integers(0, 4)), "tags": draw(st.lists(words, max_size=3))}


changes = st.one_of(
    st.builds(lambda i, w: {f"list[{i}].title": w}, index, words),
    st.builds(lambda i, n: {f"list[{i}].count": n}, index, st.integers(0, 4)),
    st.builds(lambda i, t: {f"list[{i}].tags": t}, index, st.lists(words, max_size=3)),
    st.builds(lambda i, t: {f"list[{i}].tags[1]": t}, index, words),
    st.builds(lambda i, it: {f"list[{i}]": it}, index, item()),
    # Inserts, removes, moves (trackBy): the whole list again, its items permuted.
    st.builds(lambda order: {"__permute": order}, st.permutations(range(6))),
    st.builds(lambda n: {"__drop": n}, index),
    st.builds(lambda it: {"__push": it}, item()),
    st.builds(lambda v: {"sel": v}, st.integers(0, 6)),
    st.builds(lambda v: {"sep": v}, words),
    st.builds(lambda v: {"title": v}, words),
    st.builds(lambda v: {"show": v}, st.booleans()),
    st.builds(lambda v: {"nums": v}, st.lists(st.integers(0, 3), max_size=3)),
    st.builds(lambda v: {"obj.a.b": v}, st.integers(0, 3)),
    st.builds(lambda v: {"obj.a": v}, st.integers(0, 3)),
    st.builds(lambda v, w: {"title": v, "list[0].title": w, "sel": 0}, words, words),
)


def concrete(data: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """A change as setData keys (list operations become the whole list again; a row
    index wraps to a row that exists: a null row breaks the template's raw data=)."""
    rows = list(data.get("list") or [])
    first = next(iter(change))
    if first.startswith("list["):
        if not rows:
            return {"title": "no rows"}
        i = int(first[5:first.index("]")])
        return {k.replace(f"list[{i}]", f"list[{i % len(rows)}]", 1): v
                for k, v in change.items()}
    if "__permute" in change:
        order = [i for i in change["__permute"] if i < len(rows)]
        return {"list": [rows[i] for i in order] + rows[len(order):]}
    if "__drop" in change:
        return {"list": rows[:change["__drop"]] + rows[change["__drop"] + 1:]}
    if "__push" in change:
        return {"list": [*rows, change["__push"]]}
    return change


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.lists(changes, min_size=1, max_size=3), min_size=1, max_size=8))
def test_incremental_equals_from_scratch(app: Path, steps: list[list[dict[str, Any]]]) -> None:
    """After every render of random setData sequences (row fields, whole rows, inserts,
    removes and moves under trackBy, outer names read in the loop, nested loops, filters,
    templates, conditions), the tree's markup is a from-scratch render's and the patches
    rebuild the tree exactly."""
    data = initial()
    page = Page(app, copy.deepcopy(data))
    try:
        for batch in steps:
            for change in batch:  # several setData in one loop turn: one render
                keys = concrete(data, change)
                for path, value in keys.items():
                    set_path(data, path, copy.deepcopy(value))
                page.set_data(keys)
            page.renderer.flush()
            view = page.renderer.pages[1]
            assert markup(view.root.children) == from_scratch(app, data)
            assert page.mirror.dump() == tree_dump(view.root.children)
    finally:
        page.close()


def test_unchanged_rows_keep_their_nodes_and_send_one_patch(app: Path) -> None:
    """A setData of one row's field patches that row's text only; the other rows' nodes
    are the same objects (kept, not rebuilt or walked)."""
    page = Page(app, initial())
    try:
        rows = list(page.renderer.pages[1].root.children[1].children)
        patches: list[dict[str, Any]] = []
        page.bus.subscribe(lambda e: patches.extend(e.patches), PageRendered)
        page.set_data({"list[3].title": "new"})
        page.renderer.flush()
        after = page.renderer.pages[1].root.children[1].children
        assert [n is r for n, r in zip(after, rows, strict=True)] == [True] * 6
        ids = {n.id for n in rows[3].walk()}
        assert [p["op"] for p in patches] == ["text", "text"]  # the row's and the plain list's
        assert patches[0]["id"] in ids and patches[0]["text"] == "NEW"
    finally:
        page.close()


def test_outer_name_read_in_the_loop_rerenders_its_rows(app: Path) -> None:
    """A name the loop body reads from outside (sel) changes every row that shows it."""
    page = Page(app, initial())
    try:
        page.set_data({"sel": 4})
        page.renderer.flush()
        rows = page.renderer.pages[1].root.children[1].children
        assert [r.attrs["class"] for r in rows] == ["row "] * 4 + ["row sel", "row "]
    finally:
        page.close()


def test_setdata_paths_in_the_view_context_match_set_path(tmp_path: Path) -> None:
    """Key paths applied in the view context (copy-on-write) give the data set_path
    gives: missing containers made, lists padded, wrong-type steps replaced."""
    (tmp_path / "p.swan").write_text("<text>{{d}}</text>", encoding="utf-8")
    context = ViewContext(tmp_path)
    data: dict[str, Any] = {"d": {"a": 1, "l": [1]}}
    steps = [("d.b.c", 2), ("d.l[3]", "x"), ("d.a.z", 1), ("d.l[0].k", True), ("e[1][0]", 5),
             ("d.l.x", 9), ("d[0]", 1)]
    context.render_store("p.swan", 7, data=data)
    for path, value in steps:
        set_path(data, path, value)
        context.render_store("p.swan", 7, changes=[(path, value)])
        assert json.loads(context.engine.eval("__view.storeData(7)")) == data, path


CARDS = {
    "pages/index/index.json": {"usingComponents": {"card": "/components/card/card"}},
    "pages/index/index.swan": """
<button id="note" bindtap="onNote">note</button><button id="swap" bindtap="onSwap">swap</button>
<view class="list">
  <view s-for="item in list trackBy item.id" class="row">
    <card id="c{{item.id}}" name="{{item.name}}"><text class="slot">{{item.note}}</text></card>
    <text class="plain">{{item.note}}</text>
  </view>
</view>""",
    "pages/index/index.js": """
Page({data: {list: [{id: 1, name: 'a', note: 'x'}, {id: 2, name: 'b', note: 'y'}]},
      onNote: function () { this.setData({'list[1].note': 'z'}); },
      onSwap: function () { this.setData({list: [this.data.list[1], this.data.list[0]]}); }});
""",
    "components/card/card.json": {"component": True},
    "components/card/card.swan": """
<view class="card"><text class="n">{{name}}:{{n}}</text><button class="plus" bindtap="plus">+</button><slot></slot></view>""",
    "components/card/card.js": """
Component({properties: {name: {type: String, value: ''}}, data: {n: 0},
           methods: {plus: function () { this.setData({n: this.data.n + 1}); }}});
""",
}


async def test_components_in_a_memoized_list_keep_their_instances(run_app: Any) -> None:
    """Custom components with slot content in a trackBy list: a row's setData updates its
    slot, a component's own setData re-renders it, a swap moves the instances."""
    run = await run_app(CARDS)
    page = run.host.page
    ids = {name: run.host.renderer.instance_of(page.query(f"#{name}")) for name in ("c1", "c2")}
    page.tap("#c1 .plus")
    await run.idle()
    page.tap("#note")
    await run.idle()
    assert page.text("#c1 .n") == "a:1" and page.text("#c2 .slot") == "z"
    page.tap("#swap")
    await run.idle()
    assert [n.text_content() for n in page.query_all(".n")] == ["b:0", "a:1"]
    assert [n.text_content() for n in page.query_all(".plain")] == ["z", "x"]
    assert {name: run.host.renderer.instance_of(page.query(f"#{name}"))
            for name in ("c1", "c2")} == ids
    assert run.errors == []
