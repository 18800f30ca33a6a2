"""Mock rules: the model, what a call is matched on, and the ordered rule list.

A rule (``docs/mocking.md``; issue 13 part 1) names the API it is for, a URL (glob, or a
regular expression), a method, parameter matchers and how many calls it answers
(``times``); its answer is one of :mod:`emulator.net.mock.answers`,
:mod:`~emulator.net.mock.dynamic` or :mod:`~emulator.net.mock.sockets`. The first enabled
rule of the list that matches a call answers it (list order is the priority, as in the
vendors' API Mock tab); the list can change while the app runs and the next call sees it.

Parameter matchers are regular expressions (``re.search``) on values found by a path::

    query.page          the URL's query parameter "page"
    header.x-token      a request header (name case-insensitive)
    data                the request body as text
    data.user.id        a field of the JSON body (or of a form-urlencoded body), nested
    formData.kind       a field of uploadFile's formData

A number, boolean or null is matched in its JSON spelling (``42``, ``true``, ``null``); an
object or list as its JSON text. A path that finds nothing makes the rule not match.
"""

from __future__ import annotations

import copy
import dataclasses
import fnmatch
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

APIS = ("request", "uploadFile", "downloadFile", "connectSocket")
PARAM_ROOTS = ("query", "header", "data", "formData")

_MISSING = object()


@dataclass
class MockCall:
    """What a call is matched on (and what a dynamic answer is given): the API, the
    method, the URL, the request headers, the body (not an upload's file) and an upload's
    formData."""

    api: str
    method: str
    url: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | None = None
    form: dict[str, str] | None = None
    _json: Any = field(default=_MISSING, repr=False)

    @property
    def query(self) -> dict[str, str]:
        """The URL's query parameters (the last value of a repeated name)."""
        return dict(parse_qsl(urlsplit(self.url).query, keep_blank_values=True))

    @property
    def text(self) -> str:
        """The body as text (undecodable bytes replaced)."""
        return (self.body or b"").decode("utf-8", errors="replace")

    @property
    def data(self) -> Any:
        """The body as a value: parsed JSON, else a form-urlencoded body as a dict, else
        the text (None without a body)."""
        if self._json is _MISSING:
            self._json = _parse_body(self.body, self.header("content-type") or "")
        return self._json

    def header(self, name: str) -> str | None:
        """A request header's first value (name case-insensitive)."""
        lname = name.lower()
        return next((v for k, v in self.headers if k.lower() == lname), None)

    def options(self) -> dict[str, Any]:
        """The call as a dynamic answer sees it: ``{api, url, method, header, query,
        data, formData}`` (``data`` as :attr:`data`)."""
        header: dict[str, str] = {}
        for k, v in self.headers:
            header[k] = f"{header[k]}, {v}" if k in header else v
        out: dict[str, Any] = {"api": self.api, "url": self.url, "method": self.method,
                               "header": header, "query": self.query, "data": self.data}
        if self.form is not None:
            out["formData"] = dict(self.form)
        return out


def _parse_body(body: bytes | None, content_type: str) -> Any:
    if not body:
        return None
    text = body.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        pass
    if "x-www-form-urlencoded" in content_type.lower():
        return dict(parse_qsl(text, keep_blank_values=True))
    return text


def lookup(call: MockCall, path: str) -> Any:
    """The value ``path`` names in ``call`` (see the module doc), or ``_MISSING``."""
    root, _, rest = path.partition(".")
    value: Any
    if root == "query":
        return call.query.get(rest, _MISSING) if rest else call.query
    if root == "header":
        found = call.header(rest) if rest else None
        return _MISSING if found is None else found
    if root == "formData":
        value = call.form if call.form is not None else _MISSING
    elif root == "data":
        if not rest:
            return call.text if call.body else _MISSING
        value = call.data
    else:
        return _MISSING
    for key in rest.split(".") if rest else []:
        if isinstance(value, dict) and key in value:
            value = value[key]
        elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            return _MISSING
    return value


def as_match_text(value: Any) -> str:
    """A found value as the text its regular expression is searched in."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class Answer(Protocol):
    """What a rule answers with (see answers.py, dynamic.py, sockets.py)."""

    kind: str


@dataclass(eq=False)
class Rule:
    """One mock rule. ``url`` is a glob (``*`` any run of characters, ``?`` one) unless
    ``regex`` is set (then ``re.search`` on the whole URL); ``method`` None matches any;
    ``params`` maps a path to a regular expression; ``times`` None answers every call,
    N only the first N (``used`` counts them)."""

    name: str
    answer: Answer
    api: str = "request"
    url: str = "*"
    regex: bool = False
    method: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    times: int | None = None
    enabled: bool = True
    delay_ms: float = 0.0
    used: int = 0
    _url_re: re.Pattern[str] | None = field(default=None, repr=False)
    _param_res: dict[str, re.Pattern[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.api not in APIS:
            raise ValueError(f"api must be one of {', '.join(APIS)}, not {self.api!r}")
        self._url_re = re.compile(self.url if self.regex else fnmatch.translate(self.url))
        for path, pattern in self.params.items():
            root = path.partition(".")[0]
            if root not in PARAM_ROOTS:
                raise ValueError(f'parameter path "{path}" must start with one of '
                                 f"{', '.join(PARAM_ROOTS)}")
            self._param_res[path] = re.compile(pattern)
        if self.method is not None:
            self.method = self.method.upper()

    def for_run(self) -> Rule:
        """This rule as a new run of the app starts with it: no call counted yet, and an
        answer of its own (a copy: a JS function gets a context of its own, a seeded
        template its sequence from the seed), so two launches from one Settings do not
        share their mocks' state."""
        return dataclasses.replace(self, used=0, answer=copy.deepcopy(self.answer))

    @property
    def spent(self) -> bool:
        """Whether ``times`` calls have been answered already."""
        return self.times is not None and self.used >= self.times

    def matches(self, call: MockCall) -> bool:
        """Whether this rule answers ``call`` (enabled and not spent are checked too)."""
        if not self.enabled or self.spent or call.api != self.api:
            return False
        if self.method is not None and call.method.upper() != self.method:
            return False
        assert self._url_re is not None
        url_ok = self._url_re.search(call.url) if self.regex else self._url_re.match(call.url)
        if not url_ok:
            return False
        for path, pattern in self._param_res.items():
            value = lookup(call, path)
            if value is _MISSING or not pattern.search(as_match_text(value)):
                return False
        return True


class RuleList:
    """The ordered, live rule list of one app: the settings' rules, then ``--mock``
    files', then whatever the automation API (or, later, a panel) adds. Observers
    registered with :meth:`subscribe` are called after every change."""

    def __init__(self, rules: list[Rule] | None = None) -> None:
        self._rules: list[Rule] = list(rules or [])
        self._observers: list[Callable[[], None]] = []

    def __iter__(self) -> Iterator[Rule]:
        return iter(list(self._rules))

    def __len__(self) -> int:
        return len(self._rules)

    def subscribe(self, observer: Callable[[], None]) -> None:
        """Call ``observer()`` after each change of the list."""
        self._observers.append(observer)

    def _changed(self) -> None:
        for observer in list(self._observers):
            observer()

    def add(self, rule: Rule, index: int | None = None) -> Rule:
        """Insert ``rule`` at ``index`` (the end by default); returns it."""
        self._rules.insert(len(self._rules) if index is None else index, rule)
        self._changed()
        return rule

    def remove(self, rule: Rule) -> bool:
        """Remove ``rule``; False when it is not in the list."""
        if rule not in self._rules:
            return False
        self._rules.remove(rule)
        self._changed()
        return True

    def move(self, rule: Rule, index: int) -> None:
        """Move ``rule`` to ``index`` (its priority)."""
        self._rules.remove(rule)
        self._rules.insert(index, rule)
        self._changed()

    def clear(self) -> None:
        """Remove every rule."""
        self._rules.clear()
        self._changed()

    def first_match(self, call: MockCall) -> Rule | None:
        """The rule that answers ``call`` (first enabled match in list order), counted as
        used; None when no rule matches."""
        for rule in self._rules:
            if rule.matches(call):
                rule.used += 1
                return rule
        return None
