"""One css file read with tinycss2 into the rules :class:`~emulator.view.styles.StyleBook`
assembles, and the problems found on the way.

Recovery is the browser's: a rule whose selector cannot be read, a declaration that is not
``name: value``, a stray token at the top level are dropped and recorded with their
``line:col``; the rules around them are kept. Comments are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import tinycss2
from tinycss2 import ast

from emulator.view.css_scope import Selector, SelectorError, parse_selectors

# At-rules whose block holds rules (scoped like top-level ones); others are kept as they are.
GROUPING_AT_RULES = {"media", "supports", "document", "-moz-document", "layer", "container"}


class Problem(NamedTuple):
    """A css problem: ``file`` relative to the app folder (POSIX), 1-based ``line`` and
    ``col``, and what is wrong."""

    file: str
    line: int
    col: int
    message: str

    @property
    def location(self) -> str:
        """``file:line:col`` (the shape of :class:`~emulator.flows.events.LoadProblem`'s
        ``file``)."""
        return f"{self.file}:{self.line}:{self.col}"

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass
class StyleRule:
    """``selectors { declarations }``."""

    selectors: list[Selector]
    declarations: list[ast.Declaration]


@dataclass
class ImportRule:
    """``@import "target" media;`` (``target`` as written; ``media`` tokens, may be empty)."""

    target: str
    media: list[ast.Node]
    line: int
    col: int


@dataclass
class GroupRule:
    """``@media``/``@supports``/… holding rules."""

    keyword: str
    prelude: list[ast.Node]
    children: list[Item] = field(default_factory=list)


@dataclass
class OtherRule:
    """An at-rule kept as written (``@keyframes``, ``@font-face``…), rpx still converted."""

    node: ast.AtRule


Item = StyleRule | ImportRule | GroupRule | OtherRule


@dataclass
class ParsedSheet:
    """A css file's rules in source order, and its own problems (imports not followed)."""

    items: list[Item]
    problems: list[Problem]


def parse_sheet(text: str, file: str) -> ParsedSheet:
    """Read css ``text`` of ``file`` (the name used in problems)."""
    problems: list[Problem] = []
    nodes = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    items = _rules(nodes, file, problems, top=True)
    return ParsedSheet(items, problems)


def _rules(nodes: list[ast.Node], file: str, problems: list[Problem], top: bool) -> list[Item]:
    items: list[Item] = []
    for node in nodes:
        if isinstance(node, ast.ParseError):
            problems.append(Problem(file, node.source_line, node.source_column,
                                    _top_level_message(node)))
        elif isinstance(node, ast.QualifiedRule):
            rule = _style_rule(node, file, problems)
            if rule is not None:
                items.append(rule)
        elif isinstance(node, ast.AtRule):
            item = _at_rule(node, file, problems, top)
            if item is not None:
                items.append(item)
    return items


def _top_level_message(error: ast.ParseError) -> str:
    if "{} block" in error.message:
        return "a rule without a { } block; dropped"
    return f"{error.message.rstrip('.')}; dropped"


def _style_rule(node: ast.QualifiedRule, file: str,
                problems: list[Problem]) -> StyleRule | None:
    try:
        selectors = parse_selectors(node.prelude, node.source_line, node.source_column)
    except SelectorError as exc:
        problems.append(Problem(file, exc.line, exc.column, f"{exc.message}; rule dropped"))
        return None
    declarations = []
    for chunk in _split_declarations(node.content):
        item = tinycss2.parse_one_declaration(chunk, skip_comments=True)
        if isinstance(item, ast.Declaration):
            declarations.append(item)
        else:
            first = next(t for t in chunk if t.type != "whitespace")
            problems.append(Problem(file, first.source_line, first.source_column,
                                    "not a `name: value` declaration; dropped"))
    return StyleRule(selectors, declarations)


def _split_declarations(content: list[ast.Node]) -> list[list[ast.Node]]:
    """A block's declarations, one token list each, split at its top-level ``;`` (blocks
    are single tokens, so a ``;`` in a string or ``url()`` never splits)."""
    chunks: list[list[ast.Node]] = [[]]
    for token in content:
        if isinstance(token, ast.LiteralToken) and token.value == ";":
            chunks.append([])
        elif token.type != "comment":
            chunks[-1].append(token)
    return [c for c in chunks if any(t.type != "whitespace" for t in c)]


def _at_rule(node: ast.AtRule, file: str, problems: list[Problem], top: bool) -> Item | None:
    keyword = node.lower_at_keyword
    where = (file, node.source_line, node.source_column)
    if keyword == "charset":
        return None  # the sheet is handed over as text: its encoding is settled
    if keyword == "import":
        if not top:
            problems.append(Problem(*where, "@import inside a block; dropped"))
            return None
        return _import(node, file, problems)
    if keyword in GROUPING_AT_RULES:
        if node.content is None:
            problems.append(Problem(*where, f"@{node.at_keyword} without a block; dropped"))
            return None
        children = tinycss2.parse_rule_list(node.content, skip_comments=True,
                                            skip_whitespace=True)
        return GroupRule(node.at_keyword, node.prelude,
                         _rules(children, file, problems, top=False))
    return OtherRule(node)


def _import(node: ast.AtRule, file: str, problems: list[Problem]) -> ImportRule | None:
    where = (file, node.source_line, node.source_column)
    if node.content is not None:
        problems.append(Problem(*where, "@import without its ';' swallowed the rule after "
                                        "it; both dropped"))
        return None
    tokens = [t for t in node.prelude if t.type not in ("whitespace", "comment")]
    first = tokens[0] if tokens else None
    target: str | None = None
    if isinstance(first, (ast.StringToken, ast.URLToken)):
        target = first.value
    elif isinstance(first, ast.FunctionBlock) and first.lower_name == "url":
        args = [t for t in first.arguments if t.type not in ("whitespace", "comment")]
        if len(args) == 1 and isinstance(args[0], ast.StringToken):
            target = args[0].value
    if not target:
        problems.append(Problem(*where, '@import needs a file: @import "name.css";'))
        return None
    # The media query is what follows the file in the prelude, as written.
    rest = node.prelude[node.prelude.index(first) + 1:]
    media = rest if any(t.type not in ("whitespace", "comment") for t in rest) else []
    return ImportRule(target, media, node.source_line, node.source_column)
