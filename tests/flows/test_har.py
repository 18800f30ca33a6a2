"""HAR export: golden files, and a real run's HAR holds every request."""

from __future__ import annotations

import json
import os
from pathlib import Path

from emulator.flows.har import make_har
from emulator.flows.testing import tflow
from emulator.net.errors import PolicyRefused, Timeout
from emulator.net.policy import Verdict

GOLDEN = Path(__file__).parent / "golden"


def sample_flows() -> list:
    return [
        tflow(flow_id=1),
        tflow(flow_id=2, method="POST", url="https://api.demo.test/echo?a=1&b=%E4%B8%AD",
              request_headers=[("Content-Type", "application/json"), ("Cookie", "s=1; t=2")],
              request_body='{"名":"值"}'.encode(), status=500,
              response_headers=[("Content-Type", "text/plain"), ("Set-Cookie", "x=9; Path=/")],
              response_body=b"server error", queued=0.25),
        tflow(flow_id=3, url="https://api.demo.test/binary", response_body=bytes(range(256)),
              response_headers=[("Content-Type", "application/octet-stream")], body_limit=100),
        tflow(flow_id=4, url="https://evil.example.com/", status=None,
              verdict=Verdict(False, True, "url not in domain list"),
              error=PolicyRefused("url not in domain list")),
        tflow(flow_id=5, url="https://api.demo.test/delay/5000", status=None,
              error=Timeout()),
        tflow(flow_id=6, url="http://127.0.0.1:8080/x", verdict=Verdict(True, False)),
    ]


def check_golden(name: str, data: dict) -> None:
    path = GOLDEN / name
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, (
        f"{name} differs; rerun with UPDATE_GOLDEN=1 after checking the change")


def test_har_golden() -> None:
    """Success, 500, binary (truncated), refused, timeout and unverified flows as HAR."""
    check_golden("basic.har.json", make_har(sample_flows()))


def test_har_shape_for_devtools() -> None:
    """The fields Chrome's importer needs are there; failures are status 0 with _error."""
    har = make_har(sample_flows())
    assert har["log"]["version"] == "1.2"
    entries = har["log"]["entries"]
    for e in entries:
        assert {"startedDateTime", "time", "request", "response", "cache", "timings"} <= set(e)
        assert {"method", "url", "httpVersion", "headers", "queryString", "cookies",
                "headersSize", "bodySize"} <= set(e["request"])
        assert {"status", "statusText", "httpVersion", "headers", "cookies", "content",
                "redirectURL", "headersSize", "bodySize"} <= set(e["response"])
    refused = entries[3]
    assert refused["response"]["status"] == 0
    assert refused["response"]["_error"] == "url not in domain list"
    assert refused["_policy"] == {"verdict": "refused", "reason": "url not in domain list"}
    assert entries[1]["timings"]["blocked"] == 250.0
    assert entries[2]["response"]["content"]["encoding"] == "base64"
    assert entries[2]["response"]["content"]["size"] == 256
    assert entries[5]["_policy"]["verdict"] == "not verified"


def test_websocket_entry_as_chrome_writes_it() -> None:
    """A socket flow becomes a websocket entry with _webSocketMessages (binary base64)."""
    from emulator.flows.flow import SocketFlow, SocketState
    from emulator.flows.testing import T0

    flow = SocketFlow(url="wss://ws.demo.test/chat?room=1", verdict=Verdict(True, True),
                      request_headers=[("Referer", "https://smartapps.cn/x/devtools/page-frame.html")],
                      response_headers=[("Upgrade", "websocket")])
    flow.timings.created = T0
    flow.add_frame("send", "hello 你好")
    flow.add_frame("receive", b"\x00\x01\xff")
    flow.state, flow.close_code, flow.close_reason, flow.closed_by = \
        SocketState.CLOSED, 4000, "bye", "server"
    [e] = make_har([flow])["log"]["entries"]
    assert e["_resourceType"] == "websocket" and e["response"]["status"] == 101
    assert [(m["type"], m["opcode"], m["data"]) for m in e["_webSocketMessages"]] == [
        ("send", 1, "hello 你好"), ("receive", 2, "AAH/")]
    assert all(isinstance(m["time"], float) for m in e["_webSocketMessages"])
    assert e["_webSocketClose"] == {"code": 4000, "reason": "bye", "by": "server"}
    assert e["request"]["queryString"] == [{"name": "room", "value": "1"}]
