"""Where rules come from: the settings' mocks (checked, with suggestions), --mock FILE
and --replay FILE.har on the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from emulator.cli import main
from emulator.config import parse_settings
from emulator.errors import ConfigError

NETDEMO = Path(__file__).parents[2] / "sample_apps" / "netdemo"


def settings_error(tmp_path: Path, mocks: Any) -> str:
    with pytest.raises(ConfigError) as info:
        parse_settings({"mocks": mocks}, str(tmp_path / "swan-emulator.json"))
    return str(info.value)


def test_settings_rules_are_checked_with_suggestions(tmp_path: Path) -> None:
    """Unknown keys get a suggestion; bad values name the rule and the key."""
    assert 'mocks[0].respnse": unknown key (did you mean "response"?)' in \
        settings_error(tmp_path, [{"url": "*", "respnse": {}}])
    assert '"mocks[0].response.jsno": unknown key (did you mean "json"?)' in \
        settings_error(tmp_path, [{"response": {"jsno": 1}}])
    assert "needs exactly one answer" in settings_error(tmp_path, [{"url": "*"}])
    assert 'did you mean "timeout"' in settings_error(tmp_path, [{"fail": "timeot"}])
    assert '"mocks[0].api": must be one of' in settings_error(tmp_path, [{"api": "fetch", "fail": "dns"}])
    assert "not a regular expression" in settings_error(tmp_path, [{"urlRegex": "(", "fail": "dns"}])
    assert "a path starts with one of" in settings_error(tmp_path, [{"params": {"body.x": "1"}, "fail": "dns"}])
    assert "is not a file" in settings_error(tmp_path, [{"response": {"file": "nope.json"}}])
    assert 'no Faker provider \'nmae\' (did you mean "faker.name"?)' in \
        settings_error(tmp_path, [{"response": {"template": {"a": "{{faker.nmae}}"}}}])
    assert "the mock is not a function" in settings_error(tmp_path, [{"js": "42"}])
    assert "SyntaxError" in settings_error(tmp_path, [{"js": "function ("}])
    assert "a connectSocket rule answers with socket or fail" in \
        settings_error(tmp_path, [{"api": "connectSocket", "response": {}}])
    assert '"mocks[0].socket.onOpen[0].close.code": must be 1000' in settings_error(
        tmp_path, [{"api": "connectSocket", "socket": {"onOpen": [{"close": {"code": 1006}}]}}])
    assert "must be at least 1" in settings_error(tmp_path, [{"times": 0, "fail": "dns"}])
    ok = parse_settings({"mocks": [{"name": "n", "url": "*", "times": 2, "response": {"json": []}}]},
                        str(tmp_path / "s.json"))
    assert [r.name for r in ok.mocks] == ["n"] and ok.mocks[0].times == 2


def test_cli_mock_file_and_replay(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """run --mock FILE answers from the file's rules; run --replay reproduces a --har
    recording's output with the backend unreachable; a bad file is a usage error."""
    (tmp_path / "body.json").write_text('{"query": {"mocked": "yes"}}')
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps([{"name": "q", "url": "https://api.demo.test/echo?*",
                                  "method": "GET", "times": 1, "response": {"file": "body.json"}}]))
    har = tmp_path / "live.har"
    assert main(["run", str(NETDEMO), "--har", str(har), "--data-dir", str(tmp_path / "d")]) == 0
    live = capsys.readouterr().out
    assert main(["run", str(NETDEMO), "--replay", str(har), "--map-host",
                 "api.demo.test=127.0.0.1:9", "--data-dir", str(tmp_path / "d")]) == 0
    replayed = capsys.readouterr().out
    assert [line for line in live.splitlines() if not line.startswith("[har]")] == \
        replayed.splitlines()
    assert main(["run", str(NETDEMO), "--mock", str(rules), "--data-dir", str(tmp_path / "d")]) == 0
    mocked = capsys.readouterr().out
    assert 'ok   GET with query: success - server saw {"mocked":"yes"}' in mocked
    assert "netdemo: 11/11 cases" in mocked  # times: 1, the other GETs are real
    rules.write_text('[{"url": "*", "fial": "dns"}]')
    assert main(["run", str(NETDEMO), "--mock", str(rules)]) == 2
    assert 'unknown key (did you mean "fail"?)' in capsys.readouterr().err
    assert main(["run", str(NETDEMO), "--replay", str(rules)]) == 2
    assert "not a HAR file" in capsys.readouterr().err
