"""`swan-emulator run APP --script`: the step language, exit codes, the report and JUnit."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from emulator.automation.steps import StepFileError, load_steps, parse_steps
from emulator.cli import main
from tests.conftest import write_app

SAMPLES = Path(__file__).resolve().parents[2] / "sample_apps"


def step_app(tmp_path: Path) -> Path:
    return write_app(tmp_path / "app", {
        "app.json": {"pages": ["pages/index/index", "pages/b/b"]},
        "pages/index/index.swan": '<input id="q" value="{= q =}"/><text id="echo">{{q}}</text>'
                                  '<button id="go" bindtap="go">go</button><text id="loc">{{loc}}</text>',
        "pages/index/index.js": """Page({data: {q: '', loc: '', n: 1},
          go: function () { var self = this; this.setData({n: 2});
            swan.getLocation({success: function (r) { self.setData({loc: 'at ' + r.latitude}); }}); }
        });""",
        "pages/b/b.swan": "<text id='b'>page b</text>",
    })


def run(tmp_path: Path, app: Path, script: Path, *extra: str) -> int:
    return main(["run", str(app), "--data-dir", str(tmp_path / "data"), "--script", str(script),
                 *extra])


def test_a_passing_yaml_script_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every step passes (a headless screenshot is skipped, not failed): exit 0."""
    script = tmp_path / "steps.yaml"
    script.write_text("""
- mock_swan: getLocation
  result: {latitude: 39.9}
- input: "#q"
  text: hello
- expect_text: "#echo"
  equals: hello
- tap: "#go"
- expect_data: n
  equals: 2
- expect_text: "#loc"
  matches: "^at 39\\\\.9$"
- eval: getCurrentPages().length
  equals: 1
- sleep: 0.01
- screenshot: shot.png
- goto: /pages/b/b?x=1
- wait_for: "#b"
- back
""", encoding="utf-8")
    assert run(tmp_path, step_app(tmp_path), script) == 0
    out = capsys.readouterr().out
    assert "ok   step 4: tap \"#go\"" in out
    assert "skip step 9: screenshot \"shot.png\"\n       no window is up (a headless run): screenshot skipped" in out
    assert re.search(r"\n11 passed, 1 skipped in \d+\.\d\d s$", out.rstrip())


def test_a_failing_json_script_exits_1_with_expected_and_seen(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The failed step says what was expected and seen; the rest are not run; JUnit XML
    has a testcase per step, the failure and the skips."""
    script = tmp_path / "steps.json"
    script.write_text(json.dumps([
        {"expect_data": "n", "equals": 1},
        {"expect_text": "#echo", "contains": "nothing", "timeout": 0.05},
        {"tap": "#go"},
    ]), encoding="utf-8")
    junit = tmp_path / "out" / "junit.xml"
    assert run(tmp_path, step_app(tmp_path), script, "--junit", str(junit)) == 1
    out = capsys.readouterr().out
    assert ('FAIL step 2: expect_text "#echo" contains="nothing"' in out and
            '       expected: the text of "#echo" containing "nothing"\n       seen:     ""' in out)
    assert "--   step 3: tap \"#go\"\n       not run: step 2 failed" in out
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None
    assert (suite.get("name"), suite.get("tests"), suite.get("failures"), suite.get("skipped")) == \
        ("steps.json", "3", "1", "1")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [
        'step 1: expect_data "n" equals=1', 'step 2: expect_text "#echo" contains="nothing"',
        'step 3: tap "#go"']
    failure = cases[1].find("failure")
    assert failure is not None and "seen: \"\"" in (failure.text or "")
    assert cases[2].find("skipped") is not None and cases[0].find("failure") is None


def test_a_wait_that_runs_out_reports_what_it_saw(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing node's step shows the awaited selector and the page's markup."""
    script = tmp_path / "s.json"
    script.write_text(json.dumps([{"tap": "#missing", "timeout": 0.05},
                                  ]), encoding="utf-8")
    assert run(tmp_path, step_app(tmp_path), script) == 1
    out = capsys.readouterr().out
    assert 'expected: a node matching "#missing" to tap' in out
    assert "no node matches '#missing' on pages/index/index within 0.05 s; the page:" in out
    assert '<button id="go"' in out


def test_expect_flow_on_the_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """expect_flow waits for the app's request with its method and status."""
    script = tmp_path / "s.yaml"
    script.write_text('- expect_flow: "https://api.demo.test/echo?q=*"\n  method: GET\n  status: 200\n'
                      '- expect_flow: "*/never"\n  timeout: 0.05\n', encoding="utf-8")
    assert run(tmp_path, SAMPLES / "netdemo", script) == 1
    out = capsys.readouterr().out
    assert "ok   step 1" in out
    assert "no flow with url='*/never' within 0.05 s; the last flows:" in out


def test_an_uncaught_app_error_fails_the_run(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """Steps pass but the app threw: exit 1, the errors reported as a last failed case."""
    root = write_app(tmp_path / "app", {"pages/index/index.js": "Page({onLoad: function () { null.y; }});"})
    script = tmp_path / "s.json"
    script.write_text('[{"eval": "1"}]', encoding="utf-8")
    assert run(tmp_path, root, script) == 1
    assert "FAIL step 2: the app threw no uncaught errors" in capsys.readouterr().out


def test_bad_scripts_are_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A malformed script exits 2 naming the step; --junit without --script is refused."""
    script = tmp_path / "bad.json"
    script.write_text('[{"tap": "#a"}, {"tap": "#b", "text": "x"}]', encoding="utf-8")
    assert run(tmp_path, step_app(tmp_path), script) == 2
    assert "step 2: tap does not take text" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["run", str(step_app(tmp_path)), "--junit", "x.xml"])


@pytest.mark.parametrize(("data", "message"), [
    ([], "non-empty list"),
    ([{"tap": "#a", "wait_for": "#b"}], "exactly one action"),
    ([{"jump": 1}], "found none: unknown action 'jump'"),
    ([{"wait-for": "#a"}], r'unknown action \'wait-for\' \(did you mean "wait_for"\?\)'),
    ([{"input": "#q"}], "input needs text"),
    ([{"expect_text": "#q"}], "one of equals, contains, matches"),
    ([{"sleep": "long"}], "sleep takes a number"),
    ([42], "a step is a mapping"),
])
def test_step_language_checks(data: object, message: str) -> None:
    """Each malformed step is refused before the app starts, with what is wrong."""
    with pytest.raises(StepFileError, match=message):
        parse_steps(data)


def test_yaml_and_json_read_alike(tmp_path: Path) -> None:
    """The same steps in YAML and JSON (and {"steps": [...]}) parse the same."""
    (tmp_path / "a.yaml").write_text("steps:\n  - tap: '#go'\n    timeout: 2\n  - back\n",
                                     encoding="utf-8")
    (tmp_path / "a.json").write_text('[{"tap": "#go", "timeout": 2}, {"back": null}]',
                                     encoding="utf-8")
    assert load_steps(tmp_path / "a.yaml") == load_steps(tmp_path / "a.json")
    (tmp_path / "b.yaml").write_text("- tap: [", encoding="utf-8")
    with pytest.raises(StepFileError, match="invalid YAML"):
        load_steps(tmp_path / "b.yaml")


def test_the_documented_example_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """docs/script-steps.md's complete example runs green on the netdemo sample."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "script-steps.md").read_text(encoding="utf-8")
    example = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    script = tmp_path / "steps.yaml"
    script.write_text(example, encoding="utf-8")
    assert run(tmp_path, SAMPLES / "netdemo", script) == 0, capsys.readouterr().out
