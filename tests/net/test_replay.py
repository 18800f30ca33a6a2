"""HAR replay: a HAR recorded from a live run answers a second run with no server, and
the app's output is the same; WebSocket frames are replayed in order and in time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from emulator.config import ReplaySettings, Settings, load_settings
from emulator.flows.har import write_har
from tests.conftest import DEMO_DOMAIN, WS_DOMAIN, DemoServer
from tests.swan.test_request import failure, outcomes, page, success

NETDEMO = Path(__file__).parents[2] / "sample_apps" / "netdemo"
API = f"https://{DEMO_DOMAIN}"
DEAD = "127.0.0.1:9"  # nothing listens: a call that reached the network would fail


def console(run: Any) -> list[str]:
    return run.logs + run.warnings


async def live_and_replayed(run_app: Any, app: Path, tmp_path: Path) -> tuple[Any, Any]:
    """A sample run live, then again answered from that run's HAR with its backend
    unreachable."""
    files = {str(p.relative_to(app)): p.read_text(encoding="utf-8")
             for p in app.rglob("*") if p.is_file()}
    live = await run_app(files, load_settings(app))
    har = tmp_path / f"{app.name}.har"
    write_har(har, live.host.flows)
    settings = load_settings(app)
    settings.hosts = {"api.demo.test": DEAD}
    settings.replay = ReplaySettings(har)
    return live, await run_app(files, settings)


async def test_netdemo_replayed_from_its_own_har(run_app: Any, tmp_path: Path) -> None:
    """Every netdemo case (abort, timeout, redirects, refusals included) prints the same
    line when answered from the HAR of a live run, with the backend unreachable."""
    live, replayed = await live_and_replayed(run_app, NETDEMO, tmp_path)
    assert console(replayed) == console(live)
    assert "netdemo: 11/11 cases behaved as the platform does" in replayed.logs
    sent = [f for f in replayed.host.flows if f.state.value != "failed" or f.response]
    assert sent and all(f.mocked and f.mocked.startswith("replay netdemo.har#")
                        for f in sent if f.verdict.allowed)


async def test_chat_replayed_from_its_own_har(run_app: Any, tmp_path: Path) -> None:
    """The chat sample (two sockets in one room, the bot echoing, closeSocket) prints the
    same lines when its sockets are answered from the HAR of a live run, with the
    backend unreachable; each socket's frames come in their recorded order and timing,
    so lines caused by two different sockets may come in another order."""
    live, replayed = await live_and_replayed(run_app, NETDEMO.parent / "chat", tmp_path)
    assert "room: bot: echo: 你好，大家好!" in console(live)
    assert sorted(console(replayed)) == sorted(console(live))


async def test_repeats_in_order_body_picks_and_unmatched(run_app: Any, demo_server: DemoServer,
                                                         tmp_path: Path) -> None:
    """Repeated calls get the recorded answers in recorded order; a body picks among
    same-URL entries; an unmatched call fails naming the file, or passes through."""
    # a1, then a2 once a1 is answered: calls under way together may reach the recording
    # in either order (both wait for the trust store, a POST's body is read first).
    first = f"""
        function first(then) {{
            swan.request({{url: '{API}/echo?n=1', success: function (r) {{
                console.log(JSON.stringify(['a1', 'success', r]));
                console.log(JSON.stringify(['a1', 'complete']));
                then();
            }}}});
        }}
    """
    js = first + f"""
        first(function () {{ call('a2', {{url: '{API}/echo?n=1', header: {{'X-Second': '1'}}}}); }});
        call('p', {{url: '{API}/echo', method: 'POST', data: {{which: 'first'}}}});
        call('q', {{url: '{API}/echo', method: 'POST', data: {{which: 'second'}}}});
    """
    live = await run_app(page(js), demo_server.settings())
    har = tmp_path / "run.har"
    write_har(har, live.host.flows)
    # Replayed in another order: the body, not the order, picks the POST answers.
    again = first + f"""
        call('q', {{url: '{API}/echo', method: 'POST', data: {{which: 'second'}}}});
        call('p', {{url: '{API}/echo', method: 'POST', data: {{which: 'first'}}}});
        first(function () {{ call('a2', {{url: '{API}/echo?n=1'}}); }});
        call('new', {{url: '{API}/echo?n=new'}});
    """
    settings = demo_server.settings(replay=ReplaySettings(har))
    settings.hosts = {DEMO_DOMAIN: DEAD}
    replayed = outcomes((await run_app(page(again), settings)).logs)
    recorded = outcomes(live.logs)
    for label in ("a1", "a2", "p", "q"):
        assert success(replayed, label) == success(recorded, label), label
    assert success(replayed, "a2")["data"]["headers"]["x-second"] == "1"
    assert failure(replayed, "new") == {"errCode": 1001, "errMsg":
        f"request:fail not in the replayed HAR run.har: GET {API}/echo?n=new"}
    passing = demo_server.settings(replay=ReplaySettings(har, "pass"))
    through = outcomes((await run_app(page(f"call('new', {{url: '{API}/echo?n=new'}});"),
                                      passing)).logs)
    assert success(through, "new")["data"]["query"] == {"n": "new"}


async def test_websocket_frames_replayed_in_order(run_app: Any, demo_server: DemoServer,
                                                  tmp_path: Path) -> None:
    """A recorded socket's server frames come back in order, each after the app's frame
    that led to it, and the server's close is replayed."""
    js = f"""
        function log() {{ console.log(JSON.stringify(Array.prototype.slice.call(arguments))); }}
        var t = swan.connectSocket({{url: 'wss://{WS_DOMAIN}/close?code=4002&reason=enough'}});
        t.onOpen(function () {{ t.send({{data: 'only'}}); }});
        t.onMessage(function (m) {{ log('message', m.data); }});
        t.onClose(function (c) {{ log('close', c.code, c.reason); }});
        var e = swan.connectSocket({{url: 'wss://{WS_DOMAIN}/echo'}});
        var sent = 0;
        e.onOpen(function () {{ e.send({{data: 'one'}}); }});
        e.onMessage(function (m) {{
            log('echo', m.data);
            if (++sent < 3) {{ setTimeout(function () {{ e.send({{data: 'n' + sent}}); }}, 30); }}
            else {{ e.close({{code: 1000}}); }}
        }});
        Page({{}});
    """
    files = {"app.json": {"pages": ["pages/index/index"]}, "pages/index/index.js": js}
    live = await run_app(files, demo_server.settings())
    har = tmp_path / "ws.har"
    write_har(har, live.host.flows)
    entries = json.loads(har.read_text())["log"]["entries"]
    assert all("_webSocketMessages" in e for e in entries)
    settings = demo_server.settings(replay=ReplaySettings(har))
    settings.hosts = {}
    replayed = await run_app(files, settings)
    assert sorted(replayed.logs) == sorted(live.logs)
    echo = [json.loads(line)[1] for line in replayed.logs if '"echo"' in line]
    assert echo == ["one", "n1", "n2"]
    assert any(line == '["close",4002,"enough"]' for line in replayed.logs)


def test_settings_replay_is_checked(tmp_path: Path) -> None:
    """replay in the settings: a missing file, a non-HAR or a bad unmatched value is a
    settings error that names the key."""
    import pytest

    from emulator.config import parse_settings
    from emulator.errors import ConfigError

    source = str(tmp_path / "swan-emulator.json")
    with pytest.raises(ConfigError, match=r'"replay\.file": .*missing\.har is not a file'):
        parse_settings({"replay": {"file": "missing.har"}}, source)
    (tmp_path / "bad.har").write_text('{"log": {}}')
    with pytest.raises(ConfigError, match="not a HAR file"):
        parse_settings({"replay": {"file": "bad.har"}}, source)
    (tmp_path / "ok.har").write_text('{"log": {"entries": []}}')
    with pytest.raises(ConfigError, match=r'"replay\.unmatched" must be one of fail, pass'):
        parse_settings({"replay": {"file": "ok.har", "unmatched": "skip"}}, source)
    with pytest.raises(ConfigError, match=r'unknown key "replay\.unmatch" \(did you mean "unmatched"'):
        parse_settings({"replay": {"file": "ok.har", "unmatch": "pass"}}, source)
    s = parse_settings({"replay": {"file": "ok.har", "unmatched": "pass"}}, source)
    assert s.replay == ReplaySettings(tmp_path / "ok.har", "pass")
    assert isinstance(s, Settings)
