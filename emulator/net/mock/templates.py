"""Fake-data templates for mock answers, filled by Faker (a maintained generator of
realistic names, addresses, texts, numbers in many locales; https://faker.readthedocs.io).

The syntax (``docs/mocking.md``): a template is any JSON value; in it

- ``"{{faker.name}}"``, ``"{{faker.random_int(min=1, max=9)}}"``: a Faker provider's
  value (arguments are Python literals). A string that is only a placeholder takes the
  value's own type (a number stays a number); inside other text it is written in.
- ``"{{request.query.page}}"``, ``"{{request.data.user.id}}"``, ``"{{request.url}}"``: a
  value of the call (``request`` is the dynamic answers' ``options``); ``"{{message}}"``
  in a socket reply: the message that triggered it.
- ``"{{index}}"``: the position (from 0) inside the nearest repeated list.
- a key ``"items|3"``: ``items`` becomes a list of 3 renderings of the value;
  ``"items|1-5"``: of 1 to 5.

Templates are checked when the rule is read (an unknown provider is a settings error with
a suggestion), and rendered afresh for each call.
"""

from __future__ import annotations

import ast
import copy
import datetime
import decimal
import random
import re
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from emulator.errors import did_you_mean

if TYPE_CHECKING:
    from faker import Faker

    from emulator.net.mock.rules import MockCall

_PLACEHOLDER = re.compile(r"\{\{\s*(.+?)\s*\}\}")
_FAKER = re.compile(r"^faker\.([A-Za-z]\w*)(?:\((.*)\))?$", re.DOTALL)
_CONTEXT = re.compile(r"^(request|message|index)((?:\.[\w-]+)*)$")
_REPEAT = re.compile(r"^(.*)\|(\d+)(?:-(\d+))?$")
MAX_REPEAT = 1000


class TemplateProblem(ValueError):
    """A template that cannot be rendered (its text says where)."""


_CACHE: dict[str, Faker] = {}  # unseeded Fakers, by locale


def faker_for(locale: str, seed: int | None) -> Faker:
    """A Faker for ``locale`` (imported on first use): one per locale is shared, but a
    seeded one is new each time, so each seeded template starts its sequence at its seed
    whatever ran before it in the process (tests under pytest-xdist)."""
    fake = _CACHE.get(locale) if seed is None else None
    if fake is None:
        from faker import Faker

        try:
            fake = Faker(locale)
        except AttributeError:
            raise TemplateProblem(f"unknown locale {locale!r}") from None
        if seed is None:
            _CACHE[locale] = fake
        else:
            fake.seed_instance(seed)
    return fake


def _args(text: str | None) -> tuple[list[Any], dict[str, Any]]:
    if not text:
        return [], {}
    try:
        call = ast.parse(f"f({text})", mode="eval").body
        assert isinstance(call, ast.Call)
        args = [ast.literal_eval(a) for a in call.args]
        kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg}
    except (SyntaxError, ValueError, AssertionError):
        raise TemplateProblem(f"arguments ({text}) are not literals") from None
    return args, kwargs


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (uuid.UUID, bytes)):
        return str(value) if isinstance(value, uuid.UUID) else value.hex()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return str(value)


class Template:
    """A checked template; :meth:`render` fills it."""

    def __init__(self, value: Any, *, locale: str = "en_US", seed: int | None = None) -> None:
        self.value = value
        self.locale = locale
        self.seed = seed
        self._fake: Faker | None = None
        self.check(value)

    def __deepcopy__(self, memo: dict[int, Any]) -> Template:
        """The same template (its value is only read), its fake data from the seed again."""
        twin = copy.copy(self)
        twin._fake = None
        return twin

    @property
    def fake(self) -> Faker:
        if self._fake is None:
            self._fake = faker_for(self.locale, self.seed)
        return self._fake

    def check(self, value: Any, where: str = "") -> None:
        """Raise TemplateProblem for an unknown provider, bad arguments or a bad
        repetition, naming where in the template."""
        if isinstance(value, dict):
            for key, item in value.items():
                m = _REPEAT.match(key)
                if m and m.group(3) and int(m.group(3)) < int(m.group(2)):
                    raise TemplateProblem(f"{where}{key}: the range is backwards")
                self.check(item, f"{where}{m.group(1) if m else key}.")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self.check(item, f"{where}{i}.")
        elif isinstance(value, str):
            for m in _PLACEHOLDER.finditer(value):
                self._check_expr(m.group(1), where.rstrip(".") or "the template")

    def _check_expr(self, expr: str, where: str) -> None:
        if _CONTEXT.match(expr):
            return
        m = _FAKER.match(expr)
        if m is None:
            raise TemplateProblem(f"{where}: {{{{{expr}}}}} is not faker.NAME, request.PATH, "
                                  "message or index")
        name = m.group(1)
        if not callable(getattr(self.fake, name, None)):
            hint = did_you_mean(name, [n for n in dir(self.fake) if not n.startswith("_")],
                                shown="faker.{}")
            raise TemplateProblem(f"{where}: no Faker provider {name!r}{hint}")
        _args(m.group(2))

    def render(self, call: MockCall | None, extra: dict[str, Any] | None = None) -> Any:
        """A fresh rendering for ``call`` (``extra``: more context, e.g. ``message``)."""
        context: dict[str, Any] = {"request": call.options() if call is not None else {}}
        context.update(extra or {})
        return self._render(self.value, context)

    def _render(self, value: Any, context: dict[str, Any]) -> Any:
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for key, item in value.items():
                m = _REPEAT.match(key)
                if m is None:
                    out[key] = self._render(item, context)
                    continue
                low = int(m.group(2))
                high = int(m.group(3)) if m.group(3) else low
                count = min(MAX_REPEAT, self._randint(low, high))
                out[m.group(1)] = [self._render(item, {**context, "index": i})
                                   for i in range(count)]
            return out
        if isinstance(value, list):
            return [self._render(item, context) for item in value]
        if isinstance(value, str):
            whole = _PLACEHOLDER.fullmatch(value)
            if whole:
                return self._eval(whole.group(1), context)
            return _PLACEHOLDER.sub(lambda m: _text(self._eval(m.group(1), context)), value)
        return value

    def _randint(self, low: int, high: int) -> int:
        if low == high:
            return low
        rng: random.Random = self.fake.random
        return rng.randint(low, high)

    def _eval(self, expr: str, context: dict[str, Any]) -> Any:
        m = _CONTEXT.match(expr)
        if m is not None:
            value = context.get(m.group(1))
            for key in m.group(2).split(".")[1:]:
                if isinstance(value, dict):
                    value = value.get(key)
                elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
                    value = value[int(key)]
                else:
                    value = None
            return value
        f = _FAKER.match(expr)
        assert f is not None  # checked when the template was made
        args, kwargs = _args(f.group(2))
        try:
            return _jsonable(getattr(self.fake, f.group(1))(*args, **kwargs))
        except (TypeError, ValueError, AttributeError) as exc:
            raise TemplateProblem(f"faker.{f.group(1)}: {exc}") from None


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    import json

    return json.dumps(value, ensure_ascii=False)
