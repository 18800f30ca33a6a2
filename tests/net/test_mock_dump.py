"""Rules back to JSON (what the Mock panel edits and saves) and a rule made from a real
flow ("Mock this response")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from emulator.flows.flow import HttpFlow, HttpRequest
from emulator.net.mock.dump import answer_kind, flow_rule, glob_literal, rule_json
from emulator.net.mock.dynamic import PyAnswer
from emulator.net.mock.load import RuleReader
from emulator.net.mock.rules import Rule
from emulator.net.policy import Verdict
from tests.conftest import DEMO_DOMAIN, DemoServer
from tests.net.mock_helpers import with_mocks
from tests.swan.test_request import CALL, outcomes, success

API = f"https://{DEMO_DOMAIN}"

RULES: list[dict[str, Any]] = [
    {"name": "all", "enabled": False, "url": f"{API}/user/*", "method": "GET",
     "params": {"query.id": "^42$", "header.x-token": ".+"}, "times": 2, "delay": 300,
     "response": {"status": 201, "headers": {"X-Mock": "1"}, "json": {"id": 42}}},
    {"name": "text", "urlRegex": r"/t\d+$", "response": {"status": 200, "text": "plain"}},
    {"name": "bytes", "api": "downloadFile", "url": "*",
     "response": {"status": 200, "base64": "AAEC"}},
    {"name": "file", "url": "*", "response": {"status": 200, "file": "data/a.json"}},
    {"name": "tpl", "url": "*", "response": {"status": 200, "template": {"n": "{{faker.name}}"},
                                             "locale": "zh_CN", "seed": 3}},
    {"name": "fail", "api": "uploadFile", "url": "*", "fail": "timeout"},
    {"name": "rewrite", "url": "*", "rewrite": {"status": 500, "headers": {"X-Gone": None},
                                                "patch": {"a.b": True}}},
    {"name": "js", "url": "*", "js": "function (o) { return {statusCode: 200, data: o.query}; }"},
    {"name": "sock", "api": "connectSocket", "url": "wss://x/*", "socket": {
        "onOpen": [{"send": "hi"}, {"wait": 10}, {"send": {"binary": "AAE="}},
                   {"send": {"template": {"m": "{{message}}"}}}],
        "onMessage": [{"match": "^bye$", "do": [{"close": {"code": 4000, "reason": "bye"}}]},
                      {"match": "^x$", "do": [{"drop": True}]}]}},
]


def test_rule_json_gives_back_what_was_read(tmp_path: Path) -> None:
    """Every answer kind and every rule field survives read -> JSON unchanged (file bodies
    relative to the settings folder again)."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.json").write_text("{}")
    reader = RuleReader("s.json", tmp_path)
    for data in RULES:
        rule = reader.rule(data, "rule")
        assert rule_json(rule, tmp_path) == data
        assert answer_kind(rule) == next(k for k in ("response", "fail", "rewrite", "js",
                                                     "socket") if k in data)
    outside = reader.rule(RULES[3], "rule")
    assert rule_json(outside, tmp_path / "other")["response"]["file"] == \
        str(tmp_path / "data" / "a.json")


def test_python_handlers_have_no_json() -> None:
    """A rule answered by a Python function of the automation API has no JSON form."""
    rule = Rule("py", PyAnswer(lambda o: {"data": 1}))
    assert rule_json(rule) is None and answer_kind(rule) == "python"


def test_glob_literal_matches_only_its_url() -> None:
    """A URL with glob characters made into a rule matches itself, not its neighbours."""
    url = f"{API}/a*b[1]?q=1"
    rule = RuleReader("s", Path(".")).rule({"url": glob_literal(url), "fail": "abort"}, "r")
    assert rule._url_re is not None and rule._url_re.match(url)
    assert not rule._url_re.match(f"{API}/aXXb[1]?q=1")


async def test_rule_from_a_flow_answers_as_the_server_did(run_app: Any, demo_server: DemoServer,
                                                         tmp_path: Path) -> None:
    """A real answer made into a rule: the next identical call gets the same status,
    headers and body without reaching the server."""
    files = {"pages/index/index.js": CALL + f"call('real', {{url: '{API}/json?x=1'}});"
             f"Page({{again() {{ call('again', {{url: '{API}/json?x=1'}}); }}}});"}
    run = await run_app(files, with_mocks(demo_server, [], tmp_path))
    first = next(iter(run.host.flows))
    data = flow_rule(first)
    assert data["url"] == f"{API}/json?x=1" and data["method"] == "GET"
    assert data["response"]["json"] == {"name": "swan-emulator", "items": [1, 2, 3],
                                        "中文": "你好"}
    assert "content-length" not in {k.lower() for k in data["response"].get("headers", {})}
    run.host.mocks.add(RuleReader("panel", tmp_path).rule(data, "rule"))
    run.host.call_method(run.host.page_stack[-1].page_id, "again")
    await run.idle()
    result = outcomes(run.logs)
    real, again = success(result, "real"), success(result, "again")
    assert again["data"] == real["data"] and again["statusCode"] == real["statusCode"]
    assert again["header"]["Content-Type"] == real["header"]["Content-Type"]
    assert list(run.host.flows)[1].mocked == data["name"] == "GET /json"
    assert demo_server.server.requests_served == 1


def test_flow_without_response_cannot_be_mocked() -> None:
    """No response, no rule."""
    flow = HttpFlow("request", HttpRequest("GET", f"{API}/x"), Verdict(True, True, ""))
    with pytest.raises(ValueError, match="no response"):
        flow_rule(flow)
