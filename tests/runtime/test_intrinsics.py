"""The bridge does not rely on globals the app can change."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.flows.events import PageDataChanged, UiRequest

# Everything the bridge's core uses, replaced by something broken.
POLLUTE = """
var broken = function () { throw new Error('polluted'); };
JSON.stringify = broken; JSON.parse = broken;
Array.prototype.toJSON = function () { return 'hijacked'; };
Object.prototype.toJSON = function () { return 'hijacked'; };
['push', 'slice', 'join', 'indexOf', 'splice', 'shift', 'unshift', 'map', 'forEach', 'filter',
 'concat', 'some', 'every'].forEach(function (m) { Array.prototype[m] = broken; });
Function.prototype.apply = broken;
Function.prototype.bind = broken;
Promise.prototype.then = broken;
Promise.resolve = broken;
String.prototype.indexOf = broken; String.prototype.slice = broken;
String.prototype.replace = broken; String.prototype.split = broken;
Map.prototype.get = broken; Map.prototype.set = broken; Map.prototype.has = broken;
Map.prototype.delete = broken;
Object.keys = broken; Object.assign = broken; Object.create = broken;
Date.now = broken;
Uint8Array.fromBase64 = broken; Uint8Array.prototype.toBase64 = broken;
globalThis.String = broken; globalThis.Number = broken; globalThis.Error = broken;
globalThis.console = {log: broken, warn: broken, error: broken};
"""


async def test_an_app_that_breaks_every_intrinsic_cannot_break_the_bridge(run_app: Any) -> None:
    """After the app replaces the built-ins the bridge uses: timers fire, API callbacks run,
    setData crosses intact, toasts show, and the host's own warnings still reach the
    console; no malformed message, no Python traceback."""
    run = await run_app({
        "pages/index/index.js": """
            var log = console.log;
            var page = {
                onLoad: function () {
                    var self = this;
            """ + POLLUTE + """
                    setTimeout(function () {
                        log('timer fired');
                        swan.setStorage({key: 'k', data: {a: [1, 2]}, success: function () {
                            log('storage ok ' + (typeof swan.getStorageSync('k')));
                        }});
                        self.setData({list: [1, 2, 3], nested: {x: 'y'}});
                        swan.showToast({title: 'still here'});
                        swan.getStorage({key: 'missing'});  // unheard failure: a host warning
                    }, 1);
                }
            };
            Page(page);
        """,
    })
    assert "timer fired" in run.logs
    assert "storage ok object" in run.logs
    changes = [e.changes for e in run.of(PageDataChanged)]
    assert {"list": [1, 2, 3], "nested": {"x": "y"}} in changes
    assert [e.options["title"] for e in run.of(UiRequest) if e.kind == "showToast"] == ["still here"]
    assert any("swan.getStorage failed" in w for w in run.warnings)
    assert not [e for e in run.errors if "bridge" in (e.where or "")]


async def test_a_console_message_is_capped(run_app: Any) -> None:
    """A 1 MB console.log reaches the host cut to 64 KiB, saying how much was cut."""
    run = await run_app({"pages/index/index.js": "console.log('x'.repeat(1024 * 1024)); Page({});"})
    [text] = run.logs
    assert text.startswith("x" * 1000)
    assert len(text) < 64 * 1024 + 200
    assert f"[{1024 * 1024 - 64 * 1024} more characters cut" in text


@pytest.mark.parametrize("garbage", ["'not json'", "[1, 2]", "{\"a\": 1}",
                                     "\x01socket.send\x01\u00b2\x01x", "\x01a\x01b"])
async def test_a_malformed_outbox_is_reported_not_raised(run_app: Any, garbage: str) -> None:
    """If JS hands the bridge something that is not [op, id, args] (or texts in the plain
    form), it is one reported error; the host keeps running."""
    run = await run_app({"pages/index/index.js": "Page({});"})
    rt = run.host.runtime
    rt._handle(garbage)
    rt._handle(garbage)
    assert [e.where for e in run.errors] == ["bridge"]
    assert rt.evaluate("1 + 1") == "2"


async def test_options_json_cannot_carry_fail_that_call_only(run_app: Any) -> None:
    """A BigInt or a cycle in an API's options fails that call (904) once; the bridge keeps
    working for everything after it."""
    run = await run_app({"pages/index/index.js": """
        var fs = swan.getFileSystemManager();
        var cyclic = {}; cyclic.self = cyclic;
        setTimeout(function () {
            fs.writeFile({filePath: swan.env.USER_DATA_PATH + '/a', data: 10n,
                          fail: function (e) { console.log(e.errCode, e.errMsg); }});
            fs.writeFile({filePath: swan.env.USER_DATA_PATH + '/b', data: cyclic,
                          fail: function (e) { console.log(e.errCode, e.errMsg); }});
            setTimeout(function () { console.log('still alive'); }, 1);
        }, 1);
        Page({});
    """})
    assert run.logs == [
        "904 writeFile:fail parameter error: the options cannot be sent (TypeError: BigInt are "
        "forbidden in JSON.stringify)",
        "904 writeFile:fail parameter error: the options cannot be sent (TypeError: circular "
        "reference)",
        "still alive",
    ]


async def test_a_lone_surrogate_crosses_the_bridge(run_app: Any) -> None:
    """A string with a lone surrogate (not valid UTF-8) reaches JS intact in an answer."""
    run = await run_app({"pages/index/index.js": """
        swan.request({url: 'https://api.demo.test/echo\\ud800',
                      fail: function (e) { console.log(e.errCode, e.errMsg.length, e.errMsg.indexOf('echo\\ud800') >= 0); },
                      complete: function () { console.log('complete'); }});
        Page({});
    """})
    assert run.logs[1:] == ["complete"]
    code, _length, tail = run.logs[0].split(" ")
    assert code == "904" and tail == "true"
