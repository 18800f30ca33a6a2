"""The css of a mini-program as the mirror's page needs it: rpx in px, imports inlined,
custom components' css isolated [view-layer.md §1, §5].

A :class:`StyleBook` serves one app. The mirror puts these sheets in the page, in order:
:meth:`StyleBook.base_css`, :meth:`StyleBook.page_css` of the route, then
:meth:`StyleBook.component_css` of each custom component the page uses (any order).
Templates' ``style="…"`` attributes go through :meth:`StyleBook.inline_style`.

Contract with the mirror — what it writes on elements
-----------------------------------------------------
Elements are named ``swan-<tag>`` (emulator/gui/simulator/assets/tree.js) and type
selectors are renamed to match: ``view`` -> ``swan-view``; the page root, ``page`` in app
css, must be a ``swan-page`` element. Classes and ids are kept as written. Isolation is
carried by three attributes, all of which :meth:`StyleBook.scope_attrs` computes:

``data-swan-scope="<token>"``
    on every element a custom component's template made (``ViewNode.owner`` is a
    component instance), ``<token>`` = :meth:`StyleBook.scope_of` of that component's
    path (``ComponentCreated.path``). Not on the component's own tag (the page wrote it)
    nor on slot content (the page's nodes, styled by the page).
``data-swan-global`` (no value)
    besides ``data-swan-scope`` when the component's ``Component({options:
    {addGlobalClass: true}})``: the page's and app.css's class selectors then reach it.
``data-swan-outer="<names>"``
    on an element whose ``class`` holds classes passed in through the component's
    ``externalClasses`` (``<card title-class="red big">`` and ``class="title-class"`` in
    card's template: the element has ``class="red big"`` and ``data-swan-outer="red
    big"``). When the tag that passed them stands in another component's template, each
    name is written ``<that component's token>:<name>``.

What the sheets do with them (each compound selector gets a ``:where(…)`` guard, which adds
no specificity — see :mod:`emulator.view.css_scope`):

- component css matches only elements with its own ``data-swan-scope``; its class
  compounds also match classes it passed to a nested component (``data-swan-outer``);
- page and app.css compounds with a class match only elements without
  ``data-swan-scope``, with ``data-swan-global``, or whose ``data-swan-outer`` lists all
  the compound's classes; compounds without a class (``view``, ``#id``) reach every
  element, as the platform's class renaming lets them.

Known difference: a class inside ``:not()``/``:is()`` is not guarded, so page
``view:not(.on)`` does not match an isolated element that has class ``on`` (on the
platform its ``on`` is renamed and it matches).

Problems (bad css, imports that fail) are in :attr:`StyleBook.problems` as
``(file, line, col, message)``; the host shows them as load problems. A problem never
raises: the sheet keeps what could be read.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tinycss2
from tinycss2 import ast, serialize
from tinycss2.serializer import serialize_string_value, serialize_url

from emulator.view.css_scope import (
    GLOBAL_ATTR,
    OUTER_ATTR,
    SCOPE_ATTR,
    Compound,
    component_guard,
    page_guard,
)
from emulator.view.css_sheet import (
    GroupRule,
    ImportRule,
    Item,
    OtherRule,
    ParsedSheet,
    Problem,
    StyleRule,
    parse_sheet,
)
from emulator.view.css_units import convert_rpx, format_number, px_per_rpx

__all__ = ["GLOBAL_ATTR", "OUTER_ATTR", "SCOPE_ATTR", "Problem", "StyleBook"]

DEFAULT_SCREEN_WIDTH = 375.0  # px: the default emulated device (emulator/swan/system.py)
_STYLE_SUFFIXES = (".css", ".swan", ".js", ".json")
_INDENT = "  "

Stamp = tuple[int, int] | None  # (mtime_ns, size); None: the file is not there


@dataclass
class _Sheet:
    """An assembled sheet and what it was made from (to tell when it is stale)."""

    text: str
    width: float
    deps: dict[str, Stamp]
    problems: list[Problem]


@dataclass
class _Assembly:
    """One sheet being written: its lines, the files it read, the problems met."""

    guard: Callable[[Compound], str]
    ratio: float
    lines: list[str] = field(default_factory=list)
    deps: dict[str, Stamp] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


class StyleBook:
    """The css of one app folder (``root``), for a screen ``screen_width`` CSS px wide.

    ``app_json`` is the app's parsed ``app.json`` (read from ``root`` when not given): its
    independent subpackages get no app.css [performance/subpackages.md].
    ``safe_area_bottom`` is the bottom inset in px of the emulated device: 34 on an
    iPhone X-like phone, 0 (the default device, an iPhone 6) elsewhere [framework/
    view_css.md]. Parsed files are cached by path, mtime and size; assembled sheets until
    one of their files (or the width) changes.
    """

    def __init__(self, root: str | Path, screen_width: float = DEFAULT_SCREEN_WIDTH, *,
                 app_json: dict[str, Any] | None = None, safe_area_bottom: float = 0.0) -> None:
        self.root = Path(root).resolve()
        self._width = DEFAULT_SCREEN_WIDTH
        self.screen_width = screen_width
        self.safe_area_bottom = safe_area_bottom
        self._independent = _independent_roots(self.root, app_json)
        self._parsed: dict[str, tuple[Stamp, ParsedSheet]] = {}
        self._sheets: dict[str, _Sheet] = {}
        self._problems: dict[str, list[Problem]] = {}
        self._tokens: dict[str, str] = {}
        self._token_owner: dict[str, str] = {}

    @property
    def screen_width(self) -> float:
        """The screen width in CSS px (750rpx); setting it re-converts every sheet."""
        return self._width

    @screen_width.setter
    def screen_width(self, value: float) -> None:
        px_per_rpx(value)  # ValueError unless > 0
        self._width = float(value)

    @property
    def problems(self) -> list[Problem]:
        """The problems of the sheets as last assembled, each once, in the order found."""
        seen: dict[Problem, None] = {}
        for found in self._problems.values():
            seen.update(dict.fromkeys(found))
        return list(seen)

    # -- sheets ---------------------------------------------------------------------------

    def base_css(self) -> str:
        """The built-in safe-area classes [framework/view_css.md]: the platform injects them
        only on devices with a bottom inset, so this is "" when ``safe_area_bottom`` is 0."""
        if self.safe_area_bottom <= 0:
            return ""
        px = f"{format_number(self.safe_area_bottom)}px"
        return (f".swan-security-padding-bottom {{ padding-bottom: {px} }}\n"
                f".swan-security-margin-bottom {{ margin-bottom: {px} }}\n"
                f".swan-security-fixed-bottom {{ bottom: {px} }}\n")

    def page_css(self, route: str) -> str:
        """app.css (unless ``route`` is in an independent subpackage) then ``route``.css,
        imports inlined, rpx in px, page isolation guards (module docstring). Missing files
        give ""; problems go to :attr:`problems`."""
        route = route.split("?", 1)[0].strip("/")
        files = [f"{route}.css"]
        if not any(route.startswith(f"{root}/") for root in self._independent):
            files.insert(0, "app.css")
        return self._sheet(f"page:{route}", files, page_guard)

    def component_css(self, component_path: str) -> str:
        """The css of the component at ``component_path`` (its files' path without
        extension, as in ``usingComponents`` resolved: ``components/card/card``), imports
        inlined, rpx in px, every compound limited to the component's elements."""
        path = _component_path(component_path)
        return self._sheet(f"component:{path}", [f"{path}.css"],
                           component_guard(self.scope_of(path)))

    def inline_style(self, style_text: str, *, screen_width: float | None = None) -> str:
        """A ``style`` attribute's text with rpx in px (``"width: 20rpx"`` ->
        ``"width: 10px"`` at 375px); anything else, broken text included, as written
        (the browser drops what it cannot read, as on the platform)."""
        ratio = px_per_rpx(self._width if screen_width is None else screen_width)
        tokens = tinycss2.parse_component_value_list(style_text, skip_comments=True)
        return serialize(convert_rpx(tokens, ratio)).strip()

    # -- scopes ---------------------------------------------------------------------------

    def scope_of(self, component_path: str) -> str:
        """The scope token of a component (``c`` + hex, e.g. ``c3f9a1``): derived from its
        path, so the same across runs; lengthened in the rare case two paths collide."""
        path = _component_path(component_path)
        token = self._tokens.get(path)
        if token is None:
            digest = hashlib.blake2s(path.encode("utf-8")).hexdigest()
            size = 5
            while f"c{digest[:size]}" in self._token_owner:
                size += 1
            token = f"c{digest[:size]}"
            self._tokens[path] = token
            self._token_owner[token] = path
        return token

    def scope_attrs(self, component_path: str | None, *, add_global_class: bool = False,
                    outer_classes: Iterable[str] = (),
                    outer_component: str | None = None) -> dict[str, str]:
        """The isolation attributes of one element (module docstring): ``component_path``
        of the component whose template made it (None for the page's own nodes),
        whether that component has ``addGlobalClass``, the classes on it that came in
        through externalClasses and the component whose template passed them (None: the
        page did)."""
        attrs: dict[str, str] = {}
        if component_path is not None:
            attrs[SCOPE_ATTR] = self.scope_of(component_path)
            if add_global_class:
                attrs[GLOBAL_ATTR] = ""
        names = list(dict.fromkeys(c for c in outer_classes if c))
        if names:
            prefix = f"{self.scope_of(outer_component)}:" if outer_component else ""
            attrs[OUTER_ATTR] = " ".join(prefix + name for name in names)
        return attrs

    # -- assembly -------------------------------------------------------------------------

    def _sheet(self, key: str, files: list[str], guard: Callable[[Compound], str]) -> str:
        cached = self._sheets.get(key)
        if (cached is not None and cached.width == self._width
                and all(self._stamp(f) == s for f, s in cached.deps.items())):
            return cached.text
        job = _Assembly(guard, px_per_rpx(self._width))
        for file in files:
            self._include(job, file, (), 0)
        text = "".join(f"{line}\n" for line in job.lines)
        self._sheets[key] = _Sheet(text, self._width, job.deps, job.problems)
        self._problems[key] = job.problems
        return text

    def _include(self, job: _Assembly, file: str, stack: tuple[str, ...], depth: int) -> bool:
        """Write ``file``'s rules into ``job``; False when the file is not there."""
        stamp, parsed = self._parse(file)
        job.deps[file] = stamp
        if parsed is None:
            return False
        job.problems.extend(parsed.problems)
        self._items(job, parsed.items, file, (*stack, file), depth)
        return True

    def _items(self, job: _Assembly, items: list[Item], file: str, stack: tuple[str, ...],
               depth: int) -> None:
        pad = _INDENT * depth
        for item in items:
            if isinstance(item, StyleRule):
                selectors = ", ".join(s.render(job.guard) for s in item.selectors)
                body = "; ".join(_declaration(d, job.ratio, file) for d in item.declarations)
                job.lines.append(f"{pad}{selectors} {{ {body} }}" if body
                                 else f"{pad}{selectors} {{}}")
            elif isinstance(item, GroupRule):
                prelude = serialize(convert_rpx(item.prelude, job.ratio)).strip()
                job.lines.append(f"{pad}@{item.keyword} {prelude} {{")
                self._items(job, item.children, file, stack, depth + 1)
                job.lines.append(f"{pad}}}")
            elif isinstance(item, ImportRule):
                self._import(job, item, file, stack, depth)
            elif isinstance(item, OtherRule):
                node = convert_rpx([item.node], job.ratio)
                job.lines.append(pad + serialize(node).strip())

    def _import(self, job: _Assembly, rule: ImportRule, file: str, stack: tuple[str, ...],
                depth: int) -> None:
        where = (file, rule.line, rule.col)
        head = f'@import "{rule.target}"'
        if "://" in rule.target or rule.target.startswith("//"):
            job.problems.append(Problem(*where, f"{head}: only the app's own files can be "
                                                "imported; skipped"))
            return
        target = _resolve(file, rule.target)
        if target is None:
            job.problems.append(Problem(*where, f"{head} leaves the app folder; skipped"))
            return
        if target in stack:
            cycle = " -> ".join((*stack[stack.index(target):], target))
            job.problems.append(Problem(*where, f"{head}: import cycle {cycle}; "
                                                "not imported again"))
            return
        media = serialize(convert_rpx(rule.media, job.ratio)).strip()
        if media:
            job.lines.append(f"{_INDENT * depth}@media {media} {{")
        found = self._include(job, target, stack, depth + 1 if media else depth)
        if media:
            job.lines.append(f"{_INDENT * depth}}}")
            if not found:
                job.lines[-2:] = []
        if not found:
            job.problems.append(Problem(*where, f"{head}: {target} not found; skipped"))

    # -- files ----------------------------------------------------------------------------

    def _stamp(self, file: str) -> Stamp:
        try:
            st = (self.root / file).stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def _parse(self, file: str) -> tuple[Stamp, ParsedSheet | None]:
        """The file parsed, from the cache while its mtime and size are unchanged."""
        stamp = self._stamp(file)
        if stamp is None:
            self._parsed.pop(file, None)
            return None, None
        cached = self._parsed.get(file)
        if cached is not None and cached[0] == stamp:
            return cached
        try:
            text = (self.root / file).read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            parsed = ParsedSheet([], [Problem(file, 1, 1, f"not UTF-8 text ({exc.reason}); "
                                                          "skipped")])
        except OSError as exc:
            parsed = ParsedSheet([], [Problem(file, 1, 1, f"cannot read: {exc.strerror}")])
        else:
            parsed = parse_sheet(text, file)
        self._parsed[file] = (stamp, parsed)
        return stamp, parsed


def _declaration(decl: ast.Declaration, ratio: float, file: str) -> str:
    value = serialize(rebase_urls(convert_rpx(decl.value, ratio), file)).strip()
    return f"{decl.name}: {value}{' !important' if decl.important else ''}"


_URL_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_URL_KEPT = ("http:", "https:", "data:", "swan:")


def rebase_url(target: str, file: str) -> str:
    """A ``url()`` of the css ``file`` as the page can load it: a relative path is made
    absolute from the app folder (the page's ``<base>`` is the page's own folder, not the
    css file's), ``/x`` stays; http(s), data and swan URLs stay; a path climbing out of the
    app or another scheme (file:, javascript:) becomes empty (nothing loads)."""
    target = target.strip()
    if not target or target.startswith(("#", "/")):
        return target
    if _URL_SCHEME.match(target):
        return target if target.lower().startswith(_URL_KEPT) else ""
    resolved = _resolve(file, target)
    return "/" + resolved if resolved is not None else ""


def _string(token: ast.StringToken, value: str) -> ast.StringToken:
    return ast.StringToken(token.source_line, token.source_column, value,
                           f'"{serialize_string_value(value)}"')


def rebase_urls(nodes: list[ast.Node], file: str) -> list[ast.Node]:
    """``nodes`` with each ``url(...)`` rebased (:func:`rebase_url`), in functions too."""
    out: list[ast.Node] = []
    for node in nodes:
        if isinstance(node, ast.URLToken):
            url = rebase_url(node.value, file)
            node = ast.URLToken(node.source_line, node.source_column, url,
                                f"url({serialize_url(url)})")
        elif isinstance(node, ast.FunctionBlock):
            args = node.arguments
            if node.lower_name == "url":
                args = [_string(a, rebase_url(a.value, file))
                        if isinstance(a, ast.StringToken) else a for a in args]
            else:
                args = rebase_urls(args, file)
            node = ast.FunctionBlock(node.source_line, node.source_column, node.name, args)
        out.append(node)
    return out


def _resolve(importer: str, target: str) -> str | None:
    """An import's file relative to the app folder: relative to the importing file, or to
    the app folder when it starts with ``/``; None when it climbs out."""
    joined = target.lstrip("/") if target.startswith("/") else posixpath.join(
        posixpath.dirname(importer), target)
    path = posixpath.normpath(joined)
    if path.startswith("../") or path == ".." or path.startswith("/"):
        return None
    return path


def _component_path(path: str) -> str:
    path = posixpath.normpath(path.strip().lstrip("/"))
    for suffix in _STYLE_SUFFIXES:
        if path.endswith(suffix):
            return path[: -len(suffix)]
    return path


def _independent_roots(root: Path, app_json: dict[str, Any] | None) -> list[str]:
    if app_json is None:
        try:
            app_json = json.loads((root / "app.json").read_text(encoding="utf-8-sig"))
        except (OSError, ValueError):
            app_json = {}
    subs = app_json.get("subPackages", app_json.get("subpackages")) if isinstance(
        app_json, dict) else None
    if not isinstance(subs, list):
        return []
    return [sub["root"].strip("/") for sub in subs
            if isinstance(sub, dict) and isinstance(sub.get("root"), str)
            and sub.get("independent") is True]
