"""WebSockets against real WSS servers on 127.0.0.1 (trustme CA, host mapping)."""

from __future__ import annotations

import json
from typing import Any

from emulator.config import Settings
from emulator.flows.events import (
    FlowStarted,
    SocketClosed,
    SocketFailed,
    SocketFrameEvent,
    SocketOpened,
)
from emulator.flows.flow import SocketFlow, SocketState
from emulator.net.policy import Verdict
from tests.conftest import WS_DOMAIN, DemoServer, Run

WS = f"wss://{WS_DOMAIN}"

HELPERS = """
function log() { console.log(JSON.stringify(Array.prototype.slice.call(arguments))); }
function watch(label, task) {
    task.onOpen(function (r) { log(label, 'open', task.readyState); });
    task.onMessage(function (m) {
        log(label, 'message', typeof m.data === 'string' ? m.data : {bytes: Array.from(new Uint8Array(m.data)).length});
    });
    task.onError(function (e) { log(label, 'error', e.errMsg); });
    task.onClose(function (c) { log(label, 'close', c.code, c.reason, task.readyState); });
    return task;
}
function cb(label) {
    return {success: function (r) { log(label, 'success', r.errMsg); },
            fail: function (r) { log(label, 'fail', r.errCode, r.errMsg); }};
}
"""


def lines(run: Run) -> list[list[Any]]:
    return [json.loads(line) for line in run.logs if line.startswith("[")]


def of(run: Run, label: str) -> list[list[Any]]:
    return [line[1:] for line in lines(run) if line[0] == label]


def page(js: str) -> dict[str, Any]:
    return {"pages/index/index.js": HELPERS + js + "\nPage({});"}


async def test_task_methods_events_and_states(run_app: Any, demo_server: DemoServer) -> None:
    """connect -> success (OPEN) -> onOpen -> send -> onMessage -> close -> onClose."""
    run = await run_app(page(f"""
        var t = swan.connectSocket({{url: '{WS}/echo', success: function (r) {{
            log('connect', r.errMsg, r.socketTaskId, t.readyState); }}}});
        log('sync', typeof t.socketTaskId, t.readyState, t.CONNECTING, t.OPEN, t.CLOSING, t.CLOSED);
        t.onOpen(function (r) {{
            log('open', t.readyState, typeof r.header);
            t.send({{data: 'hi', success: function (r) {{ log('sent', r.errMsg); }}}});
            t.send({{data: new Uint8Array([1, 2, 3]).buffer}});
        }});
        var got = 0;
        t.onMessage(function (m) {{
            got++;
            log('message', typeof m.data === 'string' ? m.data : Array.from(new Uint8Array(m.data)));
            if (got === 2) t.close({{code: 4001, reason: 'bye', success: function (r) {{ log('closed-call', r.errMsg); }}}});
            if (got === 2) log('closing', t.readyState);
        }});
        t.onClose(function (c) {{ log('close', c.code, c.reason, t.readyState); }});
    """), demo_server.settings())
    seq = lines(run)
    assert ["sync", "number", 0, 0, 1, 2, 3] in seq
    assert ["connect", "connectSocket:ok", 1, 1] in seq  # success once the socket is open
    assert ["open", 1, "object"] in seq
    assert ["sent", "send:ok"] in seq
    assert [s for s in seq if s[0] == "message"] == [["message", "hi"], ["message", [1, 2, 3]]]
    assert ["closing", 2] in seq
    assert ["close", 4001, "bye", 3] in seq
    [flow] = [f for f in run.host.flows if isinstance(f, SocketFlow)]
    assert flow.state is SocketState.CLOSED and flow.closed_by == "client"
    assert (flow.frames_sent, flow.frames_received) == (2, 2)
    assert [f.direction for f in flow.frames] == ["send", "send", "receive", "receive"]
    assert flow.response_headers and flow.connected_to == f"127.0.0.1:{demo_server.ws.port}"


async def test_round_trips_exact(run_app: Any, demo_server: DemoServer) -> None:
    """0 B, 1 B, 1 MiB and all 256 byte values (NUL included), text and binary."""
    run = await run_app(page(f"""
        var t = swan.connectSocket({{url: '{WS}/echo'}});
        var all = new Uint8Array(256); for (var i = 0; i < 256; i++) all[i] = i;
        var big = new Uint8Array(1024 * 1024); for (var j = 0; j < big.length; j++) big[j] = (j * 31) & 255;
        var bigText = new Array(1024 * 1024 + 1).join('x');
        var sent = [new ArrayBuffer(0), new Uint8Array([0]).buffer, all.buffer, big.buffer,
                    '', 'a', 'nul\\u0000inside', '中文 ✓ \\ud83d\\ude00', bigText];
        t.onOpen(function () {{ sent.forEach(function (d) {{ t.send({{data: d}}); }}); }});
        var k = 0;
        t.onMessage(function (m) {{
            var want = sent[k++], ok;
            if (typeof want === 'string') ok = m.data === want;
            else {{
                var a = new Uint8Array(m.data), b = new Uint8Array(want);
                ok = m.data instanceof ArrayBuffer && a.length === b.length && a.every(function (v, i) {{ return v === b[i]; }});
            }}
            log('rt', k, ok, typeof m.data === 'string' ? m.data.length : m.data.byteLength);
            if (k === sent.length) t.close({{}});
        }});
    """), demo_server.settings(script_time_limit=20))
    got = of(run, "rt")
    assert [g[1] for g in got] == [True] * 9, got
    assert [g[2] for g in got] == [0, 1, 256, 1024 * 1024, 0, 1, 10, 7, 1024 * 1024]


async def test_order_of_10000_frames(run_app: Any, demo_server: DemoServer) -> None:
    """10,000 frames pipelined come back in order, and are recorded in order."""
    run = await run_app(page(f"""
        var t = swan.connectSocket({{url: '{WS}/echo'}});
        var N = 10000, next = 0, bad = 0;
        t.onOpen(function () {{ for (var i = 0; i < N; i++) t.send({{data: String(i)}}); }});
        t.onMessage(function (m) {{
            if (m.data !== String(next)) bad++;
            next++;
            if (next === N) {{ log('done', next, bad); t.close({{}}); }}
        }});
    """), demo_server.settings(script_time_limit=20))
    assert of(run, "done") == [[10000, 0]]
    [flow] = [f for f in run.host.flows if isinstance(f, SocketFlow)]
    received = [f.text for f in flow.frames if f.direction == "receive"]
    assert received == [str(i) for i in range(10000)]


async def test_a_burst_over_the_write_buffer_keeps_order_and_answers_each_send_once(
        run_app: Any, demo_server: DemoServer) -> None:
    """Frames sent in one entry go out in order, those past the transport's room through
    the writer; each send's success comes once, in order, and every echo comes back."""
    run = await run_app(page(f"""
        var t = swan.connectSocket({{url: '{WS}/echo'}});
        var N = 300, big = new Array(2048).join('b'), answered = [], next = 0, bad = 0;
        t.onOpen(function () {{
            for (var i = 0; i < N; i++) {{
                (function (i) {{
                    t.send({{data: i % 3 ? String(i) : i + big,
                             success: function () {{ answered.push(i); }}}});
                }})(i);
            }}
        }});
        t.onMessage(function (m) {{
            if (m.data.split('b')[0] !== String(next)) bad++;
            if (++next === N) t.close({{}});
        }});
        t.onClose(function () {{
            var inOrder = answered.every(function (v, k) {{ return v === k; }});
            log('done', next, bad, answered.length, inOrder);
        }});
    """), demo_server.settings(script_time_limit=20))
    [done] = of(run, "done")
    assert done[1:] == [0, 300, True]
    assert done[0] == 300
    [flow] = [f for f in run.host.flows if isinstance(f, SocketFlow)]
    sent = [f.text.split("b")[0] for f in flow.frames if f.direction == "send"]
    assert sent == [str(i) for i in range(300)]


async def test_close_codes_both_ways_and_abrupt_drop(run_app: Any, demo_server: DemoServer) -> None:
    """Server-chosen code and reason reach onClose; a dropped connection is 1006."""
    run = await run_app(page(f"""
        var s = watch('server', swan.connectSocket({{url: '{WS}/close?code=4002&reason=server%20bye'}}));
        s.onOpen(function () {{ s.send({{data: 'x'}}); }});
        var d = watch('drop', swan.connectSocket({{url: '{WS}/drop'}}));
        d.onOpen(function () {{ d.send({{data: 'x'}}); }});
        var c = watch('client', swan.connectSocket({{url: '{WS}/echo'}}));
        c.onOpen(function () {{ c.close({{code: 1000, reason: ''}}); }});
    """), demo_server.settings())
    assert of(run, "server")[-1] == ["close", 4002, "server bye", 3]
    assert of(run, "drop")[-1] == ["close", 1006, "", 3]
    assert of(run, "client")[-1] == ["close", 1000, "", 3]
    by = {f.url.split("/")[-1].split("?")[0]: f for f in run.host.flows if isinstance(f, SocketFlow)}
    assert (by["close"].closed_by, by["drop"].closed_by, by["echo"].closed_by) == \
        ("server", "network", "client")


async def test_close_and_send_validation(run_app: Any, demo_server: DemoServer) -> None:
    """Bad codes and over-long reasons fail and the socket stays open; send needs OPEN."""
    run = await run_app(page(f"""
        var t = swan.connectSocket({{url: '{WS}/echo'}});
        t.send(cb('early'));
        t.onOpen(function () {{
            t.close(Object.assign({{code: 999}}, cb('c999')));
            t.close(Object.assign({{code: 1005}}, cb('c1005')));
            t.close(Object.assign({{code: 2500}}, cb('c2500')));
            t.close(Object.assign({{code: 1000, reason: new Array(43).join('中')}}, cb('r126')));
            t.send(Object.assign({{data: 42}}, cb('number')));
            log('still', t.readyState);
            t.close(Object.assign({{code: 3000, reason: new Array(42).join('中')}}, cb('r123')));
        }});
        t.onClose(function () {{ t.send(cb('after')); t.close(cb('close-after')); }});
    """), demo_server.settings())
    seq = {line[0]: line[1:] for line in lines(run)}
    not_open = [1001, "send:fail SocketTask.readyState is not OPEN"]
    assert seq["early"] == ["fail", *not_open]
    for label in ("c999", "c1005", "c2500"):
        assert seq[label][0:2] == ["fail", 904] and "invalid close code" in seq[label][2]
    assert seq["r126"][0:2] == ["fail", 904] and "123 bytes" in seq["r126"][2]
    assert seq["number"][0:2] == ["fail", 904]
    assert seq["still"] == [1]
    assert seq["r123"] == ["success", "close:ok"]
    assert seq["after"] == ["fail", *not_open]
    assert seq["close-after"] == ["fail", 1001, "close:fail SocketTask.readyState is not OPEN"]


async def test_refused_sockets(run_app: Any, demo_server: DemoServer) -> None:
    """Domains not on the socket list, ws://, ports: connectSocket fails, nothing connects."""
    run = await run_app(page(f"""
        var a = swan.connectSocket(Object.assign({{url: 'wss://evil.example.com/chat'}}, cb('other')));
        swan.connectSocket(Object.assign({{url: 'ws://{WS_DOMAIN}/echo'}}, cb('ws')));
        swan.connectSocket(Object.assign({{url: '{WS}:443/echo'}}, cb('port')));
        swan.connectSocket(Object.assign({{url: 'https://{WS_DOMAIN}/echo'}}, cb('https')));
        swan.connectSocket(Object.assign({{}}, cb('nourl')));
        setTimeout(function () {{ log('state', a.readyState); }}, 20);
    """), demo_server.settings())
    seq = {line[0]: line[1:] for line in lines(run)}
    assert seq["other"] == ["fail", 1001, "connectSocket:fail url not in domain list"]
    assert seq["ws"] == ["fail", 1001, "connectSocket:fail url scheme is invalid"]
    assert seq["port"] == ["fail", 1001, "connectSocket:fail url must not contain a port"]
    assert seq["https"] == ["fail", 1001, "connectSocket:fail url scheme is invalid"]
    assert seq["nourl"][0:2] == ["fail", 904]
    assert seq["state"] == [3]
    failed = run.of(SocketFailed)
    assert len(failed) == 4 and all(e.flow.verdict.label == "refused" for e in failed)


async def test_sixth_socket_fails(run_app: Any, demo_server: DemoServer) -> None:
    """At most 5 sockets at once (base library >= 1.9.4): the 6th fails clearly."""
    run = await run_app(page(f"""
        var tasks = [];
        for (var i = 0; i < 6; i++) tasks.push(swan.connectSocket(Object.assign({{url: '{WS}/echo'}}, cb('s' + i))));
        setTimeout(function () {{
            log('states', tasks.map(function (t) {{ return t.readyState; }}));
            swan.closeSocket(cb('closeall'));
        }}, 300);
    """), demo_server.settings())
    seq = {line[0]: line[1:] for line in lines(run)}
    assert all(seq[f"s{i}"] == ["success", "connectSocket:ok"] for i in range(5))
    assert seq["s5"] == ["fail", 1001, "connectSocket:fail exceed max socket count 5"]
    assert seq["states"] == [[1, 1, 1, 1, 1, 3]]
    assert seq["closeall"] == ["success", "closeSocket:ok"]
    closed = [f for f in run.host.flows if isinstance(f, SocketFlow) and f.state is SocketState.CLOSED]
    assert len(closed) == 5


async def test_base_version_below_194_keeps_one_socket(run_app: Any, demo_server: DemoServer) -> None:
    """Before 1.9.4 a new connectSocket closes the existing socket first."""
    run = await run_app(page(f"""
        log('canIUse', typeof swan.canIUse, swan.getSystemInfoSync().SDKVersion);
        var first = watch('first', swan.connectSocket({{url: '{WS}/echo'}}));
        first.onOpen(function () {{
            var second = watch('second', swan.connectSocket({{url: '{WS}/echo'}}));
            second.onOpen(function () {{ second.close({{}}); }});
        }});
    """), demo_server.settings(base_version="1.9.3"))
    assert of(run, "canIUse") == [["undefined", "1.9.3"]]  # canIUse itself came in 1.10.13
    assert of(run, "first")[-1][0:2] == ["close", 1000]
    assert of(run, "second")[-1][0:2] == ["close", 1000]
    modern = await run_app(page("log('canIUse', swan.canIUse('SocketTask'));"),
                           demo_server.settings(base_version="1.10.13"))
    assert of(modern, "canIUse") == [[True]]


async def test_global_functions_follow_the_current_socket(run_app: Any,
                                                          demo_server: DemoServer) -> None:
    """onSocket* and sendSocketMessage act on the first socket, then on the next once it
    closes; closeSocket closes all."""
    run = await run_app(page(f"""
        swan.onSocketOpen(function () {{ log('g-open'); }});
        swan.onSocketMessage(function (m) {{ log('g-message', m.data); }});
        swan.onSocketClose(function (c) {{ log('g-close', c.code); }});
        swan.sendSocketMessage(cb('none-yet'));
        var a = watch('a', swan.connectSocket({{url: '{WS}/echo'}}));
        var b = watch('b', swan.connectSocket({{url: '{WS}/echo'}}));
        var opened = 0;
        function bothOpen() {{
            if (++opened < 2) return;
            swan.sendSocketMessage({{data: 'to-current'}});
            b.send({{data: 'to-b'}});
        }}
        a.onOpen(bothOpen); b.onOpen(bothOpen);
        a.onMessage(function () {{ a.close({{}}); }});
        a.onClose(function () {{
            swan.sendSocketMessage({{data: 'to-b-now'}});
        }});
        var bmsgs = 0;
        b.onMessage(function () {{ if (++bmsgs === 2) swan.closeSocket({{code: 4000}}); }});
    """), demo_server.settings())
    seq = lines(run)
    assert ["none-yet", "fail", 1001, "sendSocketMessage:fail WebSocket is not connected"] in seq
    assert [s for s in seq if s[0] == "g-open"] == [["g-open"]]  # only a's open
    globals_ = [s for s in seq if s[0].startswith("g-")]
    assert ["g-message", "to-current"] in globals_ and ["g-message", "to-b"] not in globals_
    assert ["g-message", "to-b-now"] in globals_  # b became current when a closed
    assert [s for s in globals_ if s[0] == "g-close"] == [["g-close", 1000], ["g-close", 4000]]
    assert of(run, "b")[-1][0:2] == ["close", 4000]


async def test_tls_failure_is_an_error_then_close(run_app: Any, demo_server: DemoServer) -> None:
    """An untrusted certificate: onError with ssl, then onClose 1006; the flow failed."""
    run = await run_app(page(f"watch('t', swan.connectSocket({{url: '{WS}/echo'}}));"),
                        demo_server.settings(ca_file=None))
    events = of(run, "t")
    assert events[0][0] == "error" and "ssl" in events[0][1]
    assert events[-1] == ["close", 1006, "", 3]
    [failed] = run.of(SocketFailed)
    assert failed.flow.state is SocketState.FAILED


async def test_socket_flow_events_in_order(run_app: Any, demo_server: DemoServer) -> None:
    """FlowStarted, SocketOpened, frames both ways, SocketClosed."""
    run = await run_app(page(f"""
        var t = swan.connectSocket({{url: '{WS}/binary?count=3&size=5'}});
        var n = 0;
        t.onMessage(function () {{ if (++n === 3) t.close({{}}); }});
    """), demo_server.settings())
    kinds = [type(e).__name__ for e in run.events
             if isinstance(e, (FlowStarted, SocketOpened, SocketFrameEvent, SocketClosed))]
    assert kinds == ["FlowStarted", "SocketOpened", "SocketFrameEvent", "SocketFrameEvent",
                     "SocketFrameEvent", "SocketClosed"]
    frames = [e.frame for e in run.of(SocketFrameEvent)]
    assert [f.opcode for f in frames] == [2, 2, 2] and frames[1].data == bytes([1, 2, 3, 4, 5])


def test_frame_buffer_is_bounded_with_counts_kept() -> None:
    """Old frames are dropped past the cap; counts and byte totals stay exact."""
    flow = SocketFlow(url="wss://x.test/", verdict=Verdict(True, True), max_frames=100)
    for i in range(250):
        flow.add_frame("receive" if i % 2 else "send", str(i))
    assert len(flow.frames) == 100 and flow.frames_dropped == 150
    assert flow.frames_sent == 125 and flow.frames_received == 125
    assert flow.frames[0].text == "150" and flow.frames[-1].text == "249"


async def test_app_idle_waits_for_open_sockets(run_app: Any, demo_server: DemoServer) -> None:
    """An open socket keeps the app busy; closing it lets the run end."""
    run = await run_app(page(f"""
        var t = swan.connectSocket({{url: '{WS}/echo'}});
        t.onOpen(function () {{ setTimeout(function () {{ t.close({{}}); }}, 200); }});
        t.onClose(function () {{ log('closed'); }});
    """), demo_server.settings())
    assert of(run, "closed") == [[]]


async def test_settings_default_is_modern(run_app: Any) -> None:
    """The default base version allows several sockets."""
    run = await run_app(page("log('v', swan.canIUse('SocketTask'));"), Settings())
    assert of(run, "v") == [[True]]


async def test_a_batch_that_cannot_be_written_fails_each_send_once(
        run_app: Any, demo_server: DemoServer, monkeypatch: Any) -> None:
    """If writing a drain's frames raises something unforeseen, each of those sends gets
    its fail (the generic reason) and complete, once; the app goes on."""
    from emulator.swan.socket import connection

    def broken(ws: Any, frames: Any) -> int:
        raise RuntimeError("library surprise")

    monkeypatch.setattr(connection, "write_now", broken)
    run = await run_app(page(f"""
        var t = swan.connectSocket({{url: '{WS}/echo'}});
        t.onOpen(function () {{
            ['a', 'b'].forEach(function (d) {{
                t.send({{data: d, success: function () {{ log(d, 'success'); }},
                         fail: function (e) {{ log(d, 'fail', e.errMsg); }},
                         complete: function () {{ log(d, 'complete'); }}}});
            }});
            t.close({{}});
        }});
    """), demo_server.settings())
    for label in ("a", "b"):
        assert of(run, label) == [["fail", "send:fail execution failed"], ["complete"]]


def count_queued(monkeypatch: Any) -> list[int]:
    """Count the messages the app's sockets take from websockets' own queue rather than
    being handed them as they are parsed; the list holds one item per message queued."""
    from emulator.swan.socket.connection import SocketConnection

    queued: list[int] = []
    received = SocketConnection._received

    def counting(self: SocketConnection, ws: Any, message: str | bytes) -> None:
        queued.append(1)
        received(self, ws, message)

    monkeypatch.setattr(SocketConnection, "_received", counting)
    return queued


async def test_ping_pong_messages_are_handed_over_as_parsed_once_each(
        run_app: Any, demo_server: DemoServer, monkeypatch: Any) -> None:
    """Each echo of a ping-pong reaches onMessage once, in order, without waiting in
    websockets' queue for a task switch (issue 14)."""
    queued = count_queued(monkeypatch)
    run = await run_app(page(f"""
        var t = swan.connectSocket({{url: '{WS}/echo'}});
        var next = 0, got = [];
        t.onOpen(function () {{ t.send({{data: 'p0'}}); }});
        t.onMessage(function (m) {{
            got.push(m.data);
            if (++next < 300) t.send({{data: 'p' + next}});
            else {{ log('got', got.length, got.every(function (d, i) {{ return d === 'p' + i; }}));
                   t.close({{}}); }}
        }});
    """), demo_server.settings(script_time_limit=20))
    assert of(run, "got") == [[300, True]]
    assert queued == []
    [flow] = [f for f in run.host.flows if isinstance(f, SocketFlow)]
    assert [f.text for f in flow.frames if f.direction == "receive"] == \
        [f"p{i}" for i in range(300)]


async def test_a_message_never_overtakes_those_waiting_in_websockets_queue(
        run_app: Any, demo_server: DemoServer, monkeypatch: Any) -> None:
    """While messages wait in websockets' queue (every 20th is declined, as a weak link
    declines them), those parsed after them queue behind them: 300 frames of 20 kB (often
    several per read) arrive in order, each once."""
    from emulator.swan.socket.connection import SocketConnection

    queued = count_queued(monkeypatch)
    deliver = SocketConnection._deliver
    calls, declined = [0], [0]

    def decline_some(self: SocketConnection, message: str | bytes) -> bool:
        calls[0] += 1
        if calls[0] % 20 == 1:
            declined[0] += 1
            return False
        return deliver(self, message)

    monkeypatch.setattr(SocketConnection, "_deliver", decline_some)
    run = await run_app(page(f"""
        var t = swan.connectSocket({{url: '{WS}/binary?count=300&size=20000'}});
        var next = 0, bad = 0;
        t.onMessage(function (m) {{
            var b = new Uint8Array(m.data);
            if (b.length !== 20000 || b[0] !== next % 256 || b[1] !== (next + 1) % 256) bad++;
            if (++next === 300) {{ log('done', next, bad); t.close({{}}); }}
        }});
    """), demo_server.settings(script_time_limit=20))
    assert of(run, "done") == [[300, 0]]
    assert len(queued) > declined[0] > 0  # frames parsed after a declined one queued too
    assert len(queued) < 300  # the others were handed over, the queue being empty


async def test_a_failure_handing_a_message_over_leaves_it_to_the_queue(
        run_app: Any, demo_server: DemoServer, monkeypatch: Any) -> None:
    """If handing a message over raises (a bug), the message still reaches the app once,
    through websockets' queue, and the socket goes on."""
    from emulator.swan.socket.connection import SocketConnection

    queued = count_queued(monkeypatch)
    deliver = SocketConnection._deliver
    failed = [0]

    def fail_once(self: SocketConnection, message: str | bytes) -> bool:
        if not failed[0]:
            failed[0] = 1
            raise RuntimeError("bug")
        return deliver(self, message)

    monkeypatch.setattr(SocketConnection, "_deliver", fail_once)
    run = await run_app(page(f"""
        var t = swan.connectSocket({{url: '{WS}/echo'}});
        var got = [];
        t.onOpen(function () {{ t.send({{data: 'a'}}); }});
        t.onMessage(function (m) {{
            got.push(m.data);
            if (got.length === 1) t.send({{data: 'b'}});
            else {{ log('got', got); t.close({{}}); }}
        }});
    """), demo_server.settings())
    assert of(run, "got") == [[["a", "b"]]]
    assert failed[0] == 1 and len(queued) == 1


async def test_a_lone_text_message_crosses_as_a_plain_string_exactly(
        run_app: Any, demo_server: DemoServer, monkeypatch: Any) -> None:
    """Text messages that arrive one at a time enter JS as plain strings (no JSON text),
    and the app reads exactly what was sent: empty, NUL, CJK, emoji, 70 kB; a text holding
    the plain form's separator (U+0001) goes as JSON and arrives the same."""
    from emulator.runtime.bridge import Runtime

    plain: list[str] = []
    enter_plain = Runtime.enter_plain

    def spy(self: Runtime, entry: str, a: int | str, b: int | str) -> bool:
        plain.append(entry)
        return enter_plain(self, entry, a, b)

    monkeypatch.setattr(Runtime, "enter_plain", spy)
    run = await run_app(page(f"""
        var t = swan.connectSocket({{url: '{WS}/echo'}});
        var sent = ['', 'nul\\u0000inside', 'soh\\u0001inside', '中文 ✓', '\\ud83d\\ude00',
                    new Array(70001).join('x'), 'end'];
        var k = 0, ok = [];
        t.onOpen(function () {{ t.send({{data: sent[0]}}); }});
        t.onMessage(function (m) {{
            ok.push(m.data === sent[k]);
            if (++k < sent.length) t.send({{data: sent[k]}});
            else {{ log('ok', ok); t.close({{}}); }}
        }});
    """), demo_server.settings())
    assert of(run, "ok") == [[[True] * 7]]
    assert plain.count("socketMessages") == 6


async def test_a_burst_of_texts_enters_js_joined_in_order(
        run_app: Any, demo_server: DemoServer, monkeypatch: Any) -> None:
    """The echoes of a 300-frame burst enter JS as plain strings, those holding U+0001 as
    JSON between them, and the app gets each once, in order."""
    from emulator.runtime.bridge import Runtime

    joined: list[int] = []
    entered: list[str] = []
    enter_plain, enter = Runtime.enter_plain, Runtime.enter

    def spy_plain(self: Runtime, entry: str, a: int | str, b: int | str) -> bool:
        if entry == "socketMessages":
            joined.append(str(b).count("\x01") + 1)
        return enter_plain(self, entry, a, b)

    def spy(self: Runtime, entry: str, payload: Any = None, **kwargs: Any) -> Any:
        entered.append(entry)
        return enter(self, entry, payload, **kwargs)

    monkeypatch.setattr(Runtime, "enter_plain", spy_plain)
    monkeypatch.setattr(Runtime, "enter", spy)
    run = await run_app(page(f"""
        var t = swan.connectSocket({{url: '{WS}/echo'}});
        var sent = [], got = [];
        for (var i = 0; i < 300; i++) sent.push(i % 50 === 7 ? 'soh\\u0001' + i : 'm' + i);
        t.onOpen(function () {{ for (var i = 0; i < 300; i++) t.send({{data: sent[i]}}); }});
        t.onMessage(function (m) {{
            got.push(m.data);
            if (got.length === 300) {{ log('same', got.join() === sent.join()); t.close({{}}); }}
        }});
    """), demo_server.settings(script_time_limit=20))
    assert of(run, "same") == [[True]]
    assert sum(joined) >= 300 - 6  # (how many per read is the network's business)
    assert entered.count("socketEvents") >= 1  # the U+0001 ones


async def test_queued_events_enter_as_plain_runs_with_json_between_in_order() -> None:
    """Each run of one socket's text messages enters JS as one plain string; the other
    events (another socket's, binary, a close, a text holding U+0001) as JSON between
    them, and a run that cannot cross plain (a lone surrogate) as JSON: in order, once."""
    import ssl

    from emulator.flows.bus import EventBus
    from emulator.net.hosts import HostMap
    from emulator.net.policy import DomainPolicy
    from emulator.runtime.bridge import Runtime
    from emulator.swan.socket.service import SocketService

    bus = EventBus()
    rt = Runtime(bus)
    service = SocketService(rt, bus, policy=DomainPolicy, hosts=HostMap(),
                            ssl_context=lambda _verify: ssl.create_default_context(),
                            timeout_ms=1000, app_key=None)
    rt.run_script("record.js", """var seen = [], H = __swan_host__;
        H.entries.socketMessages = function (task, joined) { seen.push(['plain', task, joined]); };
        H.entries.socketEvents = function (events) {
            seen.push(['json'].concat(events.map(function (e) {
                return [e.task, e.type !== 'message' ? e.type
                        : typeof e.res.data === 'string' ? e.res.data : 'binary'];
            })));
        };""")
    for task, data in [(1, "a"), (1, "b"), (2, "c"), (1, "d\x01"), (1, "e"),
                       (1, {"__bytes__": "AA=="}), (1, "lone \ud800"), (1, "f")]:
        service.queue_event(task, "message", {"data": data}, flush_soon=False)
    service.queue_event(1, "close", {"code": 1000, "reason": ""}, flush_soon=False)
    service.flush()
    assert json.loads(rt.evaluate("JSON.stringify(seen)")) == [
        ["plain", 1, "a\x01b"], ["plain", 2, "c"], ["json", [1, "d\x01"]], ["plain", 1, "e"],
        ["json", [1, "binary"]], ["json", [1, "lone \ud800"], [1, "f"]], ["json", [1, "close"]],
    ]
    rt.close()
