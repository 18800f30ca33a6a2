"""Swipers: the item shown, change and animationfinish with {current, source}, circular
wrapping, current-item-id, and the app's data taking over again."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.view.controls import swiper
from emulator.view.controls.errors import ControlError

APP = {
    "pages/index/index.swan": """
<swiper id="s" current="{{at}}" bindchange="changed" bindanimationfinish="finished">
  <swiper-item s-for="n in names" item-id="{{n}}"><text>{{n}}</text></swiper-item>
</swiper>
<swiper id="round" circular current-item-id="c">
  <swiper-item item-id="a">a</swiper-item><swiper-item item-id="b">b</swiper-item>
  <swiper-item item-id="c">c</swiper-item>
</swiper>""",
    "pages/index/index.js": """
Page({data: {at: 0, names: ['a', 'b', 'c']},
      changed(e) { console.log('change ' + JSON.stringify(e.detail)); },
      finished(e) { console.log('finish ' + e.detail.current + ' ' + e.detail.source); },
      jump() { this.setData({at: 2}); }});""",
}


async def test_a_swipe_shows_the_item_and_fires_change_then_animationfinish(
        run_app: Any) -> None:
    """Item 1 by touch: current becomes 1 on the node, change then animationfinish with
    {current, source, currentItemId}; the same index again fires nothing."""
    run = await run_app(APP)
    page = run.host.page
    assert page.swipe("#s", 1) == 2
    assert page.swipe("#s", 1) == 0
    await run.idle()
    assert run.logs == ['change {"current":1,"source":"touch","currentItemId":"b"}',
                        "finish 1 touch"]
    node = page.query("#s")
    assert swiper.current(node) == 1
    assert page.describe("#s")["current"] == 1
    run.host.call_method(run.host.page_stack[-1].page_id, "jump")
    await run.idle()
    assert swiper.current(page.query("#s")) == 2  # the app's setData wins again


async def test_circular_wraps_and_an_end_stops_a_plain_swiper(run_app: Any) -> None:
    """current-item-id names the shown item; circular wraps past the last; a plain swiper
    has no item past its ends; a bad index or source is a ControlError."""
    run = await run_app(APP)
    page = run.host.page
    round_ = page.query("#round")
    assert swiper.current(round_) == 2
    assert swiper.target(round_, 1) == 0
    plain = page.query("#s")
    assert swiper.target(plain, -1) is None
    with pytest.raises(ControlError):
        page.swipe("#s", 3)
    with pytest.raises(ControlError):
        page.swipe("#s", 1, source="fling")
