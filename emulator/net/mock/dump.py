"""Rules as JSON: the inverse of :mod:`emulator.net.mock.load`, and a rule made from a
recorded flow ("Mock this response").

The window's Mock panel edits rules as the JSON ``docs/mocking.md`` describes and saves
the list to the settings' ``mocks``; rules it did not make itself (the settings', a
``--mock`` file's, the automation API's) are turned back into that JSON here. What
:class:`~emulator.net.mock.load.RuleReader` reads from :func:`rule_json` is the same rule.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from emulator.flows.flow import HttpFlow, header
from emulator.flows.har import as_text
from emulator.net.mock.answers import BodySpec, Fail, Respond, Rewrite
from emulator.net.mock.dynamic import JsAnswer
from emulator.net.mock.rules import Rule
from emulator.net.mock.sockets import Action, SocketScript
from emulator.net.mock.templates import Template

# Response headers a canned answer must not copy: the body is stored decoded, and its
# length and framing are computed again for whatever body the rule ends up with.
_NOT_COPIED = frozenset({"content-length", "content-encoding", "transfer-encoding",
                         "connection", "keep-alive", "date"})


def rule_json(rule: Rule, base_dir: Path | None = None) -> dict[str, Any] | None:
    """The rule as a settings entry (defaults left out); file bodies relative to
    ``base_dir`` when they are inside it. None for a rule whose answer has no JSON form
    (a Python handler of the automation API)."""
    answer = _answer_json(rule.answer, base_dir)
    if answer is None:
        return None
    out: dict[str, Any] = {"name": rule.name}
    if not rule.enabled:
        out["enabled"] = False
    if rule.api != "request":
        out["api"] = rule.api
    out["urlRegex" if rule.regex else "url"] = rule.url
    if rule.method:
        out["method"] = rule.method
    if rule.params:
        out["params"] = dict(rule.params)
    if rule.times is not None:
        out["times"] = rule.times
    if rule.delay_ms:
        out["delay"] = int(rule.delay_ms) if rule.delay_ms.is_integer() else rule.delay_ms
    out.update(answer)
    return out


def answer_kind(rule: Rule) -> str:
    """The answer's key in the JSON (``response``, ``fail``, ``rewrite``, ``js``,
    ``socket``), or ``python`` for a handler of the automation API."""
    kind = getattr(rule.answer, "kind", "?")
    return "response" if kind == "respond" else str(kind)


def _answer_json(answer: Any, base_dir: Path | None) -> dict[str, Any] | None:
    if isinstance(answer, Respond):
        response: dict[str, Any] = {"status": answer.status}
        if answer.headers:
            response["headers"] = _header_dict(answer.headers)
        response.update(_body_json(answer.body, base_dir))
        return {"response": response}
    if isinstance(answer, Fail):
        return {"fail": answer.failure}
    if isinstance(answer, Rewrite):
        rewrite: dict[str, Any] = {}
        if answer.status is not None:
            rewrite["status"] = answer.status
        if answer.headers:
            rewrite["headers"] = dict(answer.headers)
        rewrite.update(_body_json(answer.body, base_dir))
        if answer.patch:
            rewrite["patch"] = dict(answer.patch)
        return {"rewrite": rewrite}
    if isinstance(answer, JsAnswer):
        return {"js": answer.source}
    if isinstance(answer, SocketScript):
        script: dict[str, Any] = {}
        if answer.on_open:
            script["onOpen"] = [_action_json(a) for a in answer.on_open]
        if answer.on_message:
            script["onMessage"] = [{"match": pattern.pattern,
                                    "do": [_action_json(a) for a in actions]}
                                   for pattern, actions in answer.on_message]
        return {"socket": script}
    return None


def _header_dict(headers: list[tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in headers:
        out[name] = f"{out[name]}, {value}" if name in out else value
    return out


def _template_json(template: Template) -> dict[str, Any]:
    out: dict[str, Any] = {"template": template.value}
    if template.locale != "en_US":
        out["locale"] = template.locale
    if template.seed is not None:
        out["seed"] = template.seed
    return out


def _body_json(body: BodySpec | None, base_dir: Path | None) -> dict[str, Any]:
    if body is None:
        return {}
    if body.kind == "file":
        path = Path(body.value)
        if base_dir is not None and path.is_relative_to(base_dir):
            return {"file": path.relative_to(base_dir).as_posix()}
        return {"file": str(path)}
    if body.kind == "template":
        return _template_json(body.value)
    if body.kind == "bytes":
        return {"base64": base64.b64encode(bytes(body.value)).decode("ascii")}
    return {body.kind: body.value}


def _action_json(action: Action) -> dict[str, Any]:
    value = action.value
    if action.op == "send":
        if isinstance(value, Template):
            return {"send": _template_json(value)}
        if isinstance(value, (bytes, bytearray)):
            return {"send": {"binary": base64.b64encode(bytes(value)).decode("ascii")}}
        return {"send": value}
    if action.op == "close":
        code, reason = value
        return {"close": {"code": code, "reason": reason}}
    if action.op == "drop":
        return {"drop": True}
    return {action.op: value}


def glob_literal(url: str) -> str:
    """``url`` as a glob matching itself: ``*`` and ``[`` made literal (a ``?`` matches
    any one character, itself included, so the URL still reads as it is)."""
    return url.replace("[", "[[]").replace("*", "[*]")


def flow_rule(flow: HttpFlow) -> dict[str, Any]:
    """A ``response`` rule answering what ``flow`` got: its API, method and exact URL;
    the status, the headers (but length, encoding and framing) and the body -- JSON as
    ``json``, text as ``text``, anything else as ``base64``.

    Raises ValueError when the flow has no response (it failed or is still waiting).
    A body the log kept only in part gives the part (``flow.response.body.truncated``).
    """
    resp = flow.response
    if resp is None:
        raise ValueError(f"flow #{flow.id} has no response to mock")
    path = flow.request.url.split("://", 1)[-1].partition("/")[2].partition("?")[0]
    response: dict[str, Any] = {"status": resp.status}
    headers = [(k, v) for k, v in resp.headers if k.lower() not in _NOT_COPIED]
    if headers:
        response["headers"] = _header_dict(headers)
    data = bytes(resp.body.data)
    if data:
        mime = header(resp.headers, "content-type") or ""
        text = as_text(data, mime)
        parsed: Any = None
        if (text is not None and text.lstrip()[:1] in ("{", "[")) or "json" in mime.lower():
            try:
                parsed = json.loads(text or "")
            except ValueError:
                parsed = None
        if parsed is not None:
            response["json"] = parsed
        elif text is not None:
            response["text"] = text
        else:
            response["base64"] = base64.b64encode(data).decode("ascii")
    out: dict[str, Any] = {"name": f"{flow.request.method} /{path}"}
    if flow.api != "request":
        out["api"] = flow.api
    out.update({"url": glob_literal(flow.request.url), "method": flow.request.method,
                "response": response})
    return out
