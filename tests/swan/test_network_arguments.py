"""The one argument boundary of request, uploadFile, downloadFile and connectSocket: the same
bad argument fails the same way on every API, before a byte is sent, and no errMsg carries
a library's or Python's words. Real engine, real loopback servers."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from emulator.config import Settings
from emulator.flows.flow import FlowState, SocketFlow, SocketState
from emulator.swan import transfer
from tests.conftest import DEMO_DOMAIN, WS_DOMAIN, DemoServer
from tests.swan.call_log import events

API = f"https://{DEMO_DOMAIN}"
WS = f"wss://{WS_DOMAIN}"
ALL = ("request", "uploadFile", "downloadFile", "connectSocket")
STRICT = ("uploadFile", "downloadFile", "connectSocket")
ERR_ARGS = 904

# Words that only a library, a Python exception or a traceback would put in an errMsg.
LEAKS = ("internal error", "Error:", "ValueError", "UnicodeEncodeError", "protocol error",
         "Traceback", "codec", "ordinal", "httpx", "websockets", "h11", "b'")
CLASS_NAME = re.compile(r"\b[A-Z][A-Za-z]*(Error|Exception)\b")

# A harness: call(label, api, extra) calls swan[api] with good options for that API,
# overridden by `extra`, and logs every callback and socket event as one JSON line
# [label, kind, payload]; `sync` says whether a callback ran inside the calling statement.
HARNESS = """
var USR = swan.env.USER_DATA_PATH;
swan.getFileSystemManager().writeFileSync(USR + '/up.txt', 'hello');
var BASE = {
    request: {url: '%(api)s/echo'},
    uploadFile: {url: '%(api)s/upload', filePath: USR + '/up.txt', name: 'file',
                 formData: {user: 'swan'}},
    downloadFile: {url: '%(api)s/download/16'},
    connectSocket: {url: '%(ws)s/echo'},
};
var inCall = false;
function log(label, kind, payload) { console.log(JSON.stringify([label, kind, payload])); }
function call(label, api, extra) {
    var o = Object.assign({}, BASE[api], extra);
    o.success = function (r) { log(label, 'success', {sync: inCall, errMsg: r.errMsg}); };
    o.fail = function (r) { log(label, 'fail', {sync: inCall, res: r}); };
    o.complete = function () { log(label, 'complete', {sync: inCall}); };
    inCall = true;
    var task;
    try { task = swan[api](o); } finally { inCall = false; }
    if (api === 'connectSocket') {
        log(label, 'readyState', task.readyState);
        task.onOpen(function () { log(label, 'open'); task.close({}); });
        task.onError(function (e) { log(label, 'error', e.errMsg); });
    }
}
""" % {"api": API, "ws": WS}


@dataclass(frozen=True)
class Bad:
    """One bad argument: the APIs it applies to, the JS options it overrides, the fail."""

    id: str
    apis: tuple[str, ...]
    options: str  # a JS object literal merged over the API's good options
    reason: str  # errMsg after "<api>:fail "
    code: int = ERR_ARGS
    at_once: bool = True  # refused by the JS rules: the socket is CLOSED when the call returns


def url_row(id: str, url: str) -> Bad:
    """A string that is not a URL: the domain policy's parser (the one the connection uses)
    refuses it, on every API, with the URL named (JSON-escaped) as the JS rules name one."""
    return Bad(id, ALL, f"{{url: {json.dumps(url)}}}",
               f"parameter error: invalid url {json.dumps(url, ensure_ascii=False)}",
               at_once=False)


NOT_LATIN1 = "which is not Latin-1; encode the value, e.g. with encodeURIComponent"
TYPES = "must be a string, number or boolean, not"

TABLE: tuple[Bad, ...] = (
    # header values: Latin-1 only (RFC 7230 §3.2 obs-text), no control characters
    Bad("value-cjk", ALL, "{header: {'X-City': '北京'}}",
        f'parameter error: header "X-City" value contains "北" (U+5317), {NOT_LATIN1}'),
    Bad("value-emoji", ALL, "{header: {'X-Mood': 'ok \\u{1F600}'}}",
        f'parameter error: header "X-Mood" value contains "\U0001F600" (U+1F600), {NOT_LATIN1}'),
    Bad("value-crlf", ALL, "{header: {'X-A': 'a\\r\\nX-Injected: 1'}}",
        'parameter error: header "X-A" value contains a control character (CR)'),
    Bad("value-lf", ALL, "{header: {'X-A': 'a\\nb'}}",
        'parameter error: header "X-A" value contains a control character (LF)'),
    Bad("value-nul", ALL, "{header: {'X-A': 'a\\u0000b'}}",
        'parameter error: header "X-A" value contains a control character (NUL)'),
    Bad("value-del", ALL, "{header: {'X-A': 'a\\u007fb'}}",
        'parameter error: header "X-A" value contains a control character (U+007F)'),
    # header values that are not strings, numbers or booleans
    Bad("value-object", ALL, "{header: {'X-Obj': {a: 1}}}",
        f'parameter error: header "X-Obj" value {TYPES} an object'),
    Bad("value-array", ALL, "{header: {'X-Arr': ['a']}}",
        f'parameter error: header "X-Arr" value {TYPES} an array'),
    Bad("value-null", ALL, "{header: {'X-Null': null}}",
        f'parameter error: header "X-Null" value {TYPES} null'),
    Bad("value-function", ALL, "{header: {'X-Fn': function () {}}}",
        f'parameter error: header "X-Fn" value {TYPES} a function'),
    Bad("header-not-object", STRICT, "{header: 'X-A: 1'}",
        "parameter error: header must be an object"),
    # header names: RFC 7230 §3.2.6 tokens
    Bad("header-name-space", ALL, "{header: {'X City': 'a'}}",
        'parameter error: invalid header name "X City" (must be an RFC 7230 token)'),
    Bad("header-name-colon", ALL, "{header: {'X-City:': 'a'}}",
        'parameter error: invalid header name "X-City:" (must be an RFC 7230 token)'),
    Bad("header-name-empty", ALL, "{header: {'': 'a'}}",
        'parameter error: invalid header name "" (must be an RFC 7230 token)'),
    Bad("header-name-non-ascii", ALL, "{header: {'Città': 'a'}}",
        'parameter error: invalid header name "Città" (must be an RFC 7230 token)'),
    Bad("header-name-crlf", ALL, "{header: {'X-A\\r\\nX-B': 'a'}}",
        'parameter error: invalid header name "X-A\\r\\nX-B" (must be an RFC 7230 token)'),
    # URLs
    Bad("url-missing", ALL, "{url: undefined}", 'parameter error: invalid url "undefined"'),
    Bad("url-null", ALL, "{url: null}", 'parameter error: invalid url "null"'),
    Bad("url-empty", ALL, "{url: ''}", 'parameter error: invalid url ""'),
    Bad("url-number", ALL, "{url: 42}", 'parameter error: invalid url "42"'),
    url_row("url-words", "not a url"),
    url_row("url-relative", "/echo"),
    url_row("url-no-host", "https:///echo"),
    url_row("url-space", f"{API}/a b"),
    url_row("url-crlf", f"{API}/\r\nX-Injected: 1"),
    url_row("url-port-range", f"https://{DEMO_DOMAIN}:99999/"),
    url_row("url-port-letters", f"https://{DEMO_DOMAIN}:x/"),
    # request's method
    Bad("method-unknown", ("request",), "{method: 'FETCH'}",
        'parameter error: invalid method "FETCH"'),
    Bad("method-lowercase-unknown", ("request",), "{method: 'fetch'}",
        'parameter error: invalid method "fetch"'),
    Bad("method-space", ("request",), "{method: 'get '}", 'parameter error: invalid method "get "'),
    Bad("method-empty", ("request",), "{method: ''}", 'parameter error: invalid method ""'),
    # request's data: what cannot become a body or a query string
    Bad("data-bigint", ("request",), "{method: 'POST', data: {n: 10n}}",
        "parameter error: data cannot be sent (BigInt are forbidden in JSON.stringify)"),
    Bad("data-cycle", ("request",),
        "{method: 'POST', data: (function () { var a = {}; a.self = a; return a; })()}",
        "parameter error: data cannot be sent (circular reference)"),
    Bad("data-symbol-in-query", ("request",), "{data: {q: Symbol('s')}}",
        "parameter error: data cannot be sent (cannot convert symbol to string)"),
    Bad("data-getter-throws", ("request",),
        "{method: 'POST', header: {'content-type': 'application/x-www-form-urlencoded'}, "
        "data: {get q() { throw new Error('no q today'); }}}",
        "parameter error: data cannot be sent (no q today)"),
    # connectSocket's subprotocols: RFC 6455 §4.1 (tokens, unique)
    Bad("protocol-space", ("connectSocket",), "{protocols: ['room 1']}",
        'parameter error: invalid protocol "room 1" (must be an RFC 6455 token)'),
    Bad("protocol-equals", ("connectSocket",), "{protocols: ['chat', 'a=b']}",
        'parameter error: invalid protocol "a=b" (must be an RFC 6455 token)'),
    Bad("protocol-empty", ("connectSocket",), "{protocols: ['']}",
        'parameter error: invalid protocol "" (must be an RFC 6455 token)'),
    Bad("protocol-non-ascii", ("connectSocket",), "{protocols: ['聊天']}",
        'parameter error: invalid protocol "聊天" (must be an RFC 6455 token)'),
    Bad("protocol-number", ("connectSocket",), "{protocols: [7]}",
        'parameter error: invalid protocol "7" (must be a string)'),
    Bad("protocol-null", ("connectSocket",), "{protocols: [null]}",
        'parameter error: invalid protocol "null" (must be a string)'),
    Bad("protocol-duplicate", ("connectSocket",), "{protocols: ['chat', 'chat']}",
        'parameter error: duplicate protocol "chat"'),
    Bad("protocols-not-array", ("connectSocket",), "{protocols: 'chat'}",
        "parameter error: protocols must be an array of strings"),
    Bad("protocols-array-alias", ("connectSocket",), "{protocolsArray: ['room 1']}",
        'parameter error: invalid protocol "room 1" (must be an RFC 6455 token)'),
    # uploadFile's formData, filePath and name; downloadFile's filePath
    Bad("formdata-nested", ("uploadFile",), "{formData: {meta: {a: 1}}}",
        f'parameter error: formData field "meta" {TYPES} an object'),
    Bad("formdata-array", ("uploadFile",), "{formData: {tags: ['a']}}",
        f'parameter error: formData field "tags" {TYPES} an array'),
    Bad("formdata-not-object", ("uploadFile",), "{formData: 'user=swan'}",
        "parameter error: formData must be an object"),
    Bad("filepath-missing", ("uploadFile",), "{filePath: undefined}",
        'parameter error: invalid filePath "undefined"'),
    Bad("filepath-empty", ("uploadFile", "downloadFile"), "{filePath: ''}",
        'parameter error: invalid filePath ""'),
    Bad("filepath-number", ("uploadFile", "downloadFile"), "{filePath: 42}",
        'parameter error: invalid filePath "42"'),
    Bad("filepath-no-such-file", ("uploadFile",), "{filePath: USR + '/none.txt'}",
        "no such file or directory 'bdfile://usr/none.txt'", code=1001, at_once=False),
    Bad("filepath-host-path", ("uploadFile", "downloadFile"), "{filePath: '/etc/passwd'}",
        "permission denied, not an app path (expected bdfile://...): '/etc/passwd'", at_once=False),
    Bad("name-missing", ("uploadFile",), "{name: undefined}",
        'parameter error: invalid name "undefined"'),
    Bad("name-empty", ("uploadFile",), "{name: ''}", 'parameter error: invalid name ""'),
)



def table_js() -> str:
    return "\n".join(f"call({json.dumps(f'{row.id}/{api}')}, '{api}', {row.options});"
                     for row in TABLE for api in row.apis)


def problems_of(row: Bad, api: str, evts: list[tuple[str, Any]]) -> list[str]:
    """What is wrong with one call's callbacks and events (empty: as the table says)."""
    label = f"{row.id}/{api}"
    kinds = [k for k, _ in evts if k != "readyState"]
    if kinds != ["fail", "complete"]:
        return [f"{label}: callbacks {kinds} (want fail, complete)"]
    fail = dict(evts)["fail"]
    out = []
    want = {"errCode": row.code, "errMsg": f"{api}:fail {row.reason}"}
    if fail["res"] != want:
        out.append(f"{label}: {fail['res']!r} != {want!r}")
    if fail["sync"] or dict(evts)["complete"]["sync"]:
        out.append(f"{label}: a callback ran inside the calling statement")
    if api == "connectSocket" and row.at_once and dict(evts)["readyState"] != 3:
        out.append(f"{label}: readyState {dict(evts)['readyState']} after the call (want CLOSED)")
    return out


def leaks_of(err_msg: str) -> list[str]:
    """Library or Python words in an errMsg."""
    found = [w for w in LEAKS if w in err_msg]
    found += [m.group(0) for m in CLASS_NAME.finditer(err_msg)]
    return found


@pytest.mark.parametrize("url_check", [True, False], ids=["checking-on", "checking-off"])
async def test_bad_arguments_fail_alike_on_every_api(run_app: Any, demo_server: DemoServer,
                                                     caplog: pytest.LogCaptureFixture,
                                                     url_check: bool) -> None:
    """Each bad argument: one fail (errCode, errMsg as the table says), one complete, no success."""
    caplog.set_level(logging.WARNING)
    run = await run_app({"pages/index/index.js": HARNESS + table_js() + "\nPage({});"},
                        demo_server.settings(url_check=url_check))
    evts = events(run)
    problems = [p for row in TABLE for api in row.apis
                for p in problems_of(row, api, evts.get(f"{row.id}/{api}", []))]
    assert problems == [], "\n".join(problems)
    assert len(evts) == sum(len(row.apis) for row in TABLE)  # every call, labels unique
    fails = [p["res"]["errMsg"] for e in evts.values() for k, p in e if k == "fail"]
    assert [(m, leaks_of(m)) for m in fails if leaks_of(m)] == []
    assert not any(k in ("open", "error", "success") for e in evts.values() for k, _ in e)
    # Nothing was sent: no HTTP request reached the server, no flow or socket got under way.
    assert demo_server.max_active == 0
    for flow in run.host.flows:
        assert flow.timings.sent is None, flow
        assert (flow.state is SocketState.FAILED if isinstance(flow, SocketFlow)
                else flow.state is FlowState.FAILED), flow
    # Argument errors are the app's business: nothing in the emulator's log, no traceback.
    assert [r.getMessage() for r in caplog.records if r.name.startswith("emulator")] == []
    assert run.errors == []


async def test_table_harness_good_options_succeed(run_app: Any, demo_server: DemoServer) -> None:
    """The table's base options succeed on all four APIs, so each fail is its bad value's."""
    run = await run_app({"pages/index/index.js": HARNESS + """
        call('good/request', 'request', {});
        call('good/uploadFile', 'uploadFile', {});
        call('good/downloadFile', 'downloadFile', {});
        call('good/connectSocket', 'connectSocket', {protocols: ['chat', 'v2.json']});
        Page({});
    """}, demo_server.settings())
    evts = events(run)
    for api in ALL:
        kinds = [k for k, _ in evts[f"good/{api}"] if k not in ("readyState", "open")]
        assert kinds == ["success", "complete"], (api, evts[f"good/{api}"])
    assert ("open", None) in evts["good/connectSocket"]


# ---- what is sent: a raw loopback server that keeps each request head as bytes ------------

@dataclass
class RawServer:
    """Plain HTTP on 127.0.0.1 that records each request's head and body as bytes; answers
    200 "ok", or 101 to a WebSocket handshake (then hangs up)."""

    port: int = 0
    exchanges: list[tuple[bytes, bytes]] = field(default_factory=list)  # (head, body)

    @property
    def heads(self) -> list[bytes]:
        """The request heads received, in the order they completed."""
        return [head for head, _ in self.exchanges]

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()
            return
        fields = dict((k.strip().lower(), v.strip()) for k, _, v in
                      (line.partition(b":") for line in head.split(b"\r\n")[1:] if line))
        length = int(fields.get(b"content-length", b"0"))
        body = await reader.readexactly(length) if length else b""
        self.exchanges.append((head, body))
        key = fields.get(b"sec-websocket-key")
        if key is not None:
            accept = base64.b64encode(hashlib.sha1(
                key + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest())
            writer.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                         b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n")
        else:
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
                         b"Connection: close\r\n\r\nok")
        await writer.drain()
        writer.close()


@pytest.fixture
async def raw_server() -> AsyncIterator[RawServer]:
    """A RawServer on a free port, stopped when the test ends."""
    raw = RawServer()
    server = await asyncio.start_server(raw.handle, "127.0.0.1", 0)
    raw.port = server.sockets[0].getsockname()[1]
    yield raw
    server.close()
    await server.wait_closed()


def raw_js(port: int) -> str:
    """Calls of all four APIs against the raw server with checking off (plain http/ws)."""
    return """
var USR = swan.env.USER_DATA_PATH;
swan.getFileSystemManager().writeFileSync(USR + '/up.txt', 'hello');
function log(label, kind, payload) { console.log(JSON.stringify([label, kind, payload])); }
function cbs(label, o) {
    o.success = function (r) { log(label, 'success'); };
    o.fail = function (r) { log(label, 'fail', r.errMsg); };
    return o;
}
var H = 'http://127.0.0.1:%(port)d', W = 'ws://127.0.0.1:%(port)d';
function all(header, extra) {
    swan.request(cbs('request', Object.assign({url: H + '/request', header: header}, extra)));
    swan.uploadFile(cbs('uploadFile', Object.assign({url: H + '/upload', header: header,
        filePath: USR + '/up.txt', name: 'file'}, extra)));
    swan.downloadFile(cbs('downloadFile', Object.assign({url: H + '/download', header: header},
        extra)));
    var t = swan.connectSocket(cbs('connectSocket', Object.assign({url: W + '/socket',
        header: header}, extra)));
    t.onOpen(function () { log('connectSocket', 'open'); });
}
""" % {"port": port}


def sent_header(head: bytes, name: bytes) -> list[bytes]:
    """The raw values of header ``name`` in a request head."""
    return [line.partition(b":")[2].strip(b" \t") for line in head.split(b"\r\n")[1:]
            if line.partition(b":")[0].strip().lower() == name.lower()]


async def test_latin1_header_values_arrive_as_latin1_bytes(run_app: Any,
                                                           raw_server: RawServer) -> None:
    """'José' (Latin-1) is sent as 4A 6F 73 E9 by all four APIs, never as UTF-8, never refused."""
    run = await run_app({"pages/index/index.js": raw_js(raw_server.port) + """
        all({'X-Name': 'José', 'X-Max': 'ÿ'});
        Page({});
    """}, _unchecked())
    evts = events(run)
    for api in ALL:
        assert evts[api][0] == ("success", None), (api, evts[api])
    assert len(raw_server.heads) == 4
    for head in raw_server.heads:
        assert sent_header(head, b"X-Name") == [b"Jos\xe9"], head
        assert sent_header(head, b"X-Max") == [b"\xff"], head
        assert b"Jos\xc3\xa9" not in head
    # The network log shows the value as the app wrote it.
    http_flows = [f for f in run.host.flows if not isinstance(f, SocketFlow)]
    assert len(http_flows) == 3
    assert all(("X-Name", "José") in [(k, v) for k, v in f.request.headers] for f in http_flows)


async def test_field_values_are_sent_as_text(run_app: Any, raw_server: RawServer) -> None:
    """Numbers and booleans become strings, undefined fields are left out, whitespace around a
    header value is dropped (RFC 7230 §3.2.4), subprotocols are offered in order."""
    run = await run_app({"pages/index/index.js": raw_js(raw_server.port) + """
        all({'X-Num': 7, 'X-Flag': true, 'X-Skip': undefined, 'X-Pad': ' \\tpadded \\t'},
            {formData: {n: 1.5, ok: false, gone: undefined}, protocols: ['chat', 'v2.json']});
        Page({});
    """}, _unchecked())
    evts = events(run)
    assert all(evts[api][0] == ("success", None) for api in ALL), evts
    heads = raw_server.heads
    assert len(heads) == 4
    for head in heads:
        assert sent_header(head, b"X-Num") == [b"7"] and sent_header(head, b"X-Flag") == [b"true"]
        assert sent_header(head, b"X-Pad") == [b"padded"] and not sent_header(head, b"X-Skip")
    ws_head = next(h for h in heads if h.startswith(b"GET /socket "))
    assert sent_header(ws_head, b"Sec-WebSocket-Protocol") == [b"chat, v2.json"]
    upload = next(body for head, body in raw_server.exchanges if head.startswith(b"POST"))
    assert b'name="n"\r\n\r\n1.5\r\n' in upload and b'name="ok"\r\n\r\nfalse\r\n' in upload
    assert b'name="gone"' not in upload


def _unchecked() -> Settings:
    """Settings with domain checking off: plain http/ws to 127.0.0.1 are let through."""
    return Settings(url_check=False)


# ---- exceptions nobody foresaw -------------------------------------------------------------

async def test_unexpected_exception_in_a_handler_is_a_generic_fail(
        run_app: Any, demo_server: DemoServer, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """A bug while preparing a call: 'execution failed' (1001) for the app, the traceback
    only in the emulator's log."""
    def broken(*_a: Any, **_k: Any) -> Any:
        raise UnicodeEncodeError("ascii", "北", 0, 1, "secret detail")

    monkeypatch.setattr(transfer.Multipart, "build", broken)
    run = await run_app({"pages/index/index.js": HARNESS + """
        call('upload', 'uploadFile', {});
        Page({});
    """}, demo_server.settings())
    evts = events(run)
    assert [k for k, _ in evts["upload"]] == ["fail", "complete"]
    assert evts["upload"][0][1]["res"] == {"errCode": 1001,
                                           "errMsg": "uploadFile:fail execution failed"}
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert logged and logged[0].exc_info is not None
    assert "secret detail" not in json.dumps(evts, ensure_ascii=False)


async def test_unexpected_exception_in_the_exchange_ends_the_flow(
        run_app: Any, demo_server: DemoServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug inside the exchange: the app gets 'execution failed' and the flow still fails."""
    from emulator.net import client

    def broken(_headers: Any) -> Any:
        raise ValueError("secret detail")

    monkeypatch.setattr(client, "wire_headers", broken)
    run = await run_app({"pages/index/index.js": HARNESS + """
        call('request', 'request', {});
        Page({});
    """}, demo_server.settings())
    evts = events(run)
    assert evts["request"][0][1]["res"] == {"errCode": 1001,
                                            "errMsg": "request:fail execution failed"}
    [flow] = list(run.host.flows)
    assert flow.state is FlowState.FAILED and flow.error_message == "execution failed"


async def test_bad_connect_socket_leaves_the_open_socket_alone(run_app: Any,
                                                               demo_server: DemoServer) -> None:
    """Before 1.9.4 a new connectSocket replaces the socket, but a refused one does not."""
    run = await run_app({"pages/index/index.js": """
        function log(label, kind, payload) { console.log(JSON.stringify([label, kind, payload])); }
        var first = swan.connectSocket({url: '%(ws)s/echo'});
        first.onClose(function (c) { log('first', 'close', c.code); });
        first.onOpen(function () {
            var bad = swan.connectSocket({url: '%(ws)s/echo', protocols: ['room 1'],
                fail: function (e) { log('bad', 'fail', e.errCode); },
                complete: function () { log('bad', 'complete'); }});
            log('bad', 'readyState', bad.readyState);
            setTimeout(function () {
                log('first', 'state', first.readyState);
                first.close({code: 3000});
            }, 50);
        });
        Page({});
    """ % {"ws": WS}}, demo_server.settings(base_version="1.9.3"))
    evts = events(run)
    assert evts.get("bad") == [("readyState", 3), ("fail", 904), ("complete", None)], run.logs
    assert evts["first"] == [("state", 1), ("close", 3000)]
