"""Templates parse with positions, keep the case of names, and hide {{ }} from the parser."""

from __future__ import annotations

import pytest

from emulator.errors import TemplateError
from emulator.view.expression import null_safe
from emulator.view.template import Element, Text, parse_template


def test_positions_case_and_mustaches() -> None:
    """Elements and text carry file:line:col; bindTap keeps its case; {{a<b}} is text."""
    [view] = parse_template('<view bindTap="go" data-id="{{a<b}}">\n  x {{ n > 1 ? "y" : \'z\' }}</view>',
                            "p.swan")
    assert isinstance(view, Element)
    assert view.attrs == {"bindTap": "go", "data-id": "{{a<b}}"}
    assert str(view.pos) == "p.swan:1:1"
    [text] = view.children
    assert isinstance(text, Text) and text.value == '\n  x {{ n > 1 ? "y" : \'z\' }}'


def test_valueless_attributes_void_tags_and_raw_modules() -> None:
    """`s-else` and `password` have no value; <input> needs no end tag; a filter's code
    is not parsed as markup."""
    nodes = parse_template('<input password /><text s-else>no</text>'
                           '<filter module="f">export default {lt(a, b) { return a<b; }}</filter>',
                           "p.swan")
    tags = [n.tag for n in nodes if isinstance(n, Element)]
    assert tags == ["input", "text", "filter"]
    assert nodes[0].attrs == {"password": None}
    assert nodes[2].children[0].value == "export default {lt(a, b) { return a<b; }}"


def test_tolerant_like_the_platform() -> None:
    """An element left open closes at the end; a stray end tag is ignored."""
    nodes = parse_template("<view><text>a</text></div><view>{{x}}", "p.swan")
    assert [n.tag for n in nodes] == ["view"]
    assert nodes[0].children[1].tag == "view"


def test_unclosed_mustache_is_an_error_with_position() -> None:
    """A {{ that never closes names its line and column."""
    with pytest.raises(TemplateError, match=r"p\.swan:2:8"):
        parse_template("<view>\n  <text{{oops</text></view>", "p.swan")


@pytest.mark.parametrize(("source", "safe"), [
    ("a.b.c", "a?.b?.c"),
    ("list.length > 0 ? 'x' : 'y'", "list?.length > 0 ? 'x' : 'y'"),
    ("a[0].b", "a?.[0]?.b"),
    ("[1, 2]", "[1, 2]"),
    ("x ? .5 : 1.25", "x ? .5 : 1.25"),
    ("{...person}", "{...person}"),
    ("'a.b'.length", "'a.b'?.length"),
])
def test_expressions_are_null_safe(source: str, safe: str) -> None:
    """Member access becomes optional chaining; strings, numbers and spreads stay."""
    assert null_safe(source) == safe
