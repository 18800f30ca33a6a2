"""Inputs and textareas under their rules, focus/blur/confirm, scroll-views, and what
the window is told (tests/fixtures/apps/controls/pages/inputs, pages/scroll)."""

from __future__ import annotations

from pathlib import Path

from emulator.flows.events import PageRendered
from emulator.view.controls.scroll import Extent
from tests.view.test_controls import open_page


async def test_maxlength_and_type_filtering(tmp_path: Path) -> None:
    """maxlength 5 cuts, 140 by default, -1 is no limit; number keeps digits, digit
    digits and a point, idcard digits and X; a password's value is the text; a refused
    keystroke fires nothing; a disabled input takes nothing."""
    run = await open_page(tmp_path, "pages/inputs/inputs")
    page = run.host.page
    try:
        page.input("#name", "Alexander")
        page.input("#num", "12a3")
        page.input("#num", "123b")  # the b is refused: no change, no event
        page.input("#digit", "3.5kg")
        page.input("#idcard", "11010x19-9X")
        page.input("#pw", "s3cret")
        page.input("#long", "x" * 200)
        page.input("#unlimited", "y" * 200)
        assert page.input("#off", "no") == 0
        await run.idle()
        values = [line.split(" input ")[0] + "=" + line.split('"value":"')[1].split('"')[0]
                  for line in run.logs]
        assert values == ["name=Alexa", "num=123", "digit=3.5", "idcard=11010x199X",
                          "pw=s3cret", "long=" + "x" * 140, "unlimited=" + "y" * 200]
        assert run.logs[0] == 'name input {"value":"Alexa","cursor":5,"keyCode":null}'
    finally:
        await run.host.close()


async def test_typed_text_writes_the_binding_and_reaches_the_mirror(tmp_path: Path) -> None:
    """value="{= name =}": the page's data gets the cut text; the window's mirror gets
    an attrs patch with the value."""
    run = await open_page(tmp_path, "pages/inputs/inputs")
    page = run.host.page
    node = page.query("#name")
    try:
        page.input_node(node.id, "Bobby Tables")
        page.tap("#show")
        await run.idle()
        assert run.logs[-1] == "show name=Bobby"
        patches = [p for e in run.of(PageRendered) for p in e.patches if p.get("id") == node.id]
        assert patches == [{"op": "attrs", "id": node.id, "set": {"value": "Bobby"},
                            "unset": []}]
    finally:
        await run.host.close()


async def test_focus_blur_and_confirm(tmp_path: Path) -> None:
    """focus {value, height}; confirm {value} then blur (not with confirm-hold); a tap
    elsewhere blurs an input before the tap's handlers and a textarea after them."""
    run = await open_page(tmp_path, "pages/inputs/inputs")
    page = run.host.page
    try:
        page.focus_node(page.query("#name"))
        page.confirm_node(page.query("#name"))
        page.focus_node(page.query("#hold"))
        page.confirm_node(page.query("#hold"))
        page.focus_node(page.query("#name"))  # blurs #hold first
        page.tap("#show")
        page.focus_node(page.query("#ta"))
        page.tap("#show")
        assert page.focus_node(page.query("#off")) == 0
        await run.idle()
        assert run.logs == [
            'name focus {"value":"Al","height":0}', 'name confirm {"value":"Al"}',
            'name blur {"value":"Al"}', 'hold confirm {"value":""}', 'hold blur {"value":""}',
            'name focus {"value":"Al","height":0}', 'name blur {"value":"Al"}',
            "show name=Al", 'ta focus {"value":"","height":0}', "show name=Al",
            'ta blur {"value":"","cursor":0}']
    finally:
        await run.host.close()


async def test_scroll_view_scroll_and_thresholds(tmp_path: Path) -> None:
    """scroll detail with deltas; scrolltolower once on entering lower-threshold (100);
    a position past the end is held at the end; scrolltoupper on coming back within 50;
    the {= top =} binding gets the position; a scroll-x view ignores top."""
    run = await open_page(tmp_path, "pages/scroll/scroll")
    page = run.host.page
    sizes = Extent(content_height=1000, height=300)
    try:
        page.scroll("#sv", 200, extent=sizes)
        page.scroll("#sv", 650, extent=sizes)
        page.scroll("#sv", 900, extent=sizes)
        page.scroll("#sv", 10, extent=sizes)
        assert page.scroll("#sx", top=50) == 0
        page.scroll("#sx", left=30)
        page.tap("#show")
        await run.idle()
        assert run.logs == [
            'sv scroll {"scrollLeft":0,"scrollTop":200,"scrollHeight":1000,"scrollWidth":0,'
            '"deltaX":0,"deltaY":-200}',
            'sv scroll {"scrollLeft":0,"scrollTop":650,"scrollHeight":1000,"scrollWidth":0,'
            '"deltaX":0,"deltaY":-450}',
            'sv scrolltolower {"direction":"bottom"}',
            'sv scroll {"scrollLeft":0,"scrollTop":700,"scrollHeight":1000,"scrollWidth":0,'
            '"deltaX":0,"deltaY":-50}',
            'sv scroll {"scrollLeft":0,"scrollTop":10,"scrollHeight":1000,"scrollWidth":0,'
            '"deltaX":0,"deltaY":690}',
            'sv scrolltoupper {"direction":"top"}',
            'sx scroll {"scrollLeft":30,"scrollTop":0,"scrollHeight":0,"scrollWidth":0,'
            '"deltaX":-30,"deltaY":0}',
            "show top=10"]
        assert page.describe("#sv")["scrollTop"] == 10
    finally:
        await run.host.close()


async def test_describe_tells_the_window_each_gesture(tmp_path: Path) -> None:
    """Text fields, buttons, links, labels, choices and taps get their kind; plain nodes
    get None."""
    run = await open_page(tmp_path, "pages/inputs/inputs")
    page = run.host.page
    try:
        name = page.describe("#name")
        assert {k: name[k] for k in ("kind", "multiline", "value", "maxlength", "inputType",
                                     "focused")} == \
            {"kind": "text", "multiline": False, "value": "Al", "maxlength": 5,
             "inputType": "text", "focused": False}
        assert page.describe("#pw")["password"] is True
        assert page.describe("#unlimited")["maxlength"] is None
        assert page.describe("#ta")["multiline"] is True
        assert page.describe("#show")["kind"] == "button"
        assert page.describe(".page") is None
    finally:
        await run.host.close()
    run = await open_page(tmp_path, "pages/choices/choices")
    page = run.host.page
    try:
        assert page.describe("#for-l")["target"] == page.query("#r-l").id
        assert page.describe("#sw")["kind"] == "switch"
        assert page.describe("#r-m")["checked"] is True
    finally:
        await run.host.close()
