"""Mock answers for swan.request, seen by the app on the real engine: canned bodies,
delays, rewrites of a real loopback server's answer, failures worded as the real ones,
and dynamic JS answers in a context of their own."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from emulator.flows.events import ConsoleMessage
from emulator.flows.flow import FlowState
from emulator.flows.har import make_har
from tests.conftest import DEMO_DOMAIN, DemoServer
from tests.net.mock_helpers import with_mocks
from tests.swan.test_request import failure, outcomes, page, success

API = f"https://{DEMO_DOMAIN}"


async def test_canned_json_text_file_and_template(run_app: Any, demo_server: DemoServer,
                                                  tmp_path: Path) -> None:
    """Each body kind reaches the app; the flow and the HAR name the rule; no byte
    reaches the server."""
    (tmp_path / "answer.json").write_text('{"from": "file"}')
    settings = with_mocks(demo_server, [
        {"name": "json", "url": f"{API}/json", "response": {"status": 201, "json": {"a": [1, 2]},
                                                            "headers": {"X-Mock": "yes"}}},
        {"name": "text", "url": f"{API}/text", "response": {"text": "plain 文本"}},
        {"name": "file", "url": f"{API}/file", "response": {"file": "answer.json"}},
        {"name": "tpl", "url": f"{API}/tpl?*", "response": {"seed": 1, "template": {
            "user": "{{faker.name}}", "page": "{{request.query.page}}",
            "items|3": {"id": "{{index}}", "n": "{{faker.random_int(min=5, max=9)}}"}}}},
    ], tmp_path)
    run = await run_app(page(f"""
        call('json', {{url: '{API}/json'}});
        call('text', {{url: '{API}/text'}});
        call('file', {{url: '{API}/file'}});
        call('tpl', {{url: '{API}/tpl?page=3'}});
    """), settings)
    result = outcomes(run.logs)
    j = success(result, "json")
    assert j["statusCode"] == 201 and j["data"] == {"a": [1, 2]} and j["header"]["X-Mock"] == "yes"
    assert success(result, "text")["data"] == "plain 文本"
    assert success(result, "file")["data"] == {"from": "file"}
    tpl = success(result, "tpl")["data"]
    assert isinstance(tpl["user"], str) and tpl["user"] and tpl["page"] == "3"
    assert [i["id"] for i in tpl["items"]] == [0, 1, 2]
    assert all(isinstance(i["n"], int) and 5 <= i["n"] <= 9 for i in tpl["items"])
    assert [f.mocked for f in run.host.flows] == ["json", "text", "file", "tpl"]
    assert all(f.state is FlowState.DONE for f in run.host.flows)
    assert [e["_mocked"] for e in make_har(run.host.flows)["log"]["entries"]] == \
        ["json", "text", "file", "tpl"]
    assert demo_server.server.requests_served == 0


async def test_delay_and_unmatched_calls_go_to_the_server(run_app: Any, demo_server: DemoServer,
                                                          tmp_path: Path) -> None:
    """delay holds the answer back that long; a call no rule matches is real."""
    settings = with_mocks(demo_server, [
        {"name": "slow", "url": f"{API}/slow", "delay": 300, "response": {"json": 1}},
    ], tmp_path)
    run = await run_app(page(f"""
        call('slow', {{url: '{API}/slow'}});
        call('real', {{url: '{API}/echo?x=1'}});
    """), settings)
    result = outcomes(run.logs)
    assert success(result, "slow")["data"] == 1
    assert success(result, "real")["data"]["query"] == {"x": "1"}
    slow, real = run.host.flows
    assert slow.timings.done - slow.timings.sent >= 0.3
    assert real.mocked is None and demo_server.server.requests_served == 1


async def test_rewrite_patches_the_real_answer(run_app: Any, demo_server: DemoServer,
                                               tmp_path: Path) -> None:
    """rewrite: the server is asked; status, headers and JSON fields are patched."""
    settings = with_mocks(demo_server, [
        {"name": "patch", "url": f"{API}/echo*", "rewrite": {
            "status": 203, "headers": {"X-Patched": "1"}, "patch": {"query.q": "patched",
                                                                    "extra.deep": True}}},
        {"name": "replace", "url": f"{API}/json", "rewrite": {"text": "replaced"}},
    ], tmp_path)
    run = await run_app(page(f"""
        call('patch', {{url: '{API}/echo?q=orig&k=2'}});
        call('replace', {{url: '{API}/json'}});
    """), settings)
    result = outcomes(run.logs)
    patched = success(result, "patch")
    assert patched["statusCode"] == 203 and patched["header"]["X-Patched"] == "1"
    assert patched["data"]["query"] == {"q": "patched", "k": "2"}
    assert patched["data"]["extra"] == {"deep": True} and patched["data"]["method"] == "GET"
    replaced = success(result, "replace")
    assert replaced["data"] == "replaced" and replaced["statusCode"] == 200
    assert demo_server.server.requests_served == 2


async def test_failures_read_as_the_real_ones(run_app: Any, demo_server: DemoServer,
                                              tmp_path: Path) -> None:
    """timeout, TLS and refused-domain mocks give the app the very errCode/errMsg a real
    failure of that kind gives; dns, reset and abort the platform's words for theirs."""
    kinds = ["timeout", "tls", "notInDomainList", "dns", "reset", "abort"]
    rules = [{"name": k, "url": f"{API}/mock/{k}", "fail": k} for k in kinds]
    files = {"app.json": {"pages": ["pages/index/index"], "networkTimeout": {"request": 400}}}
    calls = "".join(f"call('{k}', {{url: '{API}/mock/{k}'}});\n" for k in kinds)
    mocked = await run_app({**files, **page(calls)},
                           with_mocks(demo_server, rules, tmp_path))
    real = await run_app({**files, **page(f"""
        call('timeout', {{url: '{API}/delay/3000'}});
        call('notInDomainList', {{url: 'https://elsewhere.example.com/'}});
    """)}, demo_server.settings())
    untrusted = await run_app({**files, **page(f"call('tls', {{url: '{API}/json'}});")},
                              demo_server.settings(ca_file=None))
    got = outcomes(mocked.logs)
    want = {**outcomes(real.logs), **outcomes(untrusted.logs)}
    for kind in ("timeout", "tls", "notInDomainList"):
        assert failure(got, kind) == failure(want, kind), kind
    assert failure(got, "timeout")["errMsg"] == "request:fail timeout"
    assert failure(got, "dns") == {"errCode": 1001, "errMsg":
                                   "request:fail connect error: [Errno -2] Name or service not known"}
    assert failure(got, "reset") == {"errCode": 1001, "errMsg":
                                     "request:fail connection lost: [Errno 104] Connection reset by peer"}
    assert failure(got, "abort") == {"errCode": 1001, "errMsg": "request:fail abort"}
    states = {f.mocked: f.state for f in mocked.host.flows}
    assert states["abort"] is FlowState.ABORTED and states["dns"] is FlowState.FAILED


async def test_dynamic_js_answers_throws_and_loops(run_app: Any, demo_server: DemoServer,
                                                   tmp_path: Path) -> None:
    """A JS function answers from the call's options in its own context; one that throws
    or loops fails the call (execution failed) with a console warning, and the app and
    the host go on."""
    settings = with_mocks(demo_server, [
        {"name": "echo", "url": "*/dyn?*", "js": """function (o) {
            return {statusCode: 202, header: {'X-Seen': o.method},
                    data: {id: o.data.user.id, q: o.query.k, app: typeof getApp}}; }"""},
        {"name": "throws", "url": "*/throws", "js": "function (o) { throw new Error('no ' + o.method); }"},
        {"name": "loops", "url": "*/loops", "js": "function (o) { for (;;) {} }"},
        {"name": "junk", "url": "*/junk", "js": "function (o) { return 42; }"},
        {"name": "failing", "url": "*/failing", "js": "function (o) { return {fail: 'reset'}; }"},
    ], tmp_path, script_time_limit=0.3)
    started = time.monotonic()
    run = await run_app(page(f"""
        call('echo', {{url: '{API}/dyn?k=v', method: 'POST', data: {{user: {{id: 9}}}}}});
        call('throws', {{url: '{API}/throws'}});
        call('loops', {{url: '{API}/loops'}});
        call('junk', {{url: '{API}/junk'}});
        call('failing', {{url: '{API}/failing'}});
        call('after', {{url: '{API}/echo'}});
    """), settings)
    result = outcomes(run.logs)
    echo = success(result, "echo")
    assert echo["statusCode"] == 202 and echo["header"]["X-Seen"] == "POST"
    assert echo["data"] == {"id": 9, "q": "v", "app": "undefined"}  # not the app's context
    for label in ("throws", "loops", "junk"):
        assert failure(result, label) == {"errCode": 1001,
                                          "errMsg": "request:fail execution failed"}, label
    assert failure(result, "failing")["errMsg"].startswith("request:fail connection lost")
    assert success(result, "after")["statusCode"] == 200
    warnings = [e.text for e in run.of(ConsoleMessage) if e.level == "warn"]
    assert any("'throws'" in w and "no GET" in w for w in warnings), warnings
    assert any("'loops'" in w and "time limit" in w for w in warnings), warnings
    assert time.monotonic() - started < 10
    assert not run.errors


async def test_har_of_mocked_flows_is_json(run_app: Any, demo_server: DemoServer,
                                           tmp_path: Path) -> None:
    """A mocked failure is in the HAR as any failure, with _mocked and _error."""
    run = await run_app(page(f"call('x', {{url: '{API}/x'}});"),
                        with_mocks(demo_server, [{"name": "down", "url": "*", "fail": "reset"}],
                                   tmp_path))
    [entry] = json.loads(json.dumps(make_har(run.host.flows)))["log"]["entries"]
    assert entry["_mocked"] == "down" and entry["response"]["status"] == 0
    assert entry["response"]["_error"].startswith("connection lost")


def test_a_seeded_template_starts_at_its_seed_whatever_ran_before() -> None:
    """Two templates with one seed render the same values, even after the first has run
    (its sequence is its own, not the process's)."""
    from emulator.net.mock.templates import Template

    first = Template({"n": "{{faker.name}}"}, seed=7)
    a = [first.render(None) for _ in range(3)]
    second = Template({"n": "{{faker.name}}"}, seed=7)
    assert [second.render(None) for _ in range(3)] == a
    assert len({json.dumps(x) for x in a}) > 1  # a sequence, not one value again


async def test_two_launches_from_one_settings_do_not_share_mock_state(
        run_app: Any, demo_server: DemoServer, tmp_path: Path) -> None:
    """A JS mock that counts and a seeded template start afresh in each launch made from
    the same Settings; the Settings' own rules are not used up."""
    settings = with_mocks(demo_server, [
        {"name": "count", "url": "*/count", "times": 5,
         "js": "(function () { var n = 0; return function (o) { n += 1; return {data: {n: n}}; }; })()"},
        {"name": "fake", "url": "*/fake",
         "response": {"seed": 3, "template": {"who": "{{faker.name}}"}}},
    ], tmp_path)
    script = page(f"""
        swan.request({{url: '{API}/count', success: function (r) {{
            console.log(JSON.stringify(['c1', 'success', r]));
            console.log(JSON.stringify(['c1', 'complete']));
            call('c2', {{url: '{API}/count'}});  // after c1's answer: the count is in order
            call('f', {{url: '{API}/fake'}});
        }}}});
    """)
    seen = []
    for _ in range(2):
        result = outcomes((await run_app(script, settings)).logs)
        seen.append((success(result, "c1")["data"], success(result, "c2")["data"],
                     success(result, "f")["data"]))
    assert seen[0] == seen[1]
    assert [s[:2] for s in seen] == [({"n": 1}, {"n": 2})] * 2
    assert [rule.used for rule in settings.mocks] == [0, 0]
