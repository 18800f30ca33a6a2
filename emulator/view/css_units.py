"""``rpx`` lengths turned into ``px`` over tinycss2 token trees.

The screen is 750rpx wide whatever its size, so one rpx is ``screen_width / 750`` px
(375px wide: 1rpx = 0.5px) [framework/view_css.md; view-layer.md §1]. Conversion works on
tokens, never on text: a ``10rpx`` inside a string, a ``url()`` or an identifier stays as
written, while every dimension token with the unit ``rpx`` (any case) is converted wherever
it stands — shorthand values, ``calc()`` and other functions, ``@media`` conditions, custom
properties.
"""

from __future__ import annotations

from collections.abc import Iterable

from tinycss2 import ast

DESIGN_WIDTH_RPX = 750
DECIMALS = 3  # 1rpx on a 414px screen is 0.552px: hairlines keep their size


def px_per_rpx(screen_width: float) -> float:
    """Pixels in one rpx on a screen ``screen_width`` CSS px wide (> 0, else ValueError)."""
    if not screen_width > 0:
        raise ValueError(f"screen width must be a positive number of px, not {screen_width!r}")
    return screen_width / DESIGN_WIDTH_RPX


def format_number(value: float) -> str:
    """A number as CSS writes it: at most three decimals, no trailing zeros, no ``-0``."""
    text = f"{round(value, DECIMALS):.{DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _px(token: ast.DimensionToken, ratio: float) -> ast.DimensionToken:
    value = token.value * ratio
    text = format_number(value)
    number = float(text)
    is_int = number.is_integer()
    return ast.DimensionToken(token.source_line, token.source_column, number,
                              int(number) if is_int else None, text, "px")


def convert_rpx(nodes: Iterable[ast.Node], ratio: float) -> list[ast.Node]:
    """``nodes`` with every rpx dimension (blocks, functions, rules and declarations
    searched too) replaced by px at ``ratio`` px per rpx. The input is not modified; nodes
    without rpx are returned as they are."""
    return [_convert(node, ratio) for node in nodes]


def _convert(node: ast.Node, ratio: float) -> ast.Node:
    line, col = node.source_line, node.source_column
    if isinstance(node, ast.DimensionToken):
        return _px(node, ratio) if node.lower_unit == "rpx" else node
    if isinstance(node, ast.FunctionBlock):
        return ast.FunctionBlock(line, col, node.name, convert_rpx(node.arguments, ratio))
    if isinstance(node, ast.ParenthesesBlock):
        return ast.ParenthesesBlock(line, col, convert_rpx(node.content, ratio))
    if isinstance(node, ast.SquareBracketsBlock):
        return ast.SquareBracketsBlock(line, col, convert_rpx(node.content, ratio))
    if isinstance(node, ast.CurlyBracketsBlock):
        return ast.CurlyBracketsBlock(line, col, convert_rpx(node.content, ratio))
    if isinstance(node, ast.Declaration):
        return ast.Declaration(line, col, node.name, node.lower_name,
                               convert_rpx(node.value, ratio), node.important)
    if isinstance(node, ast.AtRule):
        content = None if node.content is None else convert_rpx(node.content, ratio)
        return ast.AtRule(line, col, node.at_keyword, node.lower_at_keyword,
                          convert_rpx(node.prelude, ratio), content)
    if isinstance(node, ast.QualifiedRule):
        return ast.QualifiedRule(line, col, node.prelude, convert_rpx(node.content, ratio))
    return node
