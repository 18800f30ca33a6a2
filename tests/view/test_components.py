"""Custom components render inside their tags: their template with their data, slots,
their own handlers, and triggerEvent reaching the page's binding."""

from __future__ import annotations

from typing import Any

APP = {
    "pages/index/index.json": {"usingComponents": {"counter": "/components/counter/counter"}},
    "pages/index/index.swan": """
<view class="page">
  <counter id="c" label="{{title}}" bind:changed="onChanged">
    <text class="inside">from the page: {{title}}</text>
    <text slot="footer" class="foot">footer</text>
  </counter>
  <text id="total">total {{total}}</text>
</view>""",
    "pages/index/index.js": """
Page({data: {title: 'Apples', total: 0},
      onChanged: function (e) { console.log('page heard', e.detail.n, e.type);
                                this.setData({total: e.detail.n}); }});
""",
    "components/counter/counter.json": {"component": True},
    "components/counter/counter.swan": """
<view class="counter">
  <text class="label">{{label}}: {{n}}</text>
  <button class="plus" bindtap="plus">+</button>
  <slot></slot>
  <view class="footer"><slot name="footer"></slot></view>
</view>""",
    "components/counter/counter.js": """
Component({
  properties: {label: {type: String, value: 'none'}},
  data: {n: 0},
  methods: {
    plus: function () {
      this.setData({n: this.data.n + 1});
      this.triggerEvent('changed', {n: this.data.n});
    }
  }
});
""",
}


async def test_component_template_slots_handlers_and_events(run_app: Any) -> None:
    """The tag shows the component's template with the tag's property values; the tag's
    children fill its slots; a tap inside runs the component's method; its triggerEvent
    runs the page's bind:changed with the detail."""
    run = await run_app(APP)
    page = run.host.page
    assert page.text("#c .label") == "Apples: 0"
    assert page.text("#c .counter > .inside") == "from the page: Apples"
    assert page.text("#c .footer .foot") == "footer"
    page.tap("#c .plus")
    await run.idle()
    assert run.logs == ["page heard 1 changed"]
    assert page.text("#c .label") == "Apples: 1"
    assert page.text("#total") == "total 1"
    assert run.errors == []
