"""Mock rule matching: URL glob/regex, method, parameters by path, times, order, enabled."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from emulator.net.mock.load import RuleReader
from emulator.net.mock.rules import MockCall, Rule, RuleList


def rule(tmp_path: Path, **data: object) -> Rule:
    data.setdefault("response", {})
    return RuleReader("test.json", tmp_path).rule(data, "mocks[0]")


def call(url: str, method: str = "GET", body: object = None, api: str = "request",
         headers: list[tuple[str, str]] | None = None, form: dict[str, str] | None = None,
         ) -> MockCall:
    raw = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
    return MockCall(api, method, url, headers or [], raw, form)


def test_url_glob_and_regex(tmp_path: Path) -> None:
    """A glob matches the whole URL (* any run, ? one character); a regex is searched."""
    glob = rule(tmp_path, url="https://api.demo.test/user/*")
    assert glob.matches(call("https://api.demo.test/user/42?x=1"))
    assert not glob.matches(call("https://api.demo.test/users"))
    assert not glob.matches(call("http://api.demo.test/user/42"))
    one = rule(tmp_path, url="*/v?/items")
    assert one.matches(call("https://a.test/v2/items")) and not one.matches(call("https://a.test/v10/items"))
    regex = rule(tmp_path, urlRegex=r"/user/\d+$")
    assert regex.matches(call("https://api.demo.test/user/42"))
    assert not regex.matches(call("https://api.demo.test/user/me"))


def test_method_and_api(tmp_path: Path) -> None:
    """method (any case) and api must both agree with the call."""
    post = rule(tmp_path, url="*", method="post")
    assert post.matches(call("https://a.test/", "POST"))
    assert not post.matches(call("https://a.test/", "GET"))
    assert not post.matches(call("https://a.test/", "POST", api="downloadFile"))
    down = rule(tmp_path, api="downloadFile")
    assert down.matches(call("https://a.test/f.png", api="downloadFile"))


def test_params_query_header_nested_json_and_form(tmp_path: Path) -> None:
    """Parameter regexes reach the query, headers, nested JSON fields and formData."""
    r = rule(tmp_path, params={"query.page": "^2$", "header.X-Token": "^abc",
                               "data.user.id": r"^4\d$", "data.tags.1": "^b$"})
    good = call("https://a.test/x?page=2", "POST", {"user": {"id": 42}, "tags": ["a", "b"]},
                headers=[("x-token", "abcdef")])
    assert r.matches(good)
    assert not r.matches(call("https://a.test/x?page=3", "POST", {"user": {"id": 42}, "tags": ["a", "b"]},
                              headers=[("x-token", "abcdef")]))
    assert not r.matches(call("https://a.test/x?page=2", "POST", {"user": {"id": 7}, "tags": ["a", "b"]},
                              headers=[("x-token", "abcdef")]))
    assert not r.matches(call("https://a.test/x?page=2", "POST", {"user": {}}, headers=[("x-token", "abc")]))
    form = rule(tmp_path, api="uploadFile", params={"formData.kind": "^avatar$"})
    assert form.matches(call("https://a.test/up", "POST", api="uploadFile", form={"kind": "avatar"}))
    assert not form.matches(call("https://a.test/up", "POST", api="uploadFile", form={"kind": "doc"}))
    urlencoded = rule(tmp_path, params={"data.name": "^swan app$"})
    assert urlencoded.matches(call("https://a.test/", "POST", b"name=swan+app&x=1",
                                   headers=[("Content-Type", "application/x-www-form-urlencoded")]))
    text = rule(tmp_path, params={"data": "hello"})
    assert text.matches(call("https://a.test/", "PUT", b"say hello"))


def test_times_order_enabled_and_live_changes(tmp_path: Path) -> None:
    """The first enabled match in list order wins; times spends a rule; changes apply to
    the next call."""
    once = rule(tmp_path, name="once", url="*/a", times=1)
    always = rule(tmp_path, name="always", url="*")
    rules = RuleList([once, always])
    assert rules.first_match(call("https://x.test/a")) is once
    assert rules.first_match(call("https://x.test/a")) is always  # once is spent
    assert once.used == 1 and always.used == 1
    off = rule(tmp_path, name="off", url="*", enabled=False)
    rules.add(off, 0)
    assert rules.first_match(call("https://x.test/b")) is always
    off.enabled = True
    assert rules.first_match(call("https://x.test/b")) is off
    rules.move(off, 1)
    rules.remove(always)
    assert rules.first_match(call("https://x.test/b")) is off
    rules.clear()
    assert rules.first_match(call("https://x.test/b")) is None


def test_a_rule_for_a_run_shares_what_is_only_read_and_copies_what_keeps_state() -> None:
    """Rule.for_run: a Python handler (and what it holds) and a plain body are the same
    objects; a JS function and a template are fresh; the count starts at 0."""
    import threading

    from emulator.net.mock.answers import BodySpec, Respond
    from emulator.net.mock.dynamic import JsAnswer, PyAnswer
    from emulator.net.mock.templates import Template

    class Recorder:
        def __init__(self) -> None:
            self.lock = threading.Lock()  # cannot be deep-copied
            self.calls: list[Any] = []

        def answer(self, options: dict[str, Any]) -> dict[str, Any]:
            self.calls.append(options)
            return {"data": 1}

    recorder = Recorder()
    py = Rule("py", PyAnswer(recorder.answer), used=3)
    big = Rule("big", Respond(body=BodySpec("json", {"items": list(range(1000))})))
    tpl = Rule("tpl", Respond(body=BodySpec("template", Template({"n": "{{faker.name}}"},
                                                                 seed=1))))
    js = Rule("js", JsAnswer("function (o) { return {data: 1}; }"))
    js.answer.check()  # makes its engine
    py_run, big_run, tpl_run, js_run = (r.for_run() for r in (py, big, tpl, js))
    assert py_run.used == 0 and py.used == 3
    assert py_run.answer is py.answer and py_run.answer.fn.__self__ is recorder
    assert big_run.answer.body is big.answer.body
    assert tpl_run.answer.body is not tpl.answer.body
    assert tpl_run.answer.body.value._fake is None
    assert js_run.answer._engine is None and js.answer._engine is not None
