"""Compile a parsed ``.swan`` template into a JavaScript render function.

The render function runs in the view context (emulator/view/prelude/render.js) ``with``
a scope over the page's data and returns plain nodes: ``{t: tag, a: attributes, c:
children, e: event bindings, k: trackBy key, p: "line:col"}`` and ``{x: text}``.
Expressions in ``{{ }}`` are JavaScript, run as written in that scope (no home-made
evaluator); the forms are those of [framework/view_*.md] (shared/spec/view-layer.md §2):
interpolation in text and attributes, ``s-if``/``s-elif``/``s-else``, ``s-for`` (``list``,
``item in list``, ``item, index in list``, ``s-for-item``/``s-for-index``, ``trackBy``),
``<block>``, ``<template name>``/``<template is data>``, ``<import>``/``<include>``,
two-way ``{= =}`` values, and event bindings (``bindtap``, ``bind:tap``, ``catchtap``,
``catch:tap``, ``capture-bind:``, ``capture-catch:``).

Names the generated code uses start with ``__v_``; the scope never resolves those, so
page data cannot shadow them.

Incremental rendering: every ``s-for``, every element with children outside loops and
every ``<template is>`` is a memo site (emulator/view/memo_sites.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from emulator.errors import TemplateError
from emulator.view.expression import null_safe
from emulator.view.memo_sites import IDENT, UNKNOWN, MemoSites
from emulator.view.template import Element, Node, Position, Text, parse_template

_MUSTACHE = re.compile(r"\{\{(.*?)\}\}|\{=(.*?)=\}", re.S)
_EVENT = re.compile(r"^(bind|catch|capture-bind|capture-catch):?([A-Za-z][\w-]*)$")
_FOR = re.compile(r"^\s*(?:([A-Za-z_$][\w$]*)\s*(?:,\s*([A-Za-z_$][\w$]*)\s*)?\s+in\s+)?(.+?)"
                  r"(?:\s+trackBy\s+(.+?))?\s*$", re.S)
DIRECTIVES = frozenset({"s-if", "s-elif", "s-else", "s-for", "s-for-item", "s-for-index",
                        "s-key", "trackBy"})

Loader = Callable[[str], str]
"""``loader(path)`` -> the text of another template file of the app (for import/include);
raises OSError when it is missing."""
Checker = Callable[[str], str | None]
"""``checker(js_expression)`` -> None, or the syntax error of the expression."""


@dataclass
class Compiled:
    """One template file compiled: the JS that defines it, and the files it imports."""

    file: str
    source: str
    imports: list[str] = field(default_factory=list)
    modules: dict[str, str] = field(default_factory=dict)  # module name -> module path
    inline: dict[str, str] = field(default_factory=dict)  # path of an inline module -> code
    sites: int = 1  # the first memo site number after this file's


def _js(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


_RESERVED = frozenset({
    "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete",
    "do", "else", "enum", "export", "extends", "false", "finally", "for", "function", "if",
    "import", "in", "instanceof", "new", "null", "return", "super", "switch", "this",
    "throw", "true", "try", "typeof", "var", "void", "while", "with", "yield", "let",
    "static", "implements", "interface", "package", "private", "protected", "public",
    "await", "arguments", "eval", "undefined"})


class _Compiler(MemoSites):
    def __init__(self, file: str, load: Loader, check: Checker, first_site: int = 1) -> None:
        super().__init__(first_site)
        self.file = file
        self.in_loop = 0  # inside an s-for body or a <template name> (no element memos)
        self.load = load
        self.check = check
        self.imports: list[str] = []
        self.templates: dict[str, str] = {}  # name -> JS function
        self.depth = 0  # nesting of scopes (s-for), for unique variable names
        self.including: list[str] = [file]
        self.modules: dict[str, str] = {}
        self.inline: dict[str, str] = {}

    # ---- expressions --------------------------------------------------------------------
    def expr(self, source: str, pos: Position) -> str:
        """A checked JS expression from the inside of a mustache."""
        source = source.strip()
        if not source:
            return "undefined"
        error = self.check(source)
        if error is not None:
            # Quoted as far as one line: a missing "}" runs on to the next mustache's.
            shown = source.splitlines()[0][:80] if source else source
            cut = "…" if shown != source else ""
            raise TemplateError(f"bad expression {{{{{shown}{cut}}}}}: {error}", str(pos))
        self.read(source)
        return f"({null_safe(source)})"

    def value(self, text: str | None, pos: Position) -> str:
        """An attribute value or text as JS: a lone mustache keeps its type, mixed text
        is a string; a valueless or empty attribute is true (San's rule)."""
        if text is None or text == "":
            return "true"
        parts = list(_MUSTACHE.finditer(text))
        if not parts:
            return _js(text)
        if len(parts) == 1 and parts[0].span() == (0, len(text)):
            return self.expr(parts[0].group(1) if parts[0].group(1) is not None
                             else parts[0].group(2), pos)
        out = []
        last = 0
        for m in parts:
            if m.start() > last:
                out.append(_js(text[last:m.start()]))
            inner = m.group(1) if m.group(1) is not None else m.group(2)
            out.append(f"__v_r.str({self.expr(inner, pos)})")
            last = m.end()
        if last < len(text):
            out.append(_js(text[last:]))
        return "(" + " + ".join(out) + ")"

    def condition(self, text: str | None, pos: Position) -> str:
        """A directive's value: with or without braces (both are documented)."""
        text = (text or "").strip()
        m = re.fullmatch(r"\{\{(.*)\}\}", text, re.S)
        return self.expr(m.group(1) if m else text, pos)

    # ---- nodes --------------------------------------------------------------------------
    def children(self, nodes: list[Node], out: str, scope: str) -> list[str]:
        """Statements that push the rendering of ``nodes`` onto the array ``out``."""
        code: list[str] = []
        i = 0
        while i < len(nodes):
            node = nodes[i]
            if isinstance(node, Text):
                if node.value.strip() or "\n" not in node.value:
                    text = self.value(node.value, node.pos)
                    code.append(f"{out}.push(__v_r.tx(__v_r.str({text})));")
                i += 1
                continue
            if "s-if" in node.attrs and "s-for" not in node.attrs:
                chain = [(node, self.condition(node.attr("s-if"), node.pos))]
                j = i + 1
                while j < len(nodes):
                    nxt = nodes[j]
                    if isinstance(nxt, Text) and not nxt.value.strip():
                        j += 1
                        continue
                    if isinstance(nxt, Element) and "s-elif" in nxt.attrs:
                        chain.append((nxt, self.condition(nxt.attr("s-elif"), nxt.pos)))
                        j += 1
                        continue
                    if isinstance(nxt, Element) and "s-else" in nxt.attrs:
                        chain.append((nxt, "true"))
                        j += 1
                    break
                for k, (element, cond) in enumerate(chain):
                    keyword = "if" if k == 0 else "else if"
                    code.append(f"{keyword} ({cond}) {{")
                    code.extend(self.element(element, out, scope))
                    code.append("}")
                i = j
                continue
            if "s-elif" in node.attrs or "s-else" in node.attrs:
                raise TemplateError("s-elif/s-else without an s-if right before it",
                                    str(node.pos))
            code.extend(self.element(node, out, scope))
            i += 1
        return code

    def element(self, node: Element, out: str, scope: str) -> list[str]:
        if "s-for" in node.attrs:
            return self.loop(node, out, scope)
        if "s-if" in node.attrs and "s-for" in node.attrs:
            pass  # handled inside the loop, per item
        return self.plain(node, out, scope)

    def loop(self, node: Element, out: str, scope: str) -> list[str]:
        m = _FOR.match(node.attr("s-for") or "")
        if not m:
            raise TemplateError("s-for needs a list", str(node.pos))
        item = m.group(1) or node.attr("s-for-item") or "item"
        index = m.group(2) or node.attr("s-for-index") or "index"
        list_expr = self.condition(m.group(3), node.pos)
        track = m.group(4) or None
        self.depth += 1
        self.in_loop += 1
        site = self.open_site()
        inner = f"__v_s{self.depth}"
        body = [f"var {inner} = __v_r.child({scope}, {{{_js(item)}: __v_item, "
                f"{_js(index)}: __v_index}});", f"with ({inner}) {{"]
        self.names.append(set())
        key = self.expr(track, node.pos) if track else None
        key_names = self.close_site()
        if track and track.strip() == item:
            key = f"({item})"
        if "s-if" in node.attrs:
            body.append(f"if ({self.condition(node.attr('s-if'), node.pos)}) {{")
        body.extend(self.plain(node, "__v_o", inner, key=key))
        if "s-if" in node.attrs:
            body.append("}")
        body.append("}")
        names = self.close_site()
        self.in_loop -= 1
        self.depth -= 1
        if key is None:
            key_fn = "null"
        elif key_names <= {item, index} and UNKNOWN not in key_names and all(
                IDENT.fullmatch(n) and n not in _RESERVED for n in (item, index)):
            # The key reads only the item and index: no scope object per item.
            key_fn = f"function ({item}, {index}) {{ return {key}; }}"
        else:
            key_fn = (f"function (__v_item, __v_index) {{ with (__v_r.child({scope}, "
                      f"{{{_js(item)}: __v_item, {_js(index)}: __v_index}})) "
                      f"{{ return {key}; }} }}")
        deps = self.deps_of(scope, names, {item, index})
        uses_index = _js(index in names)
        return [f"__v_r.loop({site}, {list_expr}, {deps}, {uses_index}, "
                "function (__v_item, __v_index, __v_o) {", *body, f"}}, {key_fn}, {out});"]

    def plain(self, node: Element, out: str, scope: str, key: str | None = None) -> list[str]:
        tag = node.tag
        if tag == "block":
            return self.children(node.children, out, scope)
        if tag == "template":
            return self.template_use(node, out, scope)
        if tag == "import":
            self.import_file(node)
            return []
        if tag == "include":
            return self.include(node, out, scope)
        if tag in ("filter", "import-sjs"):
            self.module(node)
            return []
        memo = not self.in_loop and bool(node.children)
        site = self.open_site() if memo else 0
        attrs: list[str] = []
        events: dict[str, list[str]] = {}
        models: dict[str, str] = {}  # attribute -> the data path a {= =} value writes back
        for name, raw in node.attrs.items():
            if name in DIRECTIVES:
                continue
            ev = _EVENT.match(name)
            if ev:
                kind, event = ev.groups()
                handler = self.value(raw or "", node.pos) if raw else '""'
                events.setdefault(event, []).append(
                    f"{{h: {handler}, c: {_js(kind.endswith('catch'))}, "
                    f"p: {_js(kind.startswith('capture'))}}}")
                continue
            model = re.fullmatch(r"\s*\{=(.*)=\}\s*", raw or "", re.S)
            if model:
                models[name] = model.group(1).strip()
            attrs.append(f"{_js(name)}: {self.value(raw, node.pos)}")
        children = self.children(node.children, "__v_c", scope)
        child_fn = ("(function () { var __v_c = []; " + " ".join(children) + " return __v_c; })()"
                    if children else "[]")
        ev_js = ("{" + ", ".join(f"{_js(k)}: [{', '.join(v)}]" for k, v in events.items()) + "}"
                 if events else "null")
        pos = _js(f"{node.pos.line}:{node.pos.column}")
        models_js = _js(models) if models else "null"
        push = (f"__v_r.el({_js(tag)}, {{{', '.join(attrs)}}}, {child_fn}, {ev_js}, "
                f"{key if key else 'undefined'}, {pos}, {models_js})")
        if not memo:
            return [f"{out}.push({push});"]
        deps = self.deps_of(scope, self.close_site())
        return [f"__v_r.memo({site}, {deps}, function (__v_o) {{ __v_o.push({push}); }}, {out});"]

    # ---- templates, import, include -------------------------------------------------------
    def template_use(self, node: Element, out: str, scope: str) -> list[str]:
        if "name" in node.attrs:
            name = node.attr("name") or ""
            self.in_loop += 1  # a definition's body: its use is the memo
            saved, self.names = self.names, []  # its names are not the enclosing site's
            try:
                body = self.children(node.children, "__v_c", "__v_s0")
            finally:
                self.in_loop -= 1
                self.names = saved
            self.templates[name] = ("function (__v_s0) { var __v_c = []; with (__v_s0) { "
                                    + " ".join(body) + " } return __v_c; }")
            return []
        if "is" not in node.attrs:
            raise TemplateError("<template> needs name= or is=", str(node.pos))
        is_expr = self.value(node.attr("is"), node.pos)
        data = node.attr("data")
        data_expr = "({})"
        if data:
            inner = data.strip()
            if inner.startswith("{{") and inner.endswith("}}"):
                inner = inner[2:-2]
            if self.check(inner.strip()) is None:
                self.read(inner)
                data_expr = f"({inner.strip()})"
            else:
                data_expr = self.expr("{" + inner + "}", node.pos)
        site = self.site
        self.site += 1
        return [f"__v_r.use({site}, {_js(self.file)}, {is_expr}, {data_expr}, {out});"]

    def resolve(self, node: Element, *, keep_extension: bool = False) -> str:
        src = node.attr("src") or ""
        if not src:
            raise TemplateError(f"<{node.tag}> needs src=", str(node.pos))
        base = PurePosixPath(self.file).parent
        path = PurePosixPath(src.lstrip("/")) if src.startswith("/") else base / src
        parts: list[str] = []
        for part in path.parts:
            if part == "..":
                if parts:
                    parts.pop()
            elif part not in (".", ""):
                parts.append(part)
        resolved = "/".join(parts)
        if keep_extension or resolved.endswith(".swan"):
            return resolved
        return resolved + ".swan"

    def module(self, node: Element) -> None:
        """A filter [framework/view_filter.md] or sjs module [framework/sjs_start.md]:
        ``module`` names it in the template's scope; code from ``src`` or inline."""
        name = node.attr("module") or ""
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise TemplateError(f"<{node.tag}> needs a module= name like utils", str(node.pos))
        if node.attr("src"):
            path = self.resolve(node, keep_extension=True)
        else:
            path = f"{self.file}#{name}"
            self.inline[path] = "".join(c.value for c in node.children if isinstance(c, Text))
        self.modules[name] = path

    def import_file(self, node: Element) -> None:
        path = self.resolve(node)
        if path not in self.imports:
            self.imports.append(path)

    def include(self, node: Element, out: str, scope: str) -> list[str]:
        path = self.resolve(node)
        if path in self.including:
            raise TemplateError(f"<include> of {path} includes itself", str(node.pos))
        try:
            text = self.load(path)
        except OSError:
            raise TemplateError(f"<include src> file {path} not found", str(node.pos)) from None
        nodes = [n for n in parse_template(text, path)
                 if not (isinstance(n, Element) and n.tag == "template" and "name" in n.attrs)]
        self.including.append(path)
        try:
            return self.children(nodes, out, scope)
        finally:
            self.including.pop()


def compile_template(text: str, file: str, *, load: Loader, check: Checker,
                     first_site: int = 1) -> Compiled:
    """Compile template ``text`` of ``file`` to JS that defines it in the view context;
    its memo sites are numbered from ``first_site`` (``Compiled.sites`` follows them).
    Raises TemplateError with file:line:col."""
    nodes = parse_template(text, file)
    compiler = _Compiler(file, load, check, first_site)
    body = compiler.children(nodes, "__v_c", "__v_s0")
    names = ", ".join(f"{_js(k)}: {v}" for k, v in compiler.templates.items())
    source = (
        "(function () { var __v_r = __view;\n"
        f"var __v_names = {{{names}}};\n"
        "var __v_render = function (__v_s0) { var __v_c = []; "
        f"__v_s0 = __v_r.child(__v_s0, __v_r.modules({_js(compiler.modules)})); "
        "with (__v_s0) { " + " ".join(body) + " } return __v_c; };\n"
        f"__v_r.define({_js(file)}, __v_render, __v_names, {_js(compiler.imports)});\n"
        "})();"
    )
    return Compiled(file, compiler.finish(source), compiler.imports, compiler.modules,
                    compiler.inline, compiler.site)
