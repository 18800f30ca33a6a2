"""Component tags: externalClasses (a component's template names a class its tag fills in
[framework/custom-component_temp.md; view-layer.md §5]), and tags that are no component."""

from __future__ import annotations

from typing import Any

APP = {
    "pages/index/index.json": {"usingComponents": {"card": "/components/card/card"}},
    "pages/index/index.swan": '<card id="c" title-class="red big"></card>'
                              '<card id="d"></card>',
    "pages/index/index.js": "Page({});",
    "components/card/card.json": {"component": True},
    "components/card/card.swan": '<text class="title title-class">t</text>',
    "components/card/card.js": "Component({externalClasses: ['title-class']});",
}


async def test_the_tag_fills_the_external_class(run_app: Any) -> None:
    """class="title title-class" becomes "title red big" under the tag that passed
    "red big", and just "title" where nothing was passed; the node records what came in
    and from the page."""
    run = await run_app(APP)
    page = run.host.page
    filled = page.query("#c .title")
    assert filled.classes == ["title", "red", "big"]
    assert filled.outer == (("red", "big"), 0)
    assert page.query("#c .red.big") is filled
    plain = page.query("#d .title")
    assert plain.classes == ["title"] and plain.outer is None


async def test_an_unknown_tag_is_warned_of_once(run_app: Any) -> None:
    """A tag that is no built-in component and not in usingComponents (a misspelt
    component, an HTML tag) renders empty, and the console says so once per template."""
    run = await run_app({**APP, "pages/index/index.swan":
                         '<card id="c"></card><crad></crad><crad></crad><div>x</div>'})
    assert sorted(run.warnings) == [
        "pages/index/index.swan: <crad> is no built-in component and not in "
        "usingComponents: it renders as an empty element",
        "pages/index/index.swan: <div> is no built-in component and not in "
        "usingComponents: it renders as an empty element"]


async def test_an_end_tag_that_closes_nothing_is_warned_of_with_its_place(run_app: Any) -> None:
    """A misspelt end tag (``</vew>``) is ignored as the platform ignores it, and the
    console names it with file:line:col; matched and self-closed tags give no warning."""
    run = await run_app({**APP, "pages/index/index.swan":
                         '<view id="v">\n  <text>a</text><image src="x.png"/>\n'
                         '  <card id="c"></card></vew>\n</view>'})
    assert run.warnings == ["pages/index/index.swan:3:23: </vew> closes no open element "
                            "(a typo?); it is ignored, as the platform ignores it"]
    assert run.host.page.query("#v #c") is not None  # the page rendered as before
