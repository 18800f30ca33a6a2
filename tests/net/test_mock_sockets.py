"""WebSocket mocks: scripted servers on 127.0.0.1 the app's socket really connects to;
what the script sends, replies, delays, closes and drops reaches the app and the flow."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from emulator.flows.flow import SocketState
from emulator.flows.har import make_har
from tests.conftest import WS_DOMAIN, DemoServer
from tests.net.mock_helpers import with_mocks
from tests.swan.test_socket import of, page

WS = f"wss://{WS_DOMAIN}"
SCRIPT = {
    "onOpen": [{"send": "welcome"}, {"send": {"json": {"kind": "hello", "n": 1}}}],
    "onMessage": [
        {"match": "^ping$", "do": [{"send": "pong"}]},
        {"match": "^later$", "do": [{"wait": 200}, {"send": "done waiting"},
                                    {"close": {"code": 1000, "reason": "done"}}]},
        {"match": "^bytes$", "do": [{"send": {"binary": base64.b64encode(b"\x00\x01\x02").decode()}}]},
        {"match": "^echo", "do": [{"send": {"template": {"got": "{{message}}"}}}]},
        {"match": "^bye$", "do": [{"close": {"code": 4001, "reason": "scripted bye"}}]},
        {"match": "^cut$", "do": [{"drop": True}]},
    ],
}
APP = """
var t = watch('s', swan.connectSocket({url: '%s/room', fail: function (e) { log('s', 'fail', e.errCode, e.errMsg); }}));
var steps = %s;
t.onOpen(function () { steps.forEach(function (m) { t.send({data: m}); }); });
"""


async def run_script(run_app: Any, demo: DemoServer, tmp_path: Path, steps: list[str],
                     script: dict[str, Any] = SCRIPT) -> Any:
    settings = with_mocks(demo, [{"name": "room", "api": "connectSocket", "url": f"{WS}/room",
                                  "socket": script}], tmp_path)
    import json

    return await run_app(page(APP % (WS, json.dumps(steps))), settings)


async def test_open_reply_timed_and_close(run_app: Any, demo_server: DemoServer,
                                          tmp_path: Path) -> None:
    """On open the script's frames arrive; messages get their replies (text, binary, a
    template, after a wait); close carries the scripted code and reason; all recorded."""
    run = await run_script(run_app, demo_server, tmp_path,
                           ["ping", "bytes", "echo this", "unknown", "later"])
    events = of(run, "s")
    messages = [e[1] for e in events if e[0] == "message"]
    assert messages[:2] == ["welcome", '{"kind": "hello", "n": 1}']
    assert messages[2:] == ["pong", {"bytes": 3}, '{"got": "echo this"}', "done waiting"]
    assert events[-1] == ["close", 1000, "done", 3]
    [flow] = run.host.flows
    assert flow.mocked == "room" and flow.connected_to.startswith("127.0.0.1:")
    assert [f.text for f in flow.frames if f.direction == "receive"][:3] == \
        ["welcome", '{"kind": "hello", "n": 1}', "pong"]
    assert flow.frames_sent == 5
    closer = await run_script(run_app, demo_server, tmp_path, ["bye"])
    assert of(closer, "s")[-1] == ["close", 4001, "scripted bye", 3]
    [closed] = closer.host.flows
    assert closed.close_code == 4001 and closed.closed_by == "server"
    [entry] = make_har(closer.host.flows)["log"]["entries"]
    assert entry["_mocked"] == "room" and entry["_webSocketClose"]["code"] == 4001


async def test_drop_is_an_abnormal_close(run_app: Any, demo_server: DemoServer,
                                         tmp_path: Path) -> None:
    """drop cuts TCP without a close frame: the app sees 1006, the flow says network."""
    run = await run_script(run_app, demo_server, tmp_path, ["ping", "cut"])
    events = of(run, "s")
    assert ["message", "pong"] in events
    assert events[-1][:2] == ["close", 1006]
    [flow] = run.host.flows
    assert flow.state is SocketState.CLOSED and flow.closed_by == "network"


async def test_socket_failures_and_timed_send(run_app: Any, demo_server: DemoServer,
                                              tmp_path: Path) -> None:
    """A failing socket rule fails connectSocket as the real failure does (then onError,
    onClose 1006); "after T ms send Z" is a wait then a send."""
    settings = with_mocks(demo_server, [
        {"name": "tls", "api": "connectSocket", "url": f"{WS}/tls", "fail": "tls"},
        {"name": "refused", "api": "connectSocket", "url": f"{WS}/refused", "fail": "notInDomainList"},
        {"name": "tick", "api": "connectSocket", "url": f"{WS}/tick",
         "socket": {"onOpen": [{"wait": 150}, {"send": "tick"}, {"close": {"code": 1000, "reason": ""}}]}},
    ], tmp_path)
    run = await run_app(page(f"""
        ['tls', 'refused', 'tick'].forEach(function (name) {{
            watch(name, swan.connectSocket({{url: '{WS}/' + name,
                fail: function (e) {{ log(name, 'fail', e.errCode, e.errMsg); }}}}));
        }});
    """), settings)
    real = await run_app(page(f"""
        watch('tls', swan.connectSocket({{url: '{WS}/echo',
            fail: function (e) {{ log('tls', 'fail', e.errCode, e.errMsg); }}}}));
        watch('refused', swan.connectSocket({{url: 'wss://other.example.com/',
            fail: function (e) {{ log('refused', 'fail', e.errCode, e.errMsg); }}}}));
    """), demo_server.settings(ca_file=None))
    for name in ("tls", "refused"):
        assert of(run, name) == of(real, name), name
    assert of(run, "tls")[0][:2] == ["fail", 1001]
    assert of(run, "tls")[-1][:2] == ["close", 1006]
    tick = of(run, "tick")
    assert ["message", "tick"] in tick and tick[-1][:2] == ["close", 1000]
    flow = next(f for f in run.host.flows if f.mocked == "tick")
    [frame] = [f for f in flow.frames if f.direction == "receive"]
    assert frame.timestamp - flow.timings.first_byte >= 0.14
