"""Parse a ``.swan`` template into a tree of elements and text, with source positions.

Parsed with the standard library's ``html.parser``, chosen because it is tolerant the
way templates need (valueless attributes such as ``s-else`` or ``password``, unclosed
void tags, ``<`` in text) and keeps positions; lxml and html5lib are tolerant too but
build an HTML document (``<html><body>``, moved elements) where a template needs the
elements exactly as written. Two things html.parser does not do for templates are done
here: attribute and tag names keep their case (``bindTap`` is not ``bindtap``: swan is
case-sensitive [tutorial/dev.md]), and ``{{ }}`` / ``{= =}`` are hidden from the parser
so that an expression like ``{{a<b}}`` is never taken for a tag.

Errors are :class:`~emulator.errors.TemplateError` with ``file:line:col``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser, attrfind_tolerant, tagfind_tolerant  # type: ignore[attr-defined]

from emulator.errors import TemplateError

_MUSTACHE = re.compile(r"\{\{.*?\}\}|\{=.*?=\}", re.S)
_HIDDEN = re.compile("\ue000[\ue002\n]*\ue001")
# Elements whose content is code, not markup (inline filter and sjs modules).
_RAW_CONTENT = ("filter", "import-sjs")
# Written without a closing tag in practice.
VOID = frozenset({"import", "include", "input", "image", "icon", "progress", "slider",
                  "switch", "checkbox", "radio", "img", "br"})


@dataclass
class Position:
    """Where something starts in a template (1-based line and column)."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass
class Text:
    """Text between elements (mustaches kept as written)."""

    value: str
    pos: Position


@dataclass
class Element:
    """An element: tag and attributes as written (names keep their case), children."""

    tag: str
    attrs: dict[str, str | None]
    children: list[Element | Text] = field(default_factory=list)
    pos: Position = field(default_factory=lambda: Position("", 0, 0))

    def attr(self, name: str, default: str | None = None) -> str | None:
        """An attribute's value ("" for a valueless one), or ``default``."""
        if name not in self.attrs:
            return default
        value = self.attrs[name]
        return "" if value is None else value


Node = Element | Text


class _Parser(HTMLParser):
    CDATA_CONTENT_ELEMENTS = ("script", "style", *_RAW_CONTENT)

    def __init__(self, file: str, originals: list[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.file = file
        self.originals = originals
        self.next_original = 0
        self.root = Element("#root", {})
        self.stack: list[Element] = [self.root]

    def _restore(self, text: str) -> str:
        def put_back(_m: re.Match[str]) -> str:
            value = self.originals[self.next_original]
            self.next_original += 1
            return value
        return _HIDDEN.sub(put_back, text)

    def _pos(self) -> Position:
        line, col = self.getpos()
        return Position(self.file, line, col + 1)

    def _raw_attrs(self) -> tuple[str, list[tuple[str, str | None]]]:
        """Tag and attributes from the raw start tag, names with their case kept (the
        same scan as html.parser's, without its lower-casing)."""
        raw = self.get_starttag_text() or ""
        m = tagfind_tolerant.match(raw, 1)
        tag = m.group(1) if m else ""
        k = m.end() if m else 1
        attrs: list[tuple[str, str | None]] = []
        while k < len(raw):
            a = attrfind_tolerant.match(raw, k)
            if not a or a.end() == k:
                break
            name, rest, value = a.group(1, 2, 3)
            if not rest:
                value = None
            elif value[:1] == "'" == value[-1:] or value[:1] == '"' == value[-1:]:
                value = value[1:-1]
            if name not in ("/", ">"):
                attrs.append((name, value))
            k = a.end()
        return tag, attrs

    def _element(self) -> Element:
        tag, attrs = self._raw_attrs()
        values: dict[str, str | None] = {}
        for name, value in attrs:
            values[name] = None if value is None else self._restore(_unescape(value))
        return Element(tag, values, pos=self._pos())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = self._element()
        self.stack[-1].children.append(element)
        if element.tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(self._element())

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag.lower() == tag:
                del self.stack[i:]
                return
        # An end tag that closes nothing is ignored, as San's parser does.

    def handle_data(self, data: str) -> None:
        text = self._restore(data)
        if text:
            self.stack[-1].children.append(Text(text, self._pos()))

    def handle_comment(self, data: str) -> None:
        self._restore(data)  # keep the mustache count in step


def _unescape(value: str) -> str:
    return html.unescape(value)


def _hide(text: str) -> tuple[str, list[str]]:
    """Replace each mustache by a same-shape run of private-use characters (newlines
    kept, so positions do not move)."""
    originals: list[str] = []

    def hide(m: re.Match[str]) -> str:
        originals.append(m.group(0))
        inner = "".join("\n" if c == "\n" else "\ue002" for c in m.group(0)[1:-1])
        return "\ue000" + inner + "\ue001"

    return _MUSTACHE.sub(hide, text), originals


def parse_template(text: str, file: str) -> list[Node]:
    """Parse template text; return its top-level nodes. Tolerant as the platform's parser
    is (an unclosed element closes at the end, a stray end tag is ignored); raises
    TemplateError (with file:line:col) on an unclosed ``{{``."""
    unclosed = _first_unclosed_mustache(text)
    if unclosed is not None:
        line = text.count("\n", 0, unclosed) + 1
        col = unclosed - (text.rfind("\n", 0, unclosed) + 1) + 1
        raise TemplateError("unclosed {{ (no matching }})", f"{file}:{line}:{col}")
    hidden, originals = _hide(text)
    parser = _Parser(file, originals)
    parser.feed(hidden)
    parser.close()
    # Elements left open close at the end, as the platform renders them.
    return parser.root.children


def _first_unclosed_mustache(text: str) -> int | None:
    i = 0
    while True:
        start = text.find("{{", i)
        if start < 0:
            return None
        end = text.find("}}", start + 2)
        if end < 0:
            return start
        i = end + 2
