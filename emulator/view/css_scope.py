"""Selectors split into compound selectors, and the guards that scope them.

Why guards and not renamed classes: the platform isolates a custom component by renaming
its classes, so a page's ``.title`` cannot reach a component's ``title`` element
[view-layer.md §5]. The mirror keeps the names the app wrote (the Elements panel and
devtools show them) and marks elements with attributes instead (see
:mod:`emulator.view.styles` for which); each compound selector then gets a
``:where(<attribute test>)`` appended. ``:where()`` adds no specificity, so the cascade
ranks rules exactly as it would without the guard — as the platform's renaming does
(specificity as the web [view-layer.md §1]).

A selector is read from tinycss2 tokens: compounds are separated by combinators
(whitespace, ``>``, ``+``, ``~``), a compound is type/``*``, ``.class``, ``#id``,
``[attr]``, ``:pseudo-class`` and ``::pseudo-element`` parts. The guard goes before a
pseudo-element, which must stay last.

Type selectors are renamed to the mirror's element names: the mirror builds ``swan-<tag>``
elements, as the platform's view layer does (emulator/gui/simulator/assets/tree.js), so
``view`` becomes ``swan-view`` and the page root ``page`` becomes ``swan-page``; ``html``,
``body`` and names already ``swan-…`` stay. Type selectors inside ``:not()``/``:is()`` are
left as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from tinycss2 import ast, serialize
from tinycss2.serializer import serialize_string_value

SCOPE_ATTR = "data-swan-scope"
GLOBAL_ATTR = "data-swan-global"
OUTER_ATTR = "data-swan-outer"

# CSS 2 pseudo-elements may still be written with one colon.
_LEGACY_PSEUDO_ELEMENTS = {"before", "after", "first-line", "first-letter"}
_COMBINATORS = {">", "+", "~"}
_DOCUMENT_TAGS = {"html", "body"}
_NOT_NAME_CHAR = re.compile(r"[^a-z0-9-]")


def element_name(tag: str) -> str:
    """The mirror's element for a swan tag: ``view`` -> ``swan-view`` (tree.js's rule)."""
    return "swan-" + _NOT_NAME_CHAR.sub("-", tag.lower())


@dataclass(frozen=True)
class Compound:
    """One compound selector (``view.item:hover::after``)."""

    head: tuple[ast.Node, ...]  # the simple selectors before any pseudo-element
    pseudo: tuple[ast.Node, ...]  # the pseudo-element and what follows it
    classes: tuple[str, ...]  # its class selectors' names (not those inside :not() etc.)


@dataclass(frozen=True)
class Selector:
    """One complex selector: compounds joined by combinators (``" "``, ``>``, ``+``, ``~``)."""

    parts: tuple[Compound | str, ...]

    def render(self, guard: Callable[[Compound], str]) -> str:
        """The selector as CSS text, ``guard(compound)`` appended to each compound."""
        out = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(" " if part == " " else f" {part} ")
            else:
                out.append(serialize(part.head) + guard(part) + serialize(part.pseudo))
        return "".join(out)


class SelectorError(ValueError):
    """A selector that cannot be read; the rule it heads is dropped, as browsers do."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def parse_selectors(prelude: list[ast.Node], line: int, column: int) -> list[Selector]:
    """A qualified rule's prelude as a selector list; SelectorError (with the position of
    the offending token, else ``line``/``column`` of the rule) when it is not one."""
    groups: list[list[ast.Node]] = [[]]
    for token in prelude:
        if isinstance(token, ast.LiteralToken) and token.value == ",":
            groups.append([])
        else:
            groups[-1].append(token)
    return [_complex(group, line, column) for group in groups]


def _complex(tokens: list[ast.Node], line: int, column: int) -> Selector:
    while tokens and tokens[0].type in ("whitespace", "comment"):
        tokens = tokens[1:]
    while tokens and tokens[-1].type in ("whitespace", "comment"):
        tokens = tokens[:-1]
    if not tokens:
        raise SelectorError("empty selector", line, column)
    parts: list[Compound | str] = []
    current: list[ast.Node] = []
    combinator: str | None = None
    for token in tokens:
        if token.type == "whitespace":
            if current:
                parts.append(_compound(current))
                current = []
                combinator = " "
            continue
        if isinstance(token, ast.LiteralToken) and token.value in _COMBINATORS:
            if current:
                parts.append(_compound(current))
                current = []
            elif combinator in _COMBINATORS or not parts:
                raise SelectorError(f"unexpected combinator {token.value!r}",
                                    token.source_line, token.source_column)
            combinator = token.value
            continue
        if not current and combinator is not None:
            parts.append(combinator)
            combinator = None
        current.append(token)
    if current:
        parts.append(_compound(current))
    elif combinator in _COMBINATORS:
        last = tokens[-1]
        raise SelectorError(f"selector ends with combinator {combinator!r}",
                            last.source_line, last.source_column)
    return Selector(tuple(parts))


def _compound(tokens: list[ast.Node]) -> Compound:
    classes: list[str] = []
    first = tokens[0]
    # Apps written against the platform's own element names (``swan-button { … }`` in
    # Baidu's API demo) keep them: they are the mirror's names already.
    if (isinstance(first, ast.IdentToken) and first.lower_value not in _DOCUMENT_TAGS
            and not first.lower_value.startswith("swan-")
            and not (len(tokens) > 1 and _literal(tokens[1], "|"))):
        renamed = ast.IdentToken(first.source_line, first.source_column,
                                 element_name(first.value))
        tokens = [renamed, *tokens[1:]]
    i = 0
    pseudo_at: int | None = None
    while i < len(tokens):
        token = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if (isinstance(token, (ast.IdentToken, ast.HashToken, ast.SquareBracketsBlock))
                or _literal(token, "*", "|", "&")):
            i += 1
        elif _literal(token, ".") and isinstance(nxt, ast.IdentToken):
            classes.append(nxt.value)
            i += 2
        elif _literal(token, ":") and _literal(nxt, ":"):
            name = tokens[i + 2] if i + 2 < len(tokens) else None
            if not isinstance(name, (ast.IdentToken, ast.FunctionBlock)):
                raise _unexpected(name or nxt)
            if pseudo_at is None:
                pseudo_at = i
            i += 3
        elif _literal(token, ":") and isinstance(nxt, (ast.IdentToken, ast.FunctionBlock)):
            if (isinstance(nxt, ast.IdentToken) and nxt.lower_value in _LEGACY_PSEUDO_ELEMENTS
                    and pseudo_at is None):
                pseudo_at = i
            i += 2
        else:
            raise _unexpected(token)
    cut = len(tokens) if pseudo_at is None else pseudo_at
    return Compound(tuple(tokens[:cut]), tuple(tokens[cut:]), tuple(classes))


def _literal(token: ast.Node | None, *values: str) -> bool:
    return isinstance(token, ast.LiteralToken) and token.value in values


def _unexpected(token: ast.Node) -> SelectorError:
    return SelectorError(f"unexpected {serialize([token])!r} in selector",
                         token.source_line, token.source_column)


def _quoted(value: str) -> str:
    return f'"{serialize_string_value(value)}"'


def page_guard(compound: Compound) -> str:
    """The page's (and app.css's) guard: a compound with a class matches an element of
    an isolated component only if all its classes came in from the page through
    externalClasses; other compounds (tags, ids) reach every element, as with the
    platform's renaming."""
    if not compound.classes:
        return ""
    outer = "".join(f"[{OUTER_ATTR}~={_quoted(name)}]" for name in compound.classes)
    return f":where(:not([{SCOPE_ATTR}]), [{GLOBAL_ATTR}], {outer})"


def component_guard(token: str) -> Callable[[Compound], str]:
    """The guard of component ``token``'s css: every compound matches only that
    component's own elements, or — for class compounds — elements of a component nested
    in its template whose classes it passed in through externalClasses."""
    own = f"[{SCOPE_ATTR}={_quoted(token)}]"

    def guard(compound: Compound) -> str:
        if not compound.classes:
            return f":where({own})"
        outer = "".join(f"[{OUTER_ATTR}~={_quoted(f'{token}:{name}')}]"
                        for name in compound.classes)
        return f":where({own}, {outer})"

    return guard
