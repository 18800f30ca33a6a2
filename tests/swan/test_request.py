"""swan.request against a real HTTPS server on 127.0.0.1 (trustme CA, host mapping)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from emulator.flows.events import FlowFailed, FlowFinished, FlowResponse, FlowStarted
from emulator.flows.flow import FlowState, HttpFlow
from tests.conftest import DEMO_DOMAIN, DemoServer

API = f"https://{DEMO_DOMAIN}"

# Prints each callback as one JSON line: ["success"|"fail"|"complete", payload].
CALL = """
function call(label, options) {
    options.success = function (r) { console.log(JSON.stringify([label, 'success', r])); };
    options.fail = function (r) { console.log(JSON.stringify([label, 'fail', r])); };
    options.complete = function () { console.log(JSON.stringify([label, 'complete'])); };
    return swan.request(options);
}
"""


def page(js: str) -> dict[str, Any]:
    return {"pages/index/index.js": CALL + js + "\nPage({});"}


def outcomes(logs: list[str]) -> dict[str, list[Any]]:
    """label -> the callbacks it got, in order (payloads included)."""
    out: dict[str, list[Any]] = {}
    for line in logs:
        if line.startswith("["):
            item = json.loads(line)
            out.setdefault(item[0], []).append(item[1:] if len(item) > 2 else [item[1]])
    return out


def success(result: dict[str, list[Any]], label: str) -> Any:
    calls = result[label]
    assert [c[0] for c in calls] == ["success", "complete"], calls
    return calls[0][1]


def failure(result: dict[str, list[Any]], label: str) -> Any:
    calls = result[label]
    assert [c[0] for c in calls] == ["fail", "complete"], calls
    return calls[0][1]


async def test_get_query_string_encoding(run_app: Any, demo_server: DemoServer) -> None:
    """GET data becomes an encodeURIComponent query, appended right after an existing one."""
    run = await run_app(page(f"""
        call('plain', {{url: '{API}/echo', data: {{q: 'a b&c=d', n: 1, cn: '中文', e: ''}}}});
        call('existing', {{url: '{API}/echo?x=1', data: {{y: 2}}}});
        call('trailing', {{url: '{API}/echo?', data: {{y: 3}}}});
        call('fragment', {{url: '{API}/echo#frag', data: {{z: "'()*!"}}}});
        call('string', {{url: '{API}/echo', data: 'raw=1&b=2'}});
    """), demo_server.settings())
    result = outcomes(run.logs)
    plain = success(result, "plain")["data"]
    assert plain["query"] == {"q": "a b&c=d", "n": "1", "cn": "中文", "e": ""}
    assert plain["method"] == "GET"
    assert success(result, "existing")["data"]["query"] == {"x": "1", "y": "2"}
    assert success(result, "trailing")["data"]["query"] == {"y": "3"}
    assert success(result, "fragment")["data"]["query"] == {"z": "'()*!"}
    assert success(result, "string")["data"]["query"] == {"raw": "1", "b": "2"}
    urls = [f.request.url for f in run.host.flows]
    assert f"{API}/echo?q=a%20b%26c%3Dd&n=1&cn=%E4%B8%AD%E6%96%87&e=" in urls
    assert f"{API}/echo?z='()*!#frag" in urls  # encodeURIComponent leaves '()*! alone


async def test_bodies_by_content_type(run_app: Any, demo_server: DemoServer) -> None:
    """JSON by default, form for urlencoded, strings as is, ArrayBuffers as raw bytes."""
    run = await run_app(page(f"""
        call('json', {{url: '{API}/echo', method: 'post', data: {{a: [1, {{b: '中'}}]}}}});
        call('form', {{url: '{API}/echo', method: 'POST', data: {{a: 'x y', b: '&'}},
                       header: {{'Content-Type': 'application/x-www-form-urlencoded'}}}});
        call('string', {{url: '{API}/echo', method: 'PUT', data: 'just text',
                         header: {{'content-type': 'text/plain'}}}});
        var bytes = new Uint8Array(256); for (var i = 0; i < 256; i++) bytes[i] = i;
        call('buffer', {{url: '{API}/echo', method: 'POST', data: bytes.buffer,
                         header: {{'content-type': 'application/octet-stream'}}}});
    """), demo_server.settings())
    result = outcomes(run.logs)
    j = success(result, "json")["data"]
    assert j["method"] == "POST" and j["json"] == {"a": [1, {"b": "中"}]}
    assert j["headers"]["content-type"] == "application/json"
    form = success(result, "form")["data"]
    assert form["body"] == "a=x%20y&b=%26"
    assert success(result, "string")["data"]["body"] == "just text"
    buf = success(result, "buffer")["data"]
    assert buf["bodySize"] == 256 and buf["sha256"] == hashlib.sha256(bytes(range(256))).hexdigest()


async def test_headers_referer_and_methods(run_app: Any, demo_server: DemoServer) -> None:
    """The app's Referer is dropped for the platform's; values are strings; methods checked."""
    run = await run_app({
        **page(f"""
        call('headers', {{url: '{API}/echo', header: {{Referer: 'https://evil.test/',
                                                      'X-Num': 42, 'X-Bool': false}}}});
        call('lower', {{url: '{API}/echo', method: 'delete'}});
        call('bad', {{url: '{API}/echo', method: 'FETCH'}});
        call('nonstring', {{url: '{API}/echo', method: 7, header: 'nope'}});
        call('nourl', {{}});
        """),
        "project.swan.json": {"appid": "demo-app-key"},
    }, demo_server.settings())
    result = outcomes(run.logs)
    h = success(result, "headers")["data"]["headers"]
    assert h["referer"] == "https://smartapps.cn/demo-app-key/devtools/page-frame.html"
    assert h["x-num"] == "42" and h["x-bool"] == "false"
    assert "swan/3.200.0" in h["user-agent"]
    assert success(result, "lower")["data"]["method"] == "DELETE"
    assert failure(result, "bad") == {"errCode": 904,
                                      "errMsg": 'request:fail parameter error: invalid method "FETCH"'}
    assert success(result, "nonstring")["data"]["method"] == "GET"
    assert failure(result, "nourl")["errMsg"] == 'request:fail parameter error: invalid url "undefined"'
    assert any("Referer header can not be set" in w for w in run.warnings)
    assert any("method must be a string" in w for w in run.warnings)
    assert any("header must be an object" in w for w in run.warnings)


async def test_response_types_and_statuses(run_app: Any, demo_server: DemoServer) -> None:
    """json parsed; non-JSON falls back to the string; arraybuffer; 404/500 are success."""
    run = await run_app(page(f"""
        call('json', {{url: '{API}/json'}});
        call('text', {{url: '{API}/text'}});
        call('string', {{url: '{API}/json', dataType: 'string'}});
        swan.request({{url: '{API}/binary?size=300', responseType: 'ArrayBuffer',
            success: function (r) {{
                var b = new Uint8Array(r.data);
                console.log('binary', r.data instanceof ArrayBuffer, b.length, b[0], b[255], b[299]);
            }}}});
        call('404', {{url: '{API}/status/404'}});
        call('500', {{url: '{API}/status/500', method: 'POST', data: {{}}}});
    """), demo_server.settings())
    result = outcomes(run.logs)
    j = success(result, "json")
    assert j["data"] == {"name": "swan-emulator", "items": [1, 2, 3], "中文": "你好"}
    assert j["statusCode"] == 200 and j["errMsg"] == "request:ok"
    assert j["header"]["Content-Type"] == "application/json; charset=utf-8"
    assert success(result, "text")["data"] == "hello from the demo backend, 你好"
    assert success(result, "string")["data"].startswith('{"name": "swan-emulator"')
    assert "binary true 300 0 255 43" in run.logs
    assert success(result, "404")["statusCode"] == 404
    five = success(result, "500")
    assert five["statusCode"] == 500 and five["data"]["status"] == 500
    flow500 = next(f for f in run.host.flows if f.request.url.endswith("/status/500"))
    assert flow500.error is None and flow500.response is not None
    assert flow500.response.status == 500 and flow500.state is FlowState.DONE


async def test_abort_before_during_and_after(run_app: Any, demo_server: DemoServer) -> None:
    """abort() at any time: fail 'request:fail abort' then complete, never success after."""
    run = await run_app(page(f"""
        call('before', {{url: '{API}/delay/50'}}).abort();
        var during = call('during', {{url: '{API}/delay/3000'}});
        setTimeout(function () {{ during.abort(); during.abort(); }}, 100);
        var after = swan.request({{url: '{API}/json',
            success: function () {{ console.log('after success'); after.abort(); }},
            fail: function () {{ console.log('after fail'); }},
            complete: function () {{ console.log('after complete'); }} }});
    """), demo_server.settings())
    result = outcomes(run.logs)
    assert failure(result, "before") == {"errCode": 1001, "errMsg": "request:fail abort"}
    assert failure(result, "during") == {"errCode": 1001, "errMsg": "request:fail abort"}
    assert run.logs.count("after success") == 1 and "after fail" not in run.logs
    assert run.logs.count("after complete") == 1
    aborted = [f for f in run.host.flows if f.error is not None]
    assert sorted(f.request.url for f in aborted) == [f"{API}/delay/3000", f"{API}/delay/50"]
    assert all(f.error_message == "abort" for f in aborted)


async def test_timeout_from_app_json(run_app: Any, demo_server: DemoServer) -> None:
    """networkTimeout.request bounds the call: fail 'request:fail timeout'."""
    run = await run_app({
        "app.json": {"pages": ["pages/index/index"], "networkTimeout": {"request": 300}},
        **page(f"call('slow', {{url: '{API}/delay/3000'}}); call('fast', {{url: '{API}/json'}});"),
    }, demo_server.settings())
    result = outcomes(run.logs)
    assert failure(result, "slow") == {"errCode": 1001, "errMsg": "request:fail timeout"}
    success(result, "fast")


async def test_refused_urls_fail_and_are_logged(run_app: Any, demo_server: DemoServer) -> None:
    """A URL the policy refuses fails with the reason and still appears in the log."""
    run = await run_app(page(f"""
        call('other', {{url: 'https://evil.example.com/steal'}});
        call('http', {{url: 'http://{DEMO_DOMAIN}/echo'}});
        call('port', {{url: 'https://{DEMO_DOMAIN}:443/echo'}});
        call('ip', {{url: 'https://127.0.0.1/echo'}});
        call('openapi', {{url: 'https://openapi.baidu.com/oauth'}});
    """), demo_server.settings())
    result = outcomes(run.logs)
    assert failure(result, "other") == {"errCode": 1001, "errMsg": "request:fail url not in domain list"}
    assert failure(result, "http")["errMsg"] == "request:fail url scheme is invalid"
    assert failure(result, "port")["errMsg"] == "request:fail url must not contain a port"
    assert failure(result, "ip")["errMsg"] == "request:fail url must not be an IP address"
    assert failure(result, "openapi")["errMsg"] == "request:fail openapi.baidu.com can not be called"
    refused = list(run.host.flows)
    assert len(refused) == 5
    assert all(f.verdict.label == "refused" and f.response is None for f in refused)
    assert demo_server.server.requests_served == 0


async def test_redirects_checked_hop_by_hop(run_app: Any, demo_server: DemoServer) -> None:
    """An allowed redirect is followed (a flow per hop); a refused one fails, logged."""
    run = await run_app(page(f"""
        call('allowed', {{url: '{API}/redirect/allowed'}});
        call('refused', {{url: '{API}/redirect/refused'}});
        call('post303', {{url: '{API}/redirect?to=/echo&status=303', method: 'POST', data: {{a: 1}}}});
    """), demo_server.settings())
    result = outcomes(run.logs)
    allowed = success(result, "allowed")
    assert allowed["statusCode"] == 200 and allowed["data"]["query"] == {"redirected": "1"}
    assert failure(result, "refused")["errMsg"] == (
        "request:fail redirect to https://refused.demo.invalid/landing refused: "
        "url not in domain list")
    assert success(result, "post303")["data"]["method"] == "GET"
    flows = list(run.host.flows)
    hop = next(f for f in flows if f.request.url.endswith("/echo?redirected=1"))
    first = run.host.flows.get(hop.redirected_from or -1)
    assert first is not None and first.response is not None and first.response.status == 302
    bad = next(f for f in flows if "refused.demo.invalid" in f.request.url)
    assert bad.verdict.label == "refused" and bad.state is FlowState.FAILED


async def test_untrusted_certificate_fails_unless_checks_are_off(run_app: Any,
                                                                 demo_server: DemoServer) -> None:
    """Without the CA the certificate does not verify (ssl in errMsg); checks off: it works."""
    run = await run_app(page(f"call('tls', {{url: '{API}/json'}});"),
                        demo_server.settings(ca_file=None))
    err = failure(outcomes(run.logs), "tls")
    assert err["errCode"] == 1001 and "ssl" in err["errMsg"]
    off = await run_app(page(f"call('tls', {{url: '{API}/json'}});"),
                        demo_server.settings(ca_file=None, url_check=False))
    success(outcomes(off.logs), "tls")
    assert [f.verdict.label for f in off.host.flows] == ["not verified"]


async def test_dead_server_and_dropped_connection(run_app: Any, demo_server: DemoServer) -> None:
    """No server behind the mapping: connect error. A cut body: a clear failure."""
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead_port = s.getsockname()[1]
    settings = demo_server.settings()
    settings.domains["request"].append("https://dead.demo.test")
    settings.hosts["dead.demo.test"] = f"127.0.0.1:{dead_port}"
    run = await run_app(page(f"""
        call('dead', {{url: 'https://dead.demo.test/x'}});
        call('drop', {{url: '{API}/drop'}});
    """), settings)
    result = outcomes(run.logs)
    assert failure(result, "dead")["errMsg"].startswith("request:fail connect error")
    drop = failure(result, "drop")
    assert drop["errCode"] == 1001
    assert drop["errMsg"].startswith(("request:fail connection lost", "request:fail bad response"))
    dropped = next(f for f in run.host.flows if f.request.url.endswith("/drop"))
    assert dropped.response is not None and dropped.error is not None  # both, kept apart


async def test_caps_five_per_domain_rest_queued_in_order(run_app: Any,
                                                         demo_server: DemoServer) -> None:
    """12 slow calls: the server never sees more than 5 at once; all succeed, in order."""
    run = await run_app(page(f"""
        for (var i = 0; i < 12; i++) call('c' + i, {{url: '{API}/delay/150?i=' + i}});
    """), demo_server.settings())
    result = outcomes(run.logs)
    for i in range(12):
        success(result, f"c{i}")
    assert demo_server.max_active == 5
    flows = sorted(run.host.flows, key=lambda f: f.id)
    sent_order = [f.request.url for f in sorted(flows, key=lambda f: f.timings.sent or 0)]
    assert sent_order == [f.request.url for f in flows]
    assert max(f.timings.queued_s for f in flows) > 0.1  # the queue shows in the log
    assert flows[0].timings.queued_s < 0.1


async def test_every_flow_gets_started_then_exactly_one_end(run_app: Any,
                                                             demo_server: DemoServer) -> None:
    """Started first; then response+finished, or failed; never both finished and failed."""
    run = await run_app(page(f"""
        call('ok', {{url: '{API}/json'}});
        call('refused', {{url: 'https://evil.example.com/'}});
        call('r', {{url: '{API}/redirect/allowed'}});
        call('abort', {{url: '{API}/delay/1000'}}).abort();
    """), demo_server.settings())
    by_flow: dict[int, list[str]] = {}
    flows: dict[int, HttpFlow] = {}
    for e in run.events:
        if isinstance(e, (FlowStarted, FlowResponse, FlowFinished, FlowFailed)):
            by_flow.setdefault(e.flow.id, []).append(type(e).__name__)
            flows[e.flow.id] = e.flow
    assert len(by_flow) == 5
    for fid, seq in by_flow.items():
        assert seq[0] == "FlowStarted", seq
        assert seq.count("FlowFinished") + seq.count("FlowFailed") == 1, seq
        if "FlowFinished" in seq:
            assert seq == ["FlowStarted", "FlowResponse", "FlowFinished"], seq
        assert flows[fid].state.ended


async def test_callbacks_are_asynchronous_and_once(run_app: Any, demo_server: DemoServer) -> None:
    """Even a refused call answers after the calling statement, exactly once."""
    run = await run_app(page("""
        var order = [];
        swan.request({url: 'https://evil.example.com/', fail: function () { order.push('fail'); },
                      complete: function () { order.push('complete'); console.log(order.join()); }});
        order.push('after call');
    """), demo_server.settings())
    assert run.logs == ["after call,fail,complete"]


async def test_cookies_are_visible_not_automatic(run_app: Any, demo_server: DemoServer) -> None:
    """Set-Cookie shows in header and cookies; the client does not replay it on its own."""
    run = await run_app(page(f"""
        call('set', {{url: '{API}/cookies/set?sid=abc&theme=dark', success: function () {{}}}});
        setTimeout(function () {{
            call('auto', {{url: '{API}/cookies'}});
            call('manual', {{url: '{API}/cookies', header: {{Cookie: 'sid=abc'}}}});
        }}, 100);
    """), demo_server.settings())
    result = outcomes(run.logs)
    set_res = success(result, "set")
    assert set_res["cookies"] == ["sid=abc; Path=/; HttpOnly", "theme=dark; Path=/; HttpOnly"]
    assert set_res["header"]["Set-Cookie"] == "sid=abc; Path=/; HttpOnly, theme=dark; Path=/; HttpOnly"
    assert success(result, "auto")["data"] == {"cookie": None}
    assert success(result, "manual")["data"] == {"cookie": "sid=abc"}


async def test_response_type_only_from_its_base_version(run_app: Any, demo_server: DemoServer) -> None:
    """responseType: 'arraybuffer' gives bytes from 1.11.20; before, the option does not
    exist and the body is text (canIUse agrees)."""
    js = ("swan.request({url: '%s/binary?size=4', responseType: 'arraybuffer',"
          " success: function (r) { console.log(typeof r.data === 'string' ? 'text' : 'bytes',"
          " swan.canIUse ? swan.canIUse('request.object.responseType') : 'no canIUse'); }});"
          " Page({});" % API)
    old = await run_app({"pages/index/index.js": js}, demo_server.settings(base_version="1.11.19"))
    new = await run_app({"pages/index/index.js": js}, demo_server.settings(base_version="1.11.20"))
    assert old.logs == ["text false"]
    assert new.logs == ["bytes true"]


def count_entries(run: Any) -> list[str]:
    """The names of the entries into JS the host makes from now on."""
    names: list[str] = []
    call_entry = run.host.runtime._call_entry

    def counted(entry: str, text: str) -> Any:
        names.append(entry)
        return call_entry(entry, text)

    run.host.runtime._call_entry = counted  # type: ignore[method-assign]
    return names


async def test_calls_ending_in_one_turn_are_answered_in_one_entry(
        run_app: Any, demo_server: DemoServer, tmp_path: Any) -> None:
    """Five answered requests ending together reach JS in one entry; each call still gets
    its success and complete once, in the order the calls ended."""
    from tests.net.mock_helpers import with_mocks

    settings = with_mocks(demo_server, [{"url": f"{API}/m/*", "response": {"json": {"ok": 1}}}],
                          tmp_path)
    run = await run_app(page(f"for (var i = 0; i < 5; i++) call('r' + i, {{url: '{API}/m/' + i}});"),
                        settings, start=False)
    entries = count_entries(run)
    await run.host.start()
    await run.idle()
    result = outcomes(run.logs)
    for i in range(5):
        assert success(result, f"r{i}")["data"] == {"ok": 1}
    assert entries.count("settleAll") == 1 and "settle" not in entries, entries


async def test_an_answer_that_cannot_be_sent_fails_its_call_once(
        run_app: Any, demo_server: DemoServer) -> None:
    """If a finished call's answer cannot be sent into JS (MemoryError making its JSON),
    the call fails with the generic reason and completes, once."""
    run = await run_app(page(f"call('big', {{url: '{API}/json'}});"), demo_server.settings(),
                        start=False)
    enter = run.host.runtime.enter
    raised = []

    def failing(entry: str, payload: Any = None, **kw: Any) -> Any:
        if entry == "settle" and payload.get("ok") and not raised:
            raised.append(entry)
            raise MemoryError
        return enter(entry, payload, **kw)

    run.host.runtime.enter = failing  # type: ignore[method-assign]
    await run.host.start()
    await run.idle()
    assert raised == ["settle"]
    assert failure(outcomes(run.logs), "big") == {"errCode": 1001,
                                                  "errMsg": "request:fail execution failed"}


async def test_answers_delivered_together_keep_a_time_limit_each(
        run_app: Any, demo_server: DemoServer, tmp_path: Any) -> None:
    """Calls answered together do not share one entry's time limit: five success callbacks
    of 0.2 s each under a 0.5 s limit all run, and each call completes, with no error."""
    from tests.net.mock_helpers import with_mocks

    settings = with_mocks(demo_server, [{"url": f"{API}/m/*", "response": {"json": {"ok": 1}}}],
                          tmp_path, script_time_limit=0.5)
    run = await run_app(page(f"""
        function busy(ms) {{ var end = Date.now() + ms; while (Date.now() < end) {{}} }}
        for (var i = 0; i < 5; i++) (function (i) {{
            swan.request({{url: '{API}/m/' + i,
                          success: function () {{ busy(200); console.log('success ' + i); }},
                          complete: function () {{ console.log('complete ' + i); }}}});
        }})(i);
    """), settings)
    assert sorted(run.logs) == sorted([f"{kind} {i}" for i in range(5)
                                       for kind in ("success", "complete")])
    assert run.errors == []


async def test_a_callback_past_the_time_limit_leaves_the_answers_with_it_delivered(
        run_app: Any, demo_server: DemoServer, tmp_path: Any) -> None:
    """When one of the calls answered together has a callback that runs past the time
    limit on its own, that is reported once, and every other call still gets its success
    and complete."""
    from emulator.errors import ScriptTimeout
    from tests.net.mock_helpers import with_mocks

    settings = with_mocks(demo_server, [{"url": f"{API}/m/*", "response": {"json": {"ok": 1}}}],
                          tmp_path, script_time_limit=0.3)
    run = await run_app(page(f"""
        swan.request({{url: '{API}/m/spin', success: function () {{ while (true) {{}} }}}});
        for (var i = 0; i < 5; i++) call('r' + i, {{url: '{API}/m/' + i}});
    """), settings)
    result = outcomes(run.logs)
    for i in range(5):
        assert success(result, f"r{i}")["data"] == {"ok": 1}
    [error] = run.errors
    assert isinstance(error.error, ScriptTimeout)
