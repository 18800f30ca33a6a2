"""The rendered page, driven from code: the same path a tap in the window takes."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.flows.events import LoadProblem, PageRendered
from emulator.view.driver import NoSuchNode
from tests.test_cli import cli

PAGE = {
    "pages/index/index.swan": """
<view class="page" bindtap="outer">
  <text id="count">taps: {{taps}}</text>
  <view s-for="item, i in list trackBy item.id" class="row" data-index="{{i}}" data-item-id="{{item.id}}"
        catchtap="pick">{{item.name}}</view>
  <button id="nohandler" bindtap="nothere">x</button>
</view>""",
    "pages/index/index.js": """
Page({
  data: {taps: 0, list: [{id: 'a', name: 'Apple'}, {id: 'b', name: 'Banana'}]},
  outer: function (e) { console.log('outer from', e.target.id || e.target.tagName); },
  pick: function (e) {
    console.log('pick', e.currentTarget.dataset.index, e.currentTarget.dataset.itemId);
    this.setData({taps: this.data.taps + 1, 'list[1].name': 'Blueberry'});
  }
});
""",
}


async def test_tap_runs_the_handler_with_dataset_and_the_page_rerenders(run_app: Any) -> None:
    """A tap on a row: catchtap runs with currentTarget.dataset typed and camelCased,
    nothing bubbles past it, setData re-renders with a patch per change."""
    run = await run_app(PAGE)
    page = run.host.page
    assert page.text("#count") == "taps: 0"
    assert [n.text_content() for n in page.query_all(".row")] == ["Apple", "Banana"]
    assert page.tap('.row[data-item-id="b"]') == 1
    await run.idle()
    assert run.logs == ["pick 1 b"]
    assert page.text("#count") == "taps: 1"
    assert page.text(".row:nth-child(3)") == "Blueberry"
    patches = run.of(PageRendered)[-1].patches
    assert sorted(p["op"] for p in patches) == ["text", "text"]


async def test_taps_bubble_to_the_page_and_missing_handlers_are_errors(run_app: Any) -> None:
    """A tap on the count text bubbles to the page's bindtap; a binding to a method the
    page lacks is an uncaught error naming the binding's place."""
    run = await run_app(PAGE)
    run.host.page.tap("#count")
    await run.idle()
    assert run.logs == ["outer from count"]
    run.host.page.tap("#nohandler")
    await run.idle()
    [err] = run.errors
    assert "nothere is not a method of pages/index/index" in err.error.message
    assert "pages/index/index.swan:" in err.error.message
    with pytest.raises(NoSuchNode, match="#missing"):
        run.host.page.tap("#missing")


async def test_a_tap_while_a_chain_waits_for_its_next_slice_still_names_a_missing_handler(
        run_app: Any) -> None:
    """A tap (or a page method called from code) made while a long promise chain waits
    for its next slice runs its handler at once, as when JS is quiet: a binding to a
    missing method is still reported."""
    run = await run_app(PAGE)
    run.host.evaluate("(function f(n) { if (n) Promise.resolve(n - 1).then(f); })(400000)")
    assert run.host.runtime._resume is not None  # the chain used up its slice: the rest waits
    with pytest.raises(ValueError, match="nothere"):
        run.host.call_method(run.host.page_stack[-1].page_id, "nothere")
    run.host.page.tap("#nohandler")
    await run.idle()
    [err] = run.errors
    assert "nothere is not a method of pages/index/index" in err.error.message


async def test_a_broken_template_is_a_load_problem_and_the_page_says_so(run_app: Any) -> None:
    """A template that cannot compile names file:line:col; the page shows the error."""
    run = await run_app({"pages/index/index.swan": "<view>\n  <text>{{ a + }}</text>\n</view>",
                         "pages/index/index.js": "Page({});"})
    [problem] = run.of(LoadProblem)
    assert problem.file == "pages/index/index.swan:2:9"
    assert run.host.page.markup().startswith("<!-- pages/index/index.swan:2:9")


def test_dump_page_prints_the_rendered_page(tmp_path: Any) -> None:
    """`run --dump-page` prints the page on screen as markup at the end."""
    from tests.conftest import write_app

    root = write_app(tmp_path / "app", PAGE)
    result = cli("run", root, "--dump-page", "--data-dir", tmp_path / "data")
    assert result.returncode == 0, result.stderr
    assert "[page] pages/index/index" in result.stdout
    assert '<text id="count">taps: 0</text>' in result.stdout
    assert '<view class="row" data-index="1" data-item-id="b" catch:tap="pick">Banana</view>' in result.stdout


async def test_input_writes_two_way_values_back_and_fires_input(run_app: Any) -> None:
    """Typing into an input bound with {= =} updates the page's data (this.data, no
    setData) and the render, and bindinput gets {value, cursor, keyCode}."""
    run = await run_app({
        "pages/index/index.swan": '<input id="name" value="{= name =}" bindinput="typed"/>'
                                  "<text id=\"echo\">hello {{name}}</text>",
        "pages/index/index.js": """
            Page({data: {name: ''},
                  typed: function (e) { console.log(JSON.stringify(e.detail), this.data.name); }});
        """,
    })
    assert run.host.page.input("#name", "swan") == 1
    await run.idle()
    assert run.logs == ['{"value":"swan","cursor":4,"keyCode":null} swan']
    assert run.host.page.text("#echo") == "hello swan"
    assert run.host.page.query("#name").attrs["value"] == "swan"
