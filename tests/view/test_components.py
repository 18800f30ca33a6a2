"""Custom components render inside their tags: their template with their data, slots,
their own handlers, and triggerEvent reaching the page's binding."""

from __future__ import annotations

from typing import Any

from emulator.flows.events import ComponentCreated, LoadProblem

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


CARD = {
    "components/card/card.json": {"component": True},
    "components/card/card.swan": """
<view class="card"><text class="n">{{name}}:{{n}}</text><button class="plus" bindtap="plus">+</button></view>""",
    "components/card/card.js": """
Component({
  properties: {name: String},
  data: {n: 0},
  methods: {plus: function () { this.setData({n: this.data.n + 1}); }},
  lifetimes: {
    attached: function () { console.log('attached ' + this.data.name); },
    detached: function () { console.log('detached ' + this.data.name); }
  }
});
""",
}


async def test_each_occurrence_has_its_own_instance(run_app: Any) -> None:
    """Two tags of one component are two instances: a tap in one changes only its data."""
    run = await run_app({
        **CARD,
        "pages/index/index.json": {"usingComponents": {"card": "/components/card/card"}},
        "pages/index/index.swan": '<card id="a" name="A"></card><card id="b" name="B"></card>',
        "pages/index/index.js": "Page({});",
    })
    page = run.host.page
    page.tap("#a .plus")
    page.tap("#a .plus")
    page.tap("#b .plus")
    await run.idle()
    assert (page.text("#a .n"), page.text("#b .n")) == ("A:2", "B:1")
    assert len(run.of(ComponentCreated)) == 2
    assert run.errors == []


async def test_s_for_gives_an_instance_per_item_and_a_removed_one_is_detached(
        run_app: Any) -> None:
    """An s-for of 3 cards makes 3 instances that survive re-renders (trackBy); removing
    one item detaches that instance once and keeps the others' data."""
    run = await run_app({
        **CARD,
        "pages/index/index.json": {"usingComponents": {"card": "/components/card/card"}},
        "pages/index/index.swan": """
<card s-for="item in list trackBy item" class="c-{{item}}" name="{{item}}"></card>""",
        "pages/index/index.js": """
Page({data: {list: ['x', 'y', 'z']},
      drop: function () { this.setData({list: ['y', 'z']}); },
      touch: function () { this.setData({list: ['y', 'z'], other: 1}); }});""",
    })
    page = run.host.page
    assert run.logs == ["attached x", "attached y", "attached z"]
    page.tap(".c-z .plus")
    await run.idle()
    page_id = run.host.page_stack[-1].page_id
    run.host.call_method(page_id, "drop")
    await run.idle()
    run.host.call_method(page_id, "touch")
    await run.idle()
    assert run.logs[3:] == ["detached x"]
    assert [n.text_content() for n in page.query_all(".n")] == ["y:0", "z:1"]
    assert len(run.of(ComponentCreated)) == 3
    assert len(run.host.renderer.components) == 2


async def test_properties_are_typed_and_observers_fire_on_change(run_app: Any) -> None:
    """Attributes become typed properties (kebab -> camelCase, data-* -> dataset); a
    changed attribute runs the property observer (new, old) and `observers`, and the
    component's template re-renders."""
    run = await run_app({
        "pages/index/index.json": {"usingComponents": {"probe": "/components/probe/probe"}},
        "pages/index/index.swan": """
<probe id="p" class="x" max-count="5" flag="false" items="{{list}}" label="{{num}}"
       data-item-id="{{7}}"></probe>""",
        "pages/index/index.js": """
Page({data: {list: [1, 2], num: 3},
      bump: function () { this.setData({num: 4, list: [1, 2, 3]}); }});""",
        "components/probe/probe.json": {"component": True},
        "components/probe/probe.swan": '<text class="out">{{label}}/{{items.length}}</text>',
        "components/probe/probe.js": """
Component({
  properties: {
    maxCount: Number, flag: {type: Boolean, value: true}, items: Array,
    label: {type: String, observer: function (n, o) { console.log('label', o, '->', n); }}
  },
  observers: {'label, items': function (l, i) { console.log('observers', l, i.length); }},
  attached: function () {
    var d = this.data;
    console.log([typeof d.maxCount, d.maxCount, d.flag, d.items.length, typeof d.label,
                 d.label, this.id, JSON.stringify(this.dataset), this.is].join(' '));
  }
});""",
    })
    assert run.logs == ["number 5 false 2 string 3 p {\"itemId\":7} components/probe/probe"]
    assert run.host.page.text("#p .out") == "3/2"
    run.host.call_method(run.host.page_stack[-1].page_id, "bump")
    await run.idle()
    assert run.logs[1:] == ["label 3 -> 4", "observers 4 3"]
    assert run.host.page.text("#p .out") == "4/3"
    assert run.errors == []


NESTED = {
    "pages/index/index.json": {"usingComponents": {"outer": "/components/outer/outer"}},
    "pages/index/index.swan": """
<view class="wrap" bind:ping="onWrapPing">
  <outer id="o1" bind:ping="onPing">
    <text class="mine" bindtap="onSlotTap">page text {{who}}</text>
    <text slot="head" class="head">head</text>
  </outer>
</view>""",
    "pages/index/index.js": """
Page({data: {who: 'page'},
      onLoad: function () { console.log('page onLoad'); },
      onReady: function () { console.log('page onReady'); },
      onSlotTap: function (e) { console.log('page handles slot tap', e.currentTarget.tagName); },
      onPing: function (e) { console.log('page heard ping', JSON.stringify(e.detail)); },
      onWrapPing: function (e) { console.log('wrapper heard ping', e.target.id); },
      pick: function () {
        var o = this.selectComponent('#o1');
        var i = o.selectComponent('.in');
        console.log('picked', o.is, i.data.n, String(i.ownerId) === o.nodeId,
                    this.selectAllComponents('inner').length);
      }});""",
    "components/outer/outer.json": {"component": True,
                                    "usingComponents": {"inner": "../inner/inner"}},
    "components/outer/outer.swan": """
<view class="outer">
  <slot name="head"></slot>
  <inner class="in" start="{{base}}" bind:ping="relay"></inner>
  <view class="body"><slot></slot></view>
</view>""",
    "components/outer/outer.js": """
Component({
  data: {base: 10},
  lifetimes: {
    created: function () { console.log('outer created'); },
    attached: function () { console.log('outer attached'); },
    ready: function () { console.log('outer ready'); }
  },
  methods: {relay: function (e) {
    console.log('outer relays', e.detail.n);
    this.triggerEvent('ping', {n: e.detail.n}, {bubbles: e.detail.n % 2 === 0});
  }}
});""",
    "components/inner/inner.json": {"component": True},
    "components/inner/inner.swan": '<button class="go" bindtap="go">{{start}}+{{n}}</button>',
    "components/inner/inner.js": """
Component({
  properties: {start: Number},
  data: {n: 0},
  lifetimes: {
    created: function () { console.log('inner created'); },
    attached: function () { console.log('inner attached ' + this.data.start); },
    ready: function () { console.log('inner ready'); }
  },
  methods: {go: function () {
    this.setData({n: this.data.n + 1});
    this.triggerEvent('ping', {n: this.data.start + this.data.n});
  }}
});""",
}


async def test_nested_components_lifetimes_in_order(run_app: Any) -> None:
    """A component inside a component's template is an instance of its own; lifetimes run
    after the page's onLoad, parent before child, created+attached+ready each (swan-core's
    registerCustomComponent), then the page's onReady."""
    run = await run_app(NESTED)
    assert run.logs == ["page onLoad", "outer created", "outer attached", "outer ready",
                        "inner created", "inner attached 10", "inner ready", "page onReady"]
    assert run.host.page.text("#o1 .go") == "10+0"
    assert run.errors == []


async def test_slot_content_belongs_to_the_page(run_app: Any) -> None:
    """Named and default slot content render in the page's scope and its taps run the
    page's handler."""
    run = await run_app(NESTED)
    page = run.host.page
    assert page.text("#o1 .outer > .head") == "head"
    assert page.text("#o1 .body .mine") == "page text page"
    page.tap("#o1 .mine")
    await run.idle()
    assert run.logs[-1] == "page handles slot tap text"


async def test_trigger_event_reaches_the_parent_and_bubbles_when_asked(run_app: Any) -> None:
    """triggerEvent runs the parent's bind:<name> on the tag with the detail; without
    bubbles nothing around the tag hears it, with bubbles the wrapper does too."""
    run = await run_app(NESTED)
    seen = len(run.logs)
    page = run.host.page
    page.tap("#o1 .go")  # inner sends 11: outer relays without bubbles
    await run.idle()
    page.tap("#o1 .go")  # 12: outer relays with bubbles
    await run.idle()
    assert run.logs[seen:] == ["outer relays 11", 'page heard ping {"n":11}',
                               "outer relays 12", 'page heard ping {"n":12}',
                               "wrapper heard ping o1"]
    assert page.text("#o1 .go") == "10+2"
    assert run.errors == []


async def test_select_component_finds_the_occurrence(run_app: Any) -> None:
    """selectComponent('#id') / ('.class') return those occurrences' instances; the
    renderer maps the tag node to the same instance id."""
    run = await run_app(NESTED)
    page_id = run.host.page_stack[-1].page_id
    run.host.page.tap("#o1 .go")
    await run.idle()
    run.host.call_method(page_id, "pick")
    await run.idle()
    assert run.logs[-1] == "picked components/outer/outer 1 true 1"
    outer = run.host.page.query("#o1")
    assert outer is not None
    instance = run.host.renderer.instance_of(outer)
    created = {c.instance_id: c for c in run.of(ComponentCreated)}
    assert created[instance].path == "components/outer/outer"
    assert run.host.renderer.instance_of(run.host.page.query("#o1 .outer")) is None


async def test_a_broken_component_fails_alone(run_app: Any) -> None:
    """A component whose JS cannot load, one whose template is broken and one that throws
    in created each fail alone with a problem naming the file; the page renders the rest
    and reaches onReady."""
    def component(name: str, js: str, swan: str) -> dict[str, Any]:
        return {f"components/{name}/{name}.json": {"component": True},
                f"components/{name}/{name}.js": js, f"components/{name}/{name}.swan": swan}

    run = await run_app({
        **component("good", "Component({});", '<text class="ok">ok</text>'),
        **component("badjs", "Component({\n  x: ,\n});", "<text>never</text>"),
        **component("badtpl", "Component({});", "<view>\n  <text>{{ a + }}</text>\n</view>"),
        **component("throws", "Component({created: function () { null.boom; }});",
                    '<text class="still">still</text>'),
        "pages/index/index.json": {"usingComponents": {
            n: f"/components/{n}/{n}" for n in ("good", "badjs", "badtpl", "throws")}},
        "pages/index/index.swan": "<badjs></badjs><badtpl></badtpl><throws></throws>"
                                  '<good id="g"></good><text id="end">end</text>',
        "pages/index/index.js": "Page({onReady: function () { console.log('ready'); }});",
    })
    page = run.host.page
    assert page.text("#g .ok") == "ok" and page.text("#end") == "end"
    assert page.text("throws .still") == "still"
    files = sorted(p.file for p in run.of(LoadProblem))
    assert files[0].startswith("components/badjs/badjs.js")
    assert files[1] == "components/badtpl/badtpl.swan:2:9"
    [err] = run.errors
    assert err.where == "created of component components/throws/throws"
    assert run.logs == ["ready"]


async def test_page_lifetimes_reach_every_occurrence(run_app: Any) -> None:
    """pageLifetimes.hide/show run for each instance when its page hides and shows."""
    run = await run_app({
        "components/c/c.json": {"component": True},
        "components/c/c.swan": "<text>{{tag}}</text>",
        "components/c/c.js": """Component({properties: {tag: String}, pageLifetimes: {
            show: function () { console.log('show ' + this.data.tag); },
            hide: function () { console.log('hide ' + this.data.tag); }}});""",
        "app.json": {"pages": ["pages/index/index", "pages/next/next"]},
        "pages/index/index.json": {"usingComponents": {"c": "/components/c/c"}},
        "pages/index/index.swan": '<c tag="one"></c><c tag="two"></c>',
        "pages/index/index.js": "Page({});",
        "pages/next/next.js": "Page({});",
    })
    run.host.navigate("navigateTo", "/pages/next/next")
    await run.idle()
    run.host.navigate("navigateBack")
    await run.idle()
    assert run.logs == ["hide one", "hide two", "show one", "show two"]
