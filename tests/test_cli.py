"""The command line, run as a user runs it: a subprocess with real files."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import write_app

REPO = Path(__file__).resolve().parents[1]


def cli(*args: str | Path, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "emulator", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, cwd=REPO)


def app(tmp_path: Path, page_js: str, **files: Any) -> Path:
    return write_app(tmp_path / "app", {"pages/index/index.js": page_js, **files})


def test_hello_sample_runs_to_idle_and_exits_0() -> None:
    """The shipped sample runs headless: console on stdout, toast on stderr, status 0."""
    result = cli("run", REPO / "sample_apps" / "hello")
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert out[0] == "onLaunch pages/index/index launch #1"
    assert "index onLoad 你好, swan! iPhone 6" in out
    assert "ticked 3 times" in out
    assert 'detail onLoad {"from":"index","n":"3"} pages on stack: 2' in out
    assert "navigateBack: navigateBack:ok" in out
    assert "[toast] 已保存" in result.stderr


def test_idle_exit_waits_for_timers_then_exits(tmp_path: Path) -> None:
    """The run ends by itself right after the last timer: not before, not much after."""
    root = app(tmp_path, "setTimeout(function () { console.log('late'); }, 300); Page({});")
    start = time.monotonic()
    result = cli("run", root)
    assert result.returncode == 0
    assert result.stdout == "late\n"
    assert time.monotonic() - start < 15


def stdout_gone(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run the command with stdout a pipe whose reader has gone (`| head` that is done);
    its status and stderr."""
    read, write = os.pipe()
    os.close(read)
    try:
        result = subprocess.run([sys.executable, "-m", "emulator", *args], stdout=write,
                                stderr=subprocess.PIPE, cwd=REPO, env=env, timeout=30)
    finally:
        os.close(write)
    return result.returncode, result.stderr.decode()


@pytest.mark.parametrize("unbuffered", ["", "1"], ids=["buffered", "unbuffered"])
def test_a_reader_that_goes_away_ends_the_output_not_the_run(tmp_path: Path,
                                                              unbuffered: str) -> None:
    """`run … | head -1`: no traceback; the run goes on to its HAR and its status."""
    root = app(tmp_path, "console.log('first');"
               "setTimeout(function () { for (var i = 0; i < 500; i++) console.log('more', i);"
               " console.warn('and a warning'); }, 300); Page({});")
    har = tmp_path / "out.har"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = unbuffered
    status, err = stdout_gone(
        ["run", str(root), "--har", str(har), "--dump-page"], env)
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert "and a warning" in err and "[har] " in err
    assert status == 0
    assert har.is_file()


def test_a_script_run_writes_its_junit_when_the_reader_went_away(tmp_path: Path) -> None:
    """`run --script … --junit F | head -1`: the JUnit file is written, the status kept."""
    root = app(tmp_path, "console.log('first'); Page({data: {n: 1}});")
    script = tmp_path / "steps.json"
    script.write_text('[{"expect_data": "n", "equals": 1}]', encoding="utf-8")
    junit = tmp_path / "junit.xml"
    status, err = stdout_gone(
        ["run", str(root), "--script", str(script), "--junit", str(junit)], dict(os.environ))
    assert "Traceback" not in err, err
    assert status == 0
    assert junit.is_file()


@pytest.mark.parametrize("columns", ["0", "-3", "nonsense"])
def test_help_takes_80_columns_when_the_width_is_unknown(columns: str) -> None:
    """$COLUMNS of 0 or less (a 0x0 pty) is no width: the help wraps at 80, as argparse."""
    result = subprocess.run([sys.executable, "-m", "emulator", "run", "--help"],
                            capture_output=True, text=True, timeout=30, cwd=REPO,
                            env=dict(os.environ, COLUMNS=columns))
    assert result.returncode == 0
    first = result.stdout.splitlines()[0]
    assert first.startswith("usage: swan-emulator run [-h] [--config FILE] [--base-version")
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_timeout_exit_status(tmp_path: Path) -> None:
    """An app that never goes idle is stopped by --timeout with status 3."""
    root = app(tmp_path, "setInterval(function () {}, 50); Page({});")
    result = cli("run", root, "--timeout", "0.5")
    assert result.returncode == 3
    assert "[timeout] the app was still busy after 0.5 s (1 timer(s) armed, 0 host call(s)" \
        in result.stderr


def test_uncaught_error_exits_1_after_running_on(tmp_path: Path) -> None:
    """An error in a callback is printed with file:line; the app goes on; status is 1."""
    root = app(tmp_path, "Page({onLoad: function () {\n  setTimeout(function () {\n"
                         "    JSON.parse('{bad');\n  }, 1);\n"
                         "  setTimeout(function () { console.log('still running'); }, 20);\n}});")
    result = cli("run", root)
    assert result.returncode == 1
    assert result.stdout == "still running\n"
    assert "[uncaught] pages/index/index.js:3" in result.stderr
    assert "SyntaxError" in result.stderr


def test_runaway_script_is_interrupted(tmp_path: Path) -> None:
    """while(true) in onLoad is stopped by the time limit; the report names the file."""
    root = app(tmp_path, "Page({onLoad: function () {\n  while (true) {}\n},"
                         " onShow: function () { console.log('onShow still ran'); }});")
    result = cli("run", root, "--script-time-limit", "0.5")
    assert result.returncode == 1
    assert "pages/index/index.js" in result.stderr
    assert "time limit" in result.stderr
    assert result.stdout == "onShow still ran\n"


def test_load_failure_names_file_and_line(tmp_path: Path) -> None:
    """A syntax error in app.js: status 1, message with app.js:line, no traceback."""
    root = app(tmp_path, "Page({});", **{"app.js": "App({\n  onLaunch() {\n    let = ;\n  }\n});"})
    result = cli("run", root)
    assert result.returncode == 1
    assert "failed to load" in result.stderr and "app.js:3:" in result.stderr
    assert "Traceback" not in result.stderr


def test_broken_folder_exits_1(tmp_path: Path) -> None:
    """A folder without app.json is reported, not a traceback."""
    result = cli("run", tmp_path)
    assert result.returncode == 1
    assert "app.json is missing" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [
    ["run"],
    ["run", "{app}", "--map-host", "nohost"],
    ["run", "{app}", "--base-version", "three"],
    ["run", "{app}", "--timeout", "-1"],
    ["run", "{app}", "--config", "{app}/missing.json"],
])
def test_bad_usage_exits_2(tmp_path: Path, args: list[str]) -> None:
    """Bad command-line use (or an unreadable settings file) is status 2."""
    root = app(tmp_path, "Page({});")
    result = cli(*[a.format(app=root) for a in args])
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_bad_settings_file_names_the_key(tmp_path: Path) -> None:
    """A settings file with a wrong type is a clear configuration error."""
    root = app(tmp_path, "Page({});", **{"swan-emulator.json": {"domains": {"request": "x"}}})
    result = cli("run", root)
    assert result.returncode == 2
    assert 'swan-emulator.json: "domains.request" has the wrong type' in result.stderr


def test_no_url_check_warns_once(tmp_path: Path) -> None:
    """Switching domain checks off is said loudly, once."""
    root = app(tmp_path, "Page({});")
    result = cli("run", root, "--no-url-check")
    assert result.returncode == 0
    assert result.stderr.count("domain checks are OFF") == 1


def test_version_and_module_entry() -> None:
    """python -m emulator works and reports its version."""
    result = cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("swan-emulator ")


def test_the_command_collects_garbage_again_once_started() -> None:
    """The console script holds collections off while modules load, not for the run."""
    probe = ("import gc, sys; import emulator.cli as cli; "
             "cli.main = lambda: print(gc.isenabled(), gc.get_freeze_count() > 0) or 0; "
             "from emulator.__main__ import command; sys.argv = ['swan-emulator', 'run']; "
             "command()")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            timeout=30, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "True True\n"


def test_netdemo_tour_runs_offline_and_writes_har(tmp_path: Path) -> None:
    """The request tour on the builtin backend: every case as the platform; HAR has all."""
    import json

    har = tmp_path / "out.har"
    result = cli("run", REPO / "sample_apps" / "netdemo", "--har", har, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "netdemo: 11/11 cases behaved as the platform does" in result.stdout
    assert "BAD" not in result.stdout
    assert "[refused] request https://not-allowed.example.com/data" in result.stderr
    entries = json.loads(har.read_text(encoding="utf-8"))["log"]["entries"]
    urls = [e["request"]["url"] for e in entries]
    assert len(entries) == 13  # 11 cases + the two redirect hops
    assert "https://not-allowed.example.com/data" in urls
    refused = next(e for e in entries if "not-allowed" in e["request"]["url"])
    assert refused["response"]["status"] == 0 and refused["_policy"]["verdict"] == "refused"
    timed_out = next(e for e in entries if e["request"]["url"].endswith("/delay/5000"))
    assert timed_out["response"]["_error"] == "timeout"
    assert all(e["_connectedTo"].startswith("127.0.0.1:") for e in entries
               if "api.demo.test" in e["request"]["url"])


async def test_map_host_and_ca_file_flags(tmp_path: Path, demo_server: Any) -> None:
    """--map-host and --ca-file point a whitelisted domain at a local HTTPS server."""
    import asyncio
    import sys as _sys

    root = app(tmp_path, """
        swan.request({url: 'https://api.demo.test/json',
                      success: function (r) { console.log('status', r.statusCode, r.data.name); },
                      fail: function (e) { console.log('fail', e.errMsg); }});
        Page({});
    """, **{"swan-emulator.json": {"domains": {"request": ["https://api.demo.test"]}}})
    base = [_sys.executable, "-m", "emulator", "run", str(root)]
    mapped = ["--map-host", f"api.demo.test=127.0.0.1:{demo_server.port}"]

    async def run(*extra: str) -> tuple[int, str, str]:
        proc = await asyncio.create_subprocess_exec(
            *base, *extra, cwd=REPO, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(proc.communicate(), 30)
        return proc.returncode or 0, out.decode(), err.decode()

    code, out, err = await run(*mapped, "--ca-file", str(demo_server.ca_file))
    assert (code, out) == (0, "status 200 swan-emulator\n"), err
    code, out, _ = await run(*mapped)  # the certificate's CA is not trusted
    assert out.startswith("fail request:fail ssl handshake failed")


def test_transfer_sample_runs_offline() -> None:
    """choose -> upload -> download -> save -> list, on the builtin backend."""
    result = cli("run", REPO / "sample_apps" / "transfer", timeout=60)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "uploaded: server got 7855 bytes" in out and '"album":"旅行"' in out
    assert "file info: 1048576 bytes" in out
    assert "saved files: 1" in out
    assert "[toast] 完成" in result.stderr


def test_chat_sample_runs_offline() -> None:
    """Two users in a WSS chat room on the builtin backend, global functions and a task."""
    result = cli("run", REPO / "sample_apps" / "chat", timeout=60)
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert "room: me: 你好，大家好!" in out
    assert "room: bot: echo: 你好，大家好!" in out
    assert "me: closed 1000 bye" in out and "bot: closed 1000 bye" in out


def test_a_template_that_does_not_compile_fails_the_run(tmp_path: Path) -> None:
    """A broken .swan is a load problem like a broken .js: named at file:line:col, and
    the run exits 1 (CI sees it)."""
    root = write_app(tmp_path / "app", {"pages/index/index.js": "Page({data: {items: []}});",
                                        "pages/index/index.swan":
                                            "<view>\n  <text>{{items.length}</text>\n</view>"})
    result = cli("run", root)
    assert result.returncode == 1
    assert "pages/index/index.swan:2:" in result.stderr + result.stdout


def test_the_run_says_what_changes_the_network() -> None:
    """A throttle or offline network is said once up front (the output depends on it)."""
    result = cli("run", REPO / "sample_apps" / "hello", "--network-type", "3g")
    assert result.returncode == 0
    assert "[network] 3g:" in result.stderr
    plain = cli("run", REPO / "sample_apps" / "hello")
    assert "[network]" not in plain.stderr


def test_device_names_take_any_case() -> None:
    """--device "iphone x" is the iPhone X; an unknown one is a usage error listing them."""
    assert cli("run", REPO / "sample_apps" / "hello", "--device", "iphone x").returncode == 0
    bad = cli("run", REPO / "sample_apps" / "hello", "--device", "nokia")
    assert bad.returncode == 2 and "iPhone X" in bad.stderr
