"""Rules from JSON: the settings' ``mocks`` list, a ``--mock FILE``, the automation API.

Every mistake is a ConfigError naming the file and the rule (``mocks[2].respnse``), an
unknown key with a suggestion, like the rest of the settings (emulator/config.py). File
bodies are found relative to the file the rule is in. The format is ``docs/mocking.md``.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

from emulator.errors import ConfigError, ScriptError, did_you_mean
from emulator.net.mock.answers import FAILURES, BodySpec, Fail, Respond, Rewrite
from emulator.net.mock.dynamic import JsAnswer
from emulator.net.mock.rules import APIS, PARAM_ROOTS, Rule
from emulator.net.mock.sockets import Action, SocketScript
from emulator.net.mock.templates import Template, TemplateProblem

RULE_KEYS = ("name", "enabled", "api", "url", "urlRegex", "method", "params", "times",
             "delay", "response", "fail", "rewrite", "js", "socket")
ANSWER_KEYS = ("response", "fail", "rewrite", "js", "socket")
BODY_KEYS = ("json", "text", "file", "template", "base64")
RESPONSE_KEYS = ("status", "headers", *BODY_KEYS, "locale", "seed")
REWRITE_KEYS = ("status", "headers", *BODY_KEYS, "patch", "locale", "seed")
SOCKET_KEYS = ("onOpen", "onMessage")
ACTION_KEYS = ("send", "wait", "close", "drop")
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "CONNECT",
                "PATCH")


class RuleReader:
    """Reads rules for one source (a file name for messages, a folder for file bodies)
    under the app's script limits (for ``js`` answers)."""

    def __init__(self, source: str, base_dir: Path, *, time_limit: float = 5.0,
                 memory_limit: int = 64 * 1024 * 1024) -> None:
        self.source = source
        self.base_dir = base_dir
        self.time_limit = time_limit
        self.memory_limit = memory_limit

    def fail(self, where: str, message: str) -> ConfigError:
        return ConfigError(f'{self.source}: "{where}": {message}')

    def keys(self, data: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
        for key in data:
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                raise self.fail(f"{where}.{key}", f"unknown key{hint}; the keys are "
                                f"{', '.join(allowed)}")

    def expect(self, value: Any, kind: type | tuple[type, ...], where: str, what: str) -> Any:
        if isinstance(value, bool) and kind in (int, float, (int, float)):
            raise self.fail(where, f"must be {what}, not {json.dumps(value)}")
        if not isinstance(value, kind):
            raise self.fail(where, f"must be {what}, not {json.dumps(value)[:60]}")
        return value

    def rules(self, data: Any, where: str = "mocks") -> list[Rule]:
        """A list of rules."""
        self.expect(data, list, where, "a list of rules")
        return [self.rule(item, f"{where}[{i}]") for i, item in enumerate(data)]

    def rule(self, data: Any, where: str) -> Rule:
        """One rule."""
        self.expect(data, dict, where, "an object")
        self.keys(data, RULE_KEYS, where)
        api = data.get("api", "request")
        if api not in APIS:
            raise self.fail(f"{where}.api", f"must be one of {', '.join(APIS)}")
        answers = [k for k in ANSWER_KEYS if k in data]
        if len(answers) != 1:
            raise self.fail(where, f"needs exactly one answer of {', '.join(ANSWER_KEYS)}"
                            + (f" (it has {', '.join(answers)})" if answers else ""))
        kind = answers[0]
        socket_ok = ("socket", "fail")
        if api == "connectSocket" and kind not in socket_ok:
            raise self.fail(f"{where}.{kind}", "a connectSocket rule answers with socket or fail")
        if api != "connectSocket" and kind == "socket":
            raise self.fail(f"{where}.socket", 'only for "api": "connectSocket"')
        if "url" in data and "urlRegex" in data:
            raise self.fail(where, "give url (a glob) or urlRegex, not both")
        regex = "urlRegex" in data
        url = self.expect(data.get("urlRegex", data.get("url", "*")), str,
                          f"{where}.{'urlRegex' if regex else 'url'}", "a string")
        if regex:
            self.regex(url, f"{where}.urlRegex")
        method = data.get("method")
        if method is not None:
            self.expect(method, str, f"{where}.method", "a string")
            if method.upper() not in HTTP_METHODS:
                raise self.fail(f"{where}.method", f"must be one of {', '.join(HTTP_METHODS)}")
        params = self.expect(data.get("params", {}), dict, f"{where}.params", "an object")
        for path, pattern in params.items():
            if path.partition(".")[0] not in PARAM_ROOTS:
                raise self.fail(f"{where}.params.{path}", "a path starts with one of "
                                f"{', '.join(PARAM_ROOTS)} (query.page, data.user.id, "
                                "header.x-token, formData.kind)")
            self.expect(pattern, str, f"{where}.params.{path}", "a regular expression")
            self.regex(pattern, f"{where}.params.{path}")
        times = data.get("times")
        if times is not None and (self.expect(times, int, f"{where}.times", "a number") < 1):
            raise self.fail(f"{where}.times", "must be at least 1")
        delay = self.expect(data.get("delay", 0), (int, float), f"{where}.delay",
                            "milliseconds")
        if delay < 0:
            raise self.fail(f"{where}.delay", "must not be negative")
        name = self.expect(data.get("name", f"{where}"), str, f"{where}.name", "a string")
        enabled = self.expect(data.get("enabled", True), bool, f"{where}.enabled",
                              "true or false")
        answer = getattr(self, f"_{kind}")(data[kind], f"{where}.{kind}")
        return Rule(name=name, answer=answer, api=api, url=url, regex=regex, method=method,
                    params=dict(params), times=times, enabled=enabled, delay_ms=float(delay))

    def regex(self, pattern: str, where: str) -> None:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise self.fail(where, f"not a regular expression ({exc})") from None

    # ---- answers ----------------------------------------------------------------------
    def _response(self, data: Any, where: str) -> Respond:
        self.expect(data, dict, where, "an object")
        self.keys(data, RESPONSE_KEYS, where)
        status = self.status(data.get("status", 200), f"{where}.status")
        headers = self.headers(data.get("headers", {}), f"{where}.headers", allow_null=False)
        return Respond(status, [(k, v) for k, v in headers.items() if v is not None],
                       self.body(data, where))

    def _rewrite(self, data: Any, where: str) -> Rewrite:
        self.expect(data, dict, where, "an object")
        self.keys(data, REWRITE_KEYS, where)
        status = self.status(data["status"], f"{where}.status") if "status" in data else None
        patch = self.expect(data.get("patch", {}), dict, f"{where}.patch", "an object")
        return Rewrite(status, self.headers(data.get("headers", {}), f"{where}.headers",
                                            allow_null=True),
                       self.body(data, where), dict(patch))

    def _fail(self, data: Any, where: str) -> Fail:
        if data not in FAILURES:
            hint = did_you_mean(str(data), FAILURES, cutoff=0.5)
            raise self.fail(where, f"must be one of {', '.join(FAILURES)}{hint}")
        return Fail(data)

    def _js(self, data: Any, where: str) -> JsAnswer:
        self.expect(data, str, where, "a JavaScript function's source")
        answer = JsAnswer(data, self.time_limit, self.memory_limit)
        try:
            answer.check()
        except ScriptError as exc:
            raise self.fail(where, exc.message) from None
        return answer

    def _socket(self, data: Any, where: str) -> SocketScript:
        self.expect(data, dict, where, "an object")
        self.keys(data, SOCKET_KEYS, where)
        script = SocketScript(self.actions(data.get("onOpen", []), f"{where}.onOpen"))
        handlers = self.expect(data.get("onMessage", []), list, f"{where}.onMessage", "a list")
        for i, item in enumerate(handlers):
            at = f"{where}.onMessage[{i}]"
            self.expect(item, dict, at, "an object")
            self.keys(item, ("match", "do"), at)
            pattern = self.expect(item.get("match", ""), str, f"{at}.match",
                                  "a regular expression")
            self.regex(pattern, f"{at}.match")
            script.on_message.append((re.compile(pattern),
                                      self.actions(item.get("do", []), f"{at}.do")))
        return script

    def actions(self, data: Any, where: str) -> list[Action]:
        """A socket script's action list."""
        out = []
        for i, item in enumerate(self.expect(data, list, where, "a list of actions")):
            at = f"{where}[{i}]"
            self.expect(item, dict, at, "an object")
            self.keys(item, ACTION_KEYS, at)
            if len(item) != 1:
                raise self.fail(at, f"one of {', '.join(ACTION_KEYS)} per action")
            op, value = next(iter(item.items()))
            if op == "wait":
                if self.expect(value, (int, float), f"{at}.wait", "milliseconds") < 0:
                    raise self.fail(f"{at}.wait", "must not be negative")
            elif op == "send":
                value = self.frame(value, f"{at}.send")
            elif op == "close":
                self.expect(value, dict, f"{at}.close", "an object {code, reason}")
                self.keys(value, ("code", "reason"), f"{at}.close")
                code = self.expect(value.get("code", 1000), int, f"{at}.close.code", "a number")
                if not (code == 1000 or 3000 <= code <= 4999 or code in (1001, 1002, 1003,
                                                                         1007, 1008, 1009,
                                                                         1010, 1011)):
                    raise self.fail(f"{at}.close.code", "must be 1000, 1001-1003, 1007-1011 "
                                    "or 3000-4999 (RFC 6455 §7.4)")
                value = (code, self.expect(value.get("reason", ""), str, f"{at}.close.reason",
                                           "a string"))
            elif op == "drop" and value is not True:
                raise self.fail(f"{at}.drop", "must be true")
            out.append(Action(op, value))
        return out

    def frame(self, value: Any, where: str) -> Any:
        """A frame to send: text, ``{json}``, ``{binary: base64}`` or ``{template}``."""
        if isinstance(value, str):
            return value
        self.expect(value, dict, where, 'text or {"json"|"binary"|"template": ...}')
        self.keys(value, ("json", "binary", "template", "locale", "seed"), where)
        if "binary" in value:
            try:
                return base64.b64decode(self.expect(value["binary"], str, f"{where}.binary",
                                                    "base64 text"), validate=True)
            except ValueError:
                raise self.fail(f"{where}.binary", "is not base64") from None
        if "template" in value:
            return self.template(value, where)
        if "json" in value:
            return json.dumps(value["json"], ensure_ascii=False)
        raise self.fail(where, "needs json, binary or template")

    # ---- parts ------------------------------------------------------------------------
    def status(self, value: Any, where: str) -> int:
        status: int = self.expect(value, int, where, "an HTTP status")
        if not 100 <= status <= 999:
            raise self.fail(where, "must be an HTTP status (100-999)")
        return status

    def headers(self, value: Any, where: str, *, allow_null: bool) -> dict[str, str | None]:
        self.expect(value, dict, where, "an object")
        out: dict[str, str | None] = {}
        for name, item in value.items():
            if item is None and allow_null:
                out[name] = None
                continue
            out[name] = str(self.expect(item, (str, int, float), f"{where}.{name}",
                                        "a string"))
        return out

    def template(self, data: dict[str, Any], where: str) -> Template:
        locale = self.expect(data.get("locale", "en_US"), str, f"{where}.locale", "a locale")
        seed = data.get("seed")
        if seed is not None:
            self.expect(seed, int, f"{where}.seed", "a number")
        try:
            return Template(data["template"], locale=locale, seed=seed)
        except TemplateProblem as exc:
            raise self.fail(f"{where}.template", str(exc)) from None

    def body(self, data: dict[str, Any], where: str) -> BodySpec | None:
        kinds = [k for k in BODY_KEYS if k in data]
        if len(kinds) > 1:
            raise self.fail(where, f"one body only ({', '.join(kinds)} given)")
        if not kinds:
            return None
        kind = kinds[0]
        value = data[kind]
        if kind == "text":
            self.expect(value, str, f"{where}.text", "a string")
        elif kind == "file":
            path = Path(self.expect(value, str, f"{where}.file", "a path"))
            path = path if path.is_absolute() else self.base_dir / path
            if not path.is_file():
                raise self.fail(f"{where}.file", f"{path} is not a file")
            value = path
        elif kind == "template":
            value = self.template(data, where)
        elif kind == "base64":
            try:
                value = base64.b64decode(self.expect(value, str, f"{where}.base64",
                                                     "base64 text"), validate=True)
            except ValueError:
                raise self.fail(f"{where}.base64", "is not base64") from None
            kind = "bytes"
        return BodySpec(kind, value)


def read_rule_file(path: Path, **limits: Any) -> list[Rule]:
    """The rules of a ``--mock FILE``: a JSON list of rules, or an object with ``mocks``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the mock file ({exc.strerror})") from None
    except ValueError as exc:
        raise ConfigError(f"{path}: invalid JSON: {exc}") from None
    if isinstance(data, dict) and "mocks" in data:
        data = data["mocks"]
    return RuleReader(str(path), path.resolve().parent, **limits).rules(data)
