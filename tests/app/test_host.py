"""The app host: lifecycle, setData, the page stack, components, load failures."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.errors import PackageError, ScriptError
from emulator.flows.events import LoadProblem, PageCreated, PageDataChanged, PageStackChanged

TRACE = """
function trace(name) { return function (arg) {
    console.log(name + (arg && Object.keys(arg).length ? ' ' + JSON.stringify(arg) : ''));
}; }
"""


def page(name: str, extra: str = "") -> str:
    return TRACE + f"""
Page({{
    onLoad: trace('{name}.onLoad'), onShow: trace('{name}.onShow'),
    onReady: trace('{name}.onReady'), onHide: trace('{name}.onHide'),
    onUnload: trace('{name}.onUnload'){extra}
}});
"""


async def test_launch_lifecycle_order(run_app: Any) -> None:
    """App onLaunch, onShow, then page onLoad(query), onShow, onReady; globalData and getApp."""
    run = await run_app({
        "app.js": TRACE + "App({ globalData: {v: 1}, onLaunch: function (o) {"
                          " console.log('app.onLaunch ' + o.path); },"
                          " onShow: trace('app.onShow') });",
        "pages/index/index.js": page("index", ", check: function () {}") +
            "console.log('page module ran, app v=' + getApp().globalData.v);",
    })
    assert run.logs == [
        "page module ran, app v=1",
        "app.onLaunch pages/index/index",
        'app.onShow {"path":"pages/index/index","query":{},"scene":"1001","referrerInfo":{},'
        '"entryType":"user","appURL":""}',
        "index.onLoad",
        "index.onShow",
        "index.onReady",
    ]
    [created] = run.of(PageCreated)
    assert created.route == "pages/index/index"
    assert "check" in created.methods and "onLoad" in created.methods


async def test_set_data_forms_paths_callback_and_events(run_app: Any) -> None:
    """setData(obj, cb), setData(key, value), data paths; getData; events for the GUI."""
    run = await run_app({"pages/index/index.js": """
        Page({
            data: {list: [{n: 1}], user: {name: 'a'}, count: 0},
            onLoad: function () {
                var self = this;
                this.setData({count: 1, 'user.name': 'b', 'list[0].n': 5, 'list[1]': {n: 6}},
                             function () { console.log('cb sees', self.data.count); });
                this.setData('count', 2);
                console.log('sync', this.data.count, this.getData('user.name'),
                            this.getData('list[1].n'), JSON.stringify(this.getData().list));
            }
        });
    """})
    assert run.logs == ['sync 2 b 6 [{"n":5},{"n":6}]', "cb sees 2"]
    changes = [e.changes for e in run.of(PageDataChanged)]
    assert changes == [{"count": 1, "user.name": "b", "list[0].n": 5, "list[1]": {"n": 6}},
                       {"count": 2}]


async def test_page_data_is_copied_per_instance(run_app: Any) -> None:
    """Two instances of one page do not share their data objects."""
    run = await run_app({
        "app.json": {"pages": ["pages/index/index", "pages/a/a"]},
        "pages/index/index.js": "Page({onReady: function () {"
                                " swan.navigateTo({url: '/pages/a/a?i=1'}); }});",
        "pages/a/a.js": """
            Page({data: {items: []}, onLoad: function (q) {
                this.data.items.push(q.i);
                console.log('items', JSON.stringify(this.data.items));
                if (q.i === '1') swan.navigateTo({url: 'a?i=2'});
            }});
        """,
    })
    assert run.logs == ['items ["1"]', 'items ["2"]']


async def test_navigation_lifecycle_and_stack(run_app: Any) -> None:
    """navigateTo hides, navigateBack unloads, redirectTo replaces; getCurrentPages follows."""
    run = await run_app({
        "app.json": {"pages": ["pages/index/index", "pages/a/a", "pages/b/b"]},
        "pages/index/index.js": page("index", """,
            onReady: function () {
                swan.navigateTo({url: '/pages/a/a?x=1&y=two', success: function (r) {
                    console.log('navigateTo ' + r.errMsg + ' depth=' + getCurrentPages().length);
                }});
            }"""),
        "pages/a/a.js": page("a", """,
            onReady: function () { swan.redirectTo({url: '../b/b?z=3'}); }"""),
        "pages/b/b.js": page("b", """,
            onReady: function () {
                console.log('stack', getCurrentPages().map(function (p) { return p.route; }).join('>'));
                swan.navigateBack({complete: function (r) { console.log(r.errMsg); }});
            }"""),
    })
    assert run.logs == [
        "index.onLoad", "index.onShow",
        "index.onHide",
        'a.onLoad {"x":"1","y":"two"}', "a.onShow",
        "navigateTo navigateTo:ok depth=2",  # after the new page opened
        "a.onUnload",
        'b.onLoad {"z":"3"}', "b.onShow",
        "stack pages/index/index>pages/b/b",
        "b.onUnload", "index.onShow",
        "navigateBack:ok",
    ]
    stacks = [tuple(p.route for p in e.pages) for e in run.of(PageStackChanged)]
    assert stacks[-1] == ("pages/index/index",)
    assert run.host.page_stack[-1].route == "pages/index/index"


async def test_navigation_failures(run_app: Any) -> None:
    """Unknown pages, tab pages via navigateTo, back at the first page: fail, not crash."""
    run = await run_app({
        "app.json": {"pages": ["pages/index/index", "pages/tab/tab"],
                     "tabBar": {"list": [{"pagePath": "pages/index/index"},
                                         {"pagePath": "pages/tab/tab"}]}},
        "pages/index/index.js": """
            function log(r) { console.log(r.errCode + ' ' + r.errMsg); }
            Page({onReady: function () {
                swan.navigateTo({url: '/pages/none/none', fail: log});
                swan.navigateTo({url: '/pages/tab/tab', fail: log});
                swan.navigateBack({fail: log});
                swan.navigateTo({fail: log});
                swan.switchTab({url: '/pages/tab/tab', success: function () {
                    console.log('on tab: ' + getCurrentPages()[0].route);
                }});
            }});
        """,
        "pages/tab/tab.js": "Page({onLoad: function () { console.log('tab loaded'); }});",
    })
    assert run.logs == [
        '1001 navigateTo:fail page "/pages/none/none" is not found',
        "1001 navigateTo:fail can not navigateTo a tabbar page",
        "1001 navigateBack:fail cannot navigate back at first page",
        "904 navigateTo:fail parameter error: url must be a non-empty string",
        "tab loaded",
        "on tab: pages/tab/tab",
    ]


async def test_switch_tab_keeps_tab_pages_alive(run_app: Any) -> None:
    """Going back to a tab shows the same instance (onShow, no second onLoad)."""
    run = await run_app({
        "app.json": {"pages": ["pages/index/index", "pages/tab/tab"],
                     "tabBar": {"list": [{"pagePath": "pages/index/index"},
                                         {"pagePath": "pages/tab/tab"}]}},
        "pages/index/index.js": page("index", """,
            onReady: function () {
                swan.switchTab({url: '/pages/tab/tab', success: function () {
                    swan.switchTab({url: '/pages/index/index'});
                }});
            }"""),
        "pages/tab/tab.js": page("tab"),
    })
    assert run.logs == ["index.onLoad", "index.onShow", "index.onHide",
                        "tab.onLoad", "tab.onShow", "tab.onReady", "tab.onHide", "index.onShow"]


async def test_components_load_with_properties_and_lifetimes(run_app: Any) -> None:
    """usingComponents JS runs: properties defaults, data, methods, behaviors, lifetimes;
    after the page's onLoad and onShow, as the first render reaches them (swan-core
    registers components on onPageRender, then fires onReady on `rendered`)."""
    run = await run_app({
        "app.json": {"pages": ["pages/index/index"],
                     "usingComponents": {"g": "/components/g/g"}},
        "pages/index/index.json": {"usingComponents": {"card": "../../components/card/card"}},
        "pages/index/index.js": "Page({onLoad: function () { console.log('page onLoad'); },"
                                " onReady: function () { console.log('page onReady'); }});",
        "components/g/g.js": "Component({attached: function () { console.log('g attached'); }});",
        "components/card/card.js": """
            var mixin = Behavior({data: {fromBehavior: true},
                                  attached: function () { console.log('behavior attached'); }});
            Component({
                behaviors: [mixin],
                properties: {title: String, size: {type: Number, value: 3}, on: Boolean},
                data: {count: 0},
                methods: {describe: function () {
                    return [this.data.title === '', this.data.size, this.data.on,
                            this.data.count, this.data.fromBehavior].join(',');
                }},
                lifetimes: {
                    created: function () { console.log('card created'); },
                    attached: function () { console.log('card attached ' + this.describe()); },
                    ready: function () { console.log('card ready'); },
                    detached: function () { console.log('card detached'); }
                },
                pageLifetimes: {show: function () { console.log('card page show'); }}
            });
        """,
    })
    assert run.logs == [
        "page onLoad",
        "g attached",  # each component: created, attached, ready in one go
        "card created", "behavior attached", "card attached true,3,false,0,true", "card ready",
        "page onReady",
    ]
    run.host.navigate("reLaunch", "/pages/index/index")
    await run.idle()
    assert "card detached" in run.logs
    assert run.errors == []


async def test_component_constructor_as_page(run_app: Any) -> None:
    """A page written with Component() works: data and methods hold the page."""
    run = await run_app({"pages/index/index.js": """
        Component({data: {a: 1}, methods: {
            onLoad: function (q) { console.log('loaded', this.data.a, this.route); }
        }});
    """})
    assert run.logs == ["loaded 1 pages/index/index"]


async def test_error_in_lifecycle_is_reported_and_app_continues(run_app: Any) -> None:
    """An exception in onLoad is an uncaught error with file:line; onShow still runs."""
    run = await run_app({"pages/index/index.js": "Page({\n onLoad: function () {\n"
                                                 "  this.missing.call();\n },\n"
                                                 " onShow: function () { console.log('shown'); }"
                                                 "\n});"})
    assert run.logs == ["shown"]
    [err] = run.errors
    assert (err.error.file, err.error.line) == ("pages/index/index.js", 3)
    assert err.where == "onLoad of pages/index/index"
    assert run.host.error_count == 1


@pytest.mark.parametrize(("files", "kind", "fragment"), [
    ({"app.js": "var a = 1;\nApp({\n  x: ,\n});"}, ScriptError, "app.js:3:"),
    ({"app.js": "\n\nnull.boom;"}, ScriptError, "app.js:3"),
    ({"app.js": "// no App() here"}, PackageError, "app.js: app.js did not call App()"),
])
async def test_load_failures_are_clear(run_app: Any, files: dict, kind: type,
                                       fragment: str) -> None:
    """An app that cannot start raises one error naming the file (and line)."""
    run = await run_app(files, start=False)
    with pytest.raises(kind) as info:
        await run.host.start()
    assert fragment in str(info.value)


@pytest.mark.parametrize(("files", "file", "fragment"), [
    ({"pages/index/index.js": "// forgot Page()"}, "pages/index/index.js",
     "pages/index/index.js did not call Page()"),
    ({"pages/index/index.js": "Page({\n  onLoad() {\n    var x = {;\n  }\n});"},
     "pages/index/index.js:3:", "SyntaxError"),
    ({"pages/index/index.js": None}, "app.json",
     'page "pages/index/index" is listed but pages/index/index.js is missing'),
])
async def test_broken_entry_page_fails_alone(run_app: Any, files: dict, file: str,
                                             fragment: str) -> None:
    """A broken entry page is a load problem naming its file; the app still launches and
    hears onPageNotFound (isEntryPage true), and the run counts as failed."""
    run = await run_app({
        "app.js": """App({onLaunch: function () { console.log('launched'); },
            onPageNotFound: function (r) { console.log('not found', r.path, r.isEntryPage); }});""",
        **files,
    })
    [problem] = run.of(LoadProblem)
    assert problem.file.startswith(file) and fragment in problem.message
    assert run.logs == ["launched", "not found pages/index/index true"]
    assert run.host.error_count == 1
    assert run.errors == []


async def test_broken_page_fails_alone_when_opened(run_app: Any) -> None:
    """Opening a broken page fails as on the platform (not found, onPageNotFound); the
    page's error is reported once; the rest of the app runs."""
    run = await run_app({
        "app.json": {"pages": ["pages/index/index", "pages/b/b", "pages/gone/gone", "pages/ok/ok"]},
        "pages/index/index.js": """
            swan.onPageNotFound(function (r) { console.log('not found', r.path, r.isEntryPage); });
            function log(r) { console.log(r.errCode + ' ' + r.errMsg); }
            Page({onReady: function () {
                swan.navigateTo({url: '/pages/b/b?x=1', fail: log});
                swan.navigateTo({url: '/pages/b/b', fail: log});
                swan.navigateTo({url: '/pages/gone/gone', fail: log});
                swan.navigateTo({url: '/pages/ok/ok', success: function () { console.log('ok opened'); }});
            }});
        """,
        "pages/b/b.js": "Page({\n  x: ,\n});",
        "pages/gone/gone.js": None,
        "pages/ok/ok.js": "Page({});",
    })
    assert run.logs == [
        "not found pages/b/b false", '1001 navigateTo:fail page "pages/b/b" is not found',
        "not found pages/b/b false", '1001 navigateTo:fail page "/pages/b/b" is not found',
        "not found pages/gone/gone false", '1001 navigateTo:fail page "/pages/gone/gone" is not found',
        "ok opened",
    ]
    problems = [(p.file, p.message) for p in run.of(LoadProblem)]
    assert problems[0] == ("app.json", 'page "pages/gone/gone" is listed but pages/gone/gone.js is missing')
    assert problems[1][0].startswith("pages/b/b.js:2:") and "SyntaxError" in problems[1][1]
    assert len(problems) == 2


async def test_call_method_and_navigate_from_host(run_app: Any) -> None:
    """The GUI can tap a page method and press back."""
    run = await run_app({
        "app.json": {"pages": ["pages/index/index", "pages/a/a"]},
        "pages/index/index.js": """Page({go: function (e) {
            console.log('tap', e.type); swan.navigateTo({url: '/pages/a/a'}); }});""",
        "pages/a/a.js": "Page({onUnload: function () { console.log('a unloaded'); }});",
    })
    page_id = run.host.page_stack[0].page_id
    run.host.call_method(page_id, "go")
    await run.idle()
    assert [p.route for p in run.host.page_stack] == ["pages/index/index", "pages/a/a"]
    run.host.navigate("navigateBack")
    await run.idle()
    assert run.logs == ["tap tap", "a unloaded"]
    with pytest.raises(ValueError, match="not a method"):
        run.host.call_method(page_id, "nope")


async def test_rejection_from_async_hook_is_reported(run_app: Any) -> None:
    """An async onLoad that throws after an await is an uncaught error, not silence."""
    run = await run_app({"pages/index/index.js": "Page({\n async onLoad() {\n  await null;\n"
                                                 "  throw new Error('async boom');\n }\n});"})
    [err] = run.errors
    assert "async boom" in err.error.message
    assert err.error.file == "pages/index/index.js" and err.error.line == 4
    assert err.where == "onLoad of pages/index/index (async)"


async def test_page_requiring_a_component_file_keeps_both(run_app: Any) -> None:
    """Page() and Component() count for the file that calls them: a page that requires its
    component's file is still a page, and the component still a component."""
    run = await run_app({
        "pages/index/index.json": {"usingComponents": {"c": "/components/c/c"}},
        "pages/index/index.js": "require('../../components/c/c.js');\n"
                                "Page({onLoad: function () { console.log('page'); }});",
        "components/c/c.js": "Component({attached: function () { console.log('component'); }});",
    })
    assert run.logs == ["page", "component"]
    assert run.warnings == [] and run.errors == []


async def test_set_data_payloads_are_audited_and_capped(run_app: Any) -> None:
    """Past 256 KB setData warns once per page (the devtools audit); past 8 MB the payload
    does not cross to the host, while this.data still changes."""
    run = await run_app({"pages/index/index.js": """
        Page({onLoad: function () {
            this.setData({a: 'x'.repeat(300 * 1024)});
            this.setData({b: 'y'.repeat(300 * 1024)});
            this.setData({c: 'z'.repeat(9 * 1024 * 1024)});
            console.log('c kept', this.data.c.length);
        }});
    """})
    sizes = [sorted(e.changes) for e in run.of(PageDataChanged)]
    assert sizes == [["a"], ["b"]]
    assert run.logs == [f"c kept {9 * 1024 * 1024}"]
    assert len([w for w in run.warnings if "devtools audit" in w]) == 1
    assert any("over the emulator's 8 MB cap" in w for w in run.warnings)
