"""The node JSON the window's web view gets: rpx in px, image paths as swan:// URLs, and
component nodes carrying their css isolation marks."""

from __future__ import annotations

from typing import Any

from emulator.flows.events import PageRendered
from emulator.view.mirror import MirrorPrep, image_url, owners_of
from emulator.view.styles import StyleBook


def test_image_urls_resolve_like_the_platform() -> None:
    """Package paths (absolute, or relative to the template), sandbox files and network
    URLs each become what the web view can load; a path leaving the package is nothing."""
    assert image_url("/img/a.png", "pages/index") == "swan://app/img/a.png"
    assert image_url("a.png", "pages/index") == "swan://app/pages/index/a.png"
    assert image_url("../../img/a b.png", "pages/index") == "swan://app/img/a%20b.png"
    assert image_url("../../../etc/passwd", "pages/index") == ""
    assert image_url("bdfile://tmp_abc.png", "pages/index") == "swan://file/tmp_abc.png"
    assert image_url("https://x.test/a.png", "pages/index") == "https://x.test/a.png"
    assert image_url("//x.test/a.png", "pages/index") == "https://x.test/a.png"
    assert image_url("data:image/png;base64,AAAA", "") == "data:image/png;base64,AAAA"


CARD = {
    "components/card/card.json": {"component": True},
    "components/card/card.swan": '<view class="card"><image src="pic.png" /></view>',
    "components/card/card.css": ".card { width: 100rpx; }",
    "components/card/card.js": "Component({});",
    "pages/index/index.json": {"usingComponents": {"card": "/components/card/card"}},
    "pages/index/index.swan": '<view style="width: 750rpx"><image src="/a.png" /></view>'
                              '<card id="c"></card><view s-if="{{more}}" class="more" '
                              'style="height: {{h}}rpx">more</view>',
    "pages/index/index.css": ".more { margin: 10rpx; }",
    "pages/index/index.js": "Page({data: {more: false, h: 20}});",
}


def _nodes(tree: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for node in tree:
        out.append(node)
        out.extend(_nodes(node.get("children") or []))
    return out


async def test_a_page_and_its_patches_are_ready_for_the_browser(run_app: Any) -> None:
    """The whole page: styles in px, images as URLs, the component's own nodes scoped,
    its css in the sheet; later patches get the same translation."""
    run = await run_app(CARD)
    host = run.host
    view = host.page.view()
    assert view is not None

    styles = StyleBook(host.package.root, 375)
    prep = MirrorPrep(styles, owners_of(host.renderer))
    page = prep.page(view)
    nodes = _nodes(page["children"])
    assert page["root"] == view.root.id
    assert nodes[0]["attrs"]["style"] == "width: 375px"
    images = [n["attrs"]["src"] for n in nodes if n.get("tag") == "image"]
    assert images == ["swan://app/a.png", "swan://app/components/card/pic.png"]
    scoped = [n for n in nodes if n.get("marks")]
    assert {n["tag"] for n in scoped} == {"view", "image"}
    token = styles.scope_of("components/card/card")
    assert all(n["marks"] == {"data-swan-scope": token} for n in scoped)
    assert "width: 50px" in page["css"] and "margin: 5px" in page["css"]
    assert page["base"] == "swan://app/pages/index/"

    patches: list[dict[str, Any]] = []
    host.bus.subscribe(lambda e: patches.extend(e.patches), PageRendered)
    host.set_data(view.page_id, {"more": True, "h": 40})
    await run.idle()
    host.page.view()
    inserted = [p for p in prep.patches(view, patches) if p["op"] == "insert"]
    assert inserted and inserted[0]["node"]["attrs"]["style"] == "height: 20px"
