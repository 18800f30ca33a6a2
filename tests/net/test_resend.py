"""Replay and edit-and-resend (AppHost.replay): a recorded request sent again through the
app's own network stack, to a real loopback server, as a new flow marked replayed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from emulator.flows.flow import FlowState, HttpFlow
from emulator.flows.har import make_har
from emulator.net.mock.load import RuleReader
from emulator.net.resend import CannotReplay, RequestEdits
from tests.conftest import DEMO_DOMAIN, DemoServer
from tests.net.mock_helpers import with_mocks
from tests.swan.test_request import outcomes, page, success

API = f"https://{DEMO_DOMAIN}"
POST = f"""
    call('post', {{url: '{API}/echo?a=1', method: 'POST', header: {{'X-Token': 't-1',
                   'content-type': 'application/json'}}, data: {{user: {{id: 42}}}}}});
"""


def echoed(flow: HttpFlow) -> dict[str, Any]:
    """What the demo server's /echo saw, from the flow's recorded response."""
    assert flow.response is not None, flow.error
    return json.loads(flow.response.body.text())


async def test_replay_reaches_the_server_again_with_the_same_request(
        run_app: Any, demo_server: DemoServer) -> None:
    """Same method, URL, headers and body reach the server a second time; the new flow is
    marked with the original's id (flow and HAR); the app hears nothing of it."""
    run = await run_app(page(POST), demo_server.settings())
    original = success(outcomes(run.logs), "post")["data"]
    (flow,) = run.host.flows
    logs_before = list(run.logs)
    again = await run.host.replay(flow)
    assert demo_server.server.requests_served == 2
    seen = echoed(again)
    assert seen["method"] == "POST" and seen["query"] == {"a": "1"}
    assert seen["json"] == {"user": {"id": 42}} and seen["body"] == original["body"]
    for name in ("x-token", "content-type", "referer", "user-agent"):
        assert seen["headers"][name] == original["headers"][name]
    assert again is not flow and again.state is FlowState.DONE and again.replayed == flow.id
    assert flow.replayed is None
    assert list(run.host.flows)[-1] is again
    entries = make_har(run.host.flows)["log"]["entries"]
    assert "_replayed" not in entries[0] and entries[1]["_replayed"] == flow.id
    await run.idle()
    assert run.logs == logs_before


async def test_edits_apply(run_app: Any, demo_server: DemoServer) -> None:
    """Edited method, URL, headers and body are what the server gets (Content-Length
    follows the new body)."""
    run = await run_app(page(POST), demo_server.settings())
    (flow,) = run.host.flows
    edits = RequestEdits(method="put", url=f"{API}/echo?b=2",
                         headers=[("X-Other", "o"), ("Content-Type", "text/plain")],
                         body="edited 文本".encode())
    seen = echoed(await run.host.replay(flow, edits))
    assert seen["method"] == "PUT" and seen["query"] == {"b": "2"}
    assert seen["body"] == "edited 文本" and seen["bodySize"] == len("edited 文本".encode())
    assert seen["headers"]["x-other"] == "o" and "x-token" not in seen["headers"]
    assert seen["headers"]["content-type"] == "text/plain"


async def test_policy_still_refuses(run_app: Any, demo_server: DemoServer) -> None:
    """A refused request replayed is refused again, and an edit to a domain not listed
    is refused too: no byte reaches a server."""
    run = await run_app(page(POST + """
        call('refused', {url: 'https://not-listed.example.com/x'});
    """), demo_server.settings())
    listed, refused = run.host.flows
    served = demo_server.server.requests_served
    again = await run.host.replay(refused)
    assert again.state is FlowState.FAILED and again.replayed == refused.id
    assert again.error_message == "url not in domain list"
    moved = await run.host.replay(listed, RequestEdits(url="https://not-listed.example.com/y"))
    assert moved.error_message == "url not in domain list" and moved.replayed == listed.id
    assert demo_server.server.requests_served == served


async def test_mock_rules_answer_a_replay(run_app: Any, demo_server: DemoServer,
                                          tmp_path: Path) -> None:
    """A replay goes through the same transport layers: a mock rule added since answers
    it, and the flow says so."""
    run = await run_app(page(POST), with_mocks(demo_server, [], tmp_path))
    (flow,) = run.host.flows
    run.host.mocks.add(RuleReader("panel", tmp_path).rule(
        {"name": "canned", "url": f"{API}/echo*", "response": {"json": {"canned": True}}},
        "rule"))
    again = await run.host.replay(flow)
    assert again.mocked == "canned" and again.replayed == flow.id
    assert json.loads(again.response.body.text()) == {"canned": True}


async def test_redirect_hops_are_marked(run_app: Any, demo_server: DemoServer) -> None:
    """Every hop of a replayed redirect is marked; the final one is returned."""
    run = await run_app(page(f"call('r', {{url: '{API}/redirect/allowed'}});"),
                        demo_server.settings())
    first, _hop = run.host.flows
    final = await run.host.replay(first)
    new = [f for f in run.host.flows if f.replayed == first.id]
    assert len(new) == 2 and new[-1] is final and final.redirected_from == new[0].id
    assert echoed(final)["query"] == {"redirected": "1"}


async def test_cut_body_cannot_be_replayed_unless_edited(run_app: Any,
                                                        demo_server: DemoServer) -> None:
    """A body the log kept only in part is not sent half: CannotReplay, no flow; an
    edited body can be sent."""
    run = await run_app(page(POST), demo_server.settings())
    (flow,) = run.host.flows
    flow.request.body.size += 10  # as an upload past the capture limit records it
    with pytest.raises(CannotReplay, match="not kept whole"):
        await run.host.replay(flow)
    assert len(list(run.host.flows)) == 1
    again = await run.host.replay(flow, RequestEdits(body=b"{}"))
    assert echoed(again)["body"] == "{}"
