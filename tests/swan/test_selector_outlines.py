"""Selector queries before rendering answer from what the page's templates declare; each
page's outlines reach JS when the page opens, not all at start."""

from __future__ import annotations

from typing import Any

QUERY = """
function ask(label, selector, comp) {
    var q = swan.createSelectorQuery();
    if (comp) q = q.in(comp);
    q.select(selector).boundingClientRect(function (r) {
        console.log(label + ' ' + (r === null ? 'null' : 'node'));
    }).exec();
}
"""

APP = {
    "app.json": {"pages": ["pages/index/index", "pages/detail/detail", "pages/tab/tab"],
                 "tabBar": {"list": [{"pagePath": "pages/index/index", "text": "a"},
                                     {"pagePath": "pages/tab/tab", "text": "b"}]}},
    "pages/index/index.swan": '<view id="home">home</view>',
    "pages/index/index.js": QUERY + """Page({onLoad: function () {
        ask('index #home', '#home'); ask('index #far', '#far');
        setTimeout(function () { swan.navigateTo({url: '../detail/detail'}); }, 10);
    }});""",
    "pages/detail/detail.json": {"usingComponents": {"card": "/comps/card/card"}},
    "pages/detail/detail.swan": '<view id="far" class="box">far</view><card/>',
    "pages/detail/detail.js": QUERY + """Page({onLoad: function () {
        ask('detail #far', '#far'); ask('detail .box', '.box'); ask('detail #home', '#home');
        setTimeout(function () { swan.switchTab({url: '/pages/tab/tab'}); }, 10);
    }});""",
    "comps/card/card.json": {"component": True},
    "comps/card/card.swan": '<text id="inner">in</text>',
    "comps/card/card.js": QUERY + """Component({lifetimes: {attached: function () {
        ask('card #inner', '#inner', this); ask('card #far', '#far', this);
    }}});""",
    "pages/tab/tab.swan": '<view id="tabbed"/>',
    "pages/tab/tab.js": QUERY + """Page({onLoad: function () {
        ask('tab #tabbed', '#tabbed'); ask('tab #far', '#far');
    }});""",
}


async def test_queries_find_what_each_page_declares_as_pages_open(run_app: Any) -> None:
    """The start page, a page opened by navigateTo (and its component, in its own
    template) and one by switchTab each see their own declarations; not another's."""
    run = await run_app(APP)
    assert run.logs == [
        "index #home node", "index #far null",
        "detail #far node", "detail .box node", "detail #home null",
        "card #inner node", "card #far null",
        "tab #tabbed node", "tab #far null",
    ], run.logs


async def test_start_parses_only_the_start_pages_templates(run_app: Any) -> None:
    """Opening the app parses the start page's templates, not every page's."""
    run = await run_app({**APP, "pages/index/index.js": "Page({});"})
    assert run.host._outlined == {"pages/index/index"}


async def test_a_page_opened_from_outside_gets_its_outlines_first(run_app: Any) -> None:
    """A navigation made by the host (the window's tab bar, the automation API) sends the
    page's outlines ahead of it too."""
    run = await run_app({**APP, "pages/index/index.js": "Page({});"})
    run.host.navigate("switchTab", "/pages/tab/tab")
    await run.idle()
    assert run.logs == ["tab #tabbed node", "tab #far null"], run.logs


NESTED = {
    "app.json": {"pages": ["pages/index/index"]},
    "pages/index/index.json": {"usingComponents": {"outer": "/comps/outer/outer"}},
    "pages/index/index.swan": '<view id="home"/><outer/>',
    "pages/index/index.js": "Page({});",
    "comps/outer/outer.json": {"component": True, "usingComponents": {"card": "/comps/card/card"}},
    "comps/outer/outer.swan": "<card/>",
    "comps/outer/outer.js": "Component({});",
    "comps/card/card.json": {"component": True},
    "comps/card/card.swan": '<text id="inner">in</text>',
    "comps/card/card.js": QUERY + """Component({lifetimes: {ready: function () {
        ask('card #inner', '#inner', this); ask('card #home', '#home', this);
    }}});""",
}


async def test_a_component_inside_a_component_sees_its_own_template(run_app: Any) -> None:
    """A component that only a component uses has its template's outline too."""
    run = await run_app(NESTED)
    assert run.logs == ["card #inner node", "card #home null"], run.logs


async def test_a_start_page_given_with_a_query_has_its_outlines(run_app: Any) -> None:
    """Launching at ``pages/detail/detail?id=1`` (automation's page=, a test marker) sends
    that page's outlines, not none for a route with a query in it."""
    run = await run_app({**APP, "pages/detail/detail.js": QUERY + """Page({onLoad: function () {
        ask('detail #far', '#far'); }});"""}, start=False)
    await run.host.start("pages/detail/detail?id=1")
    await run.idle()
    assert "detail #far node" in run.logs, run.logs
