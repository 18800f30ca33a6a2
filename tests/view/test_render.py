"""Compiled templates render the documented forms to golden node lists, in the view
context (its own QuickJS context)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from emulator.errors import TemplateError
from emulator.view.context import ViewContext


def render(tmp_path: Path, template: str, data: dict[str, Any],
           files: dict[str, str] | None = None) -> list[Any]:
    (tmp_path / "p.swan").write_text(template, encoding="utf-8")
    for name, text in (files or {}).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return ViewContext(tmp_path).render("p.swan", data)


def strip(nodes: list[Any]) -> list[Any]:
    """Nodes without source positions, for golden comparisons."""
    out = []
    for n in nodes:
        n = dict(n)
        n.pop("p", None)
        if "c" in n:
            n["c"] = strip(n["c"])
        out.append(n)
    return out


def test_interpolation_keeps_types_and_joins_text(tmp_path: Path) -> None:
    """A lone mustache keeps its type; mixed text is a string; missing names render
    nothing; a valueless attribute is true."""
    out = render(tmp_path, '<view class="a {{cls}} {{nope.deep}}" data-n="{{n}}" hidden>'
                           "{{n + 1}} {{missing}}</view>", {"cls": "b", "n": 2})
    assert strip(out) == [{"t": "view", "a": {"class": "a b ", "data-n": 2, "hidden": True},
                           "c": [{"x": "3 "}]}]


def test_conditions(tmp_path: Path) -> None:
    """s-if/s-elif/s-else pick one element; braces are optional."""
    t = '<text s-if="{{n < 2}}">few</text>\n<text s-elif="n < 10">some</text>\n<text s-else>many</text>'
    assert [strip(render(tmp_path, t, {"n": n}))[0]["c"][0]["x"] for n in (1, 5, 50)] == [
        "few", "some", "many"]


def test_loops_in_every_form(tmp_path: Path) -> None:
    """s-for with defaults, named item/index, s-for-item/index, trackBy keys, blocks,
    numbers and objects."""
    t = ('<view s-for="list">{{index}}{{item}}</view>'
         '<view s-for="p, i in list trackBy p">{{i}}-{{p}}</view>'
         '<view s-for="{{list}}" s-for-item="x" s-for-index="k">{{k}}{{x}}</view>'
         '<block s-for="2"><text>{{item}}</text></block>'
         '<text s-for="v, key in obj">{{key}}={{v}}</text>')
    out = strip(render(tmp_path, t, {"list": ["a", "b"], "obj": {"k": 1}}))
    texts = [n["c"][0]["x"] for n in out]
    assert texts == ["0a", "1b", "0-a", "1-b", "0a", "1b", "0", "1", "k=1"]
    assert [n.get("k") for n in out[2:4]] == ["a", "b"]


def test_templates_imports_and_includes(tmp_path: Path) -> None:
    """<template is data> sees only its data (object literal forms too); imports are
    transitive; <include> inlines a file's markup without its definitions."""
    t = ('<import src="./b.swan"/><template is="card" data="{{ {title: t} }}"/>'
         '<template is="deep" data="{{{...person}}}"/><include src="./inc.swan"/>')
    out = render(tmp_path, t, {"t": "T", "person": {"name": "Ann"}}, {
        "b.swan": '<import src="./c.swan"/><template name="card"><text>{{title}}{{t}}</text></template>',
        "c.swan": '<template name="deep"><text>hi {{name}}</text></template>',
        "inc.swan": '<template name="x"><text>no</text></template><text>included {{t}}</text>'})
    assert [n["c"][0]["x"] for n in strip(out)] == ["T", "hi Ann", "included T"]


def test_events_and_two_way_values(tmp_path: Path) -> None:
    """Event bindings in all spellings become bindings; {= =} renders the value."""
    t = ('<view bindtap="a" catch:tap="b" capture-bind:touchstart="c" '
         'capture-catch:touchstart="d"><input value="{= v =}"/></view>')
    [view] = strip(render(tmp_path, t, {"v": "typed"}))
    assert view["e"] == {"tap": [{"h": "a", "c": False, "p": False}, {"h": "b", "c": True, "p": False}],
                         "touchstart": [{"h": "c", "c": False, "p": True},
                                        {"h": "d", "c": True, "p": True}]}
    assert view["c"][0]["a"] == {"value": "typed"}


def test_filter_and_sjs_modules(tmp_path: Path) -> None:
    """Inline filters, filter files and sjs files (with require between them) are called
    from expressions."""
    t = ('<filter module="f">export default { max: function (a) { return Math.max.apply(null, a); } }</filter>'
         '<import-sjs src="./u.sjs" module="u"/><text>{{f.max(list)}} {{u.twice(3)}}</text>')
    out = render(tmp_path, t, {"list": [1, 9, 4]}, {
        "u.sjs": "var h = require('./h.sjs'); module.exports = {twice: function (n) { return h.add(n, n); }};",
        "h.sjs": "export default { add: function (a, b) { return a + b; } };"})
    assert strip(out)[0]["c"][0]["x"] == "9 6"


@pytest.mark.parametrize(("template", "where"), [
    ("<view>\n  <text>{{ a + }}</text></view>", "p.swan:2:9"),
    ('<view s-for="">x</view>', "p.swan:1:1"),
    ("<text s-else>x</text>", "p.swan:1:1"),
])
def test_template_errors_name_file_line_col(tmp_path: Path, template: str, where: str) -> None:
    """A broken expression or directive is a TemplateError at its file:line:col."""
    with pytest.raises(TemplateError) as info:
        render(tmp_path, template, {})
    assert info.value.path == where
