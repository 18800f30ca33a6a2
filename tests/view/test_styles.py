"""StyleBook: the app's css for the mirror — rpx, imports, problems, isolation, caching."""

from __future__ import annotations

import os
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
import tinycss2
from bs4 import BeautifulSoup

from emulator.view.styles import GLOBAL_ATTR, OUTER_ATTR, SCOPE_ATTR, Problem, StyleBook

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "styles" / "app"
CARD = "components/card/card"
BADGE = "components/badge/badge"


@pytest.fixture
def app(tmp_path: Path) -> Path:
    """A private copy of the fixture app, free to edit."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "app"))


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def declarations(css: str, selector_start: str) -> list[str]:
    """The declaration blocks of the rules (anywhere, @media too) whose selector text
    starts with ``selector_start``."""
    out = []
    for line in css.splitlines():
        line = line.strip()
        if line.startswith(selector_start) and "{" in line:
            out.append(line[line.index("{") + 1:line.rindex("}")].strip())
    return out


def matched(css: str, html: str) -> dict[str, list[str]]:
    """Element id -> the declaration blocks of every top-level rule whose selector matches
    it (soupsieve; no cascade; rules with a pseudo-element skipped)."""
    soup = BeautifulSoup(html, "html.parser")
    out: dict[str, list[str]] = defaultdict(list)
    for rule in tinycss2.parse_stylesheet(css, skip_whitespace=True):
        if rule.type != "qualified-rule":
            continue
        selector = tinycss2.serialize(rule.prelude).strip()
        if "::" in selector:
            continue
        body = tinycss2.serialize(rule.content).strip()
        for element in soup.select(selector):
            out[element["id"]].append(body)
    return out


def attrs_html(attrs: dict[str, str]) -> str:
    return " ".join(f'{name}="{value}"' for name, value in attrs.items())


# -- rpx -------------------------------------------------------------------------------------


def test_rpx_becomes_px_in_shorthand_calc_negative_decimal_and_uppercase() -> None:
    """At 375px one rpx is 0.5px wherever a length stands in a declaration value."""
    css = StyleBook(FIXTURE).page_css("pages/index/index")
    box = declarations(css, ".box")[0]
    assert "width: 375px" in box
    assert "margin: -10px 0 0.25px 5px" in box
    assert "height: calc(100vh - 44px)" in box
    assert "border: 0.5px solid #eee" in box
    assert "--gap: 12px" in box
    assert "rpx" not in box.lower()


def test_rpx_in_media_condition_and_block_is_converted() -> None:
    """An @media condition and the rules inside it are converted too."""
    css = StyleBook(FIXTURE).page_css("pages/index/index")
    assert "@media (min-width: 375px) {" in css
    assert declarations(css, ".box")[1] == "width: 187.5px"


def test_rpx_inside_strings_and_urls_is_left_alone() -> None:
    """Only length tokens change: "10rpx" in a string or a url() stays as written (the
    url rooted at the app folder, see test_urls_are_rebased_to_the_app_folder)."""
    css = StyleBook(FIXTURE).page_css("pages/index/index")
    label = declarations(css, ".label")[0]
    assert label == 'content: "10rpx"; background: url(/pages/index/icon-10rpx.png)'


def test_screen_width_change_reconverts_with_three_decimals() -> None:
    """A 414px screen makes 1rpx 0.552px; setting the width again re-converts the sheet."""
    book = StyleBook(FIXTURE)
    assert "border: 0.5px solid" in book.page_css("pages/index/index")
    book.screen_width = 414
    css = book.page_css("pages/index/index")
    assert "border: 0.552px solid #eee" in css
    assert "width: 414px" in css
    assert "margin: -11.04px 0 0.276px 5.52px" in css


def test_screen_width_must_be_positive() -> None:
    """A zero or negative width is refused with ValueError."""
    with pytest.raises(ValueError, match="positive"):
        StyleBook(FIXTURE, screen_width=0)
    book = StyleBook(FIXTURE)
    with pytest.raises(ValueError):
        book.screen_width = -1
    assert book.screen_width == 375


def test_inline_style_converts_rpx_and_keeps_the_rest() -> None:
    """A rendered style attribute gets px; text the browser would drop stays as written."""
    book = StyleBook(FIXTURE)
    assert book.inline_style("width: 20rpx; height: calc(10RPX + 1px)") == \
        "width: 10px; height: calc(5px + 1px)"
    assert book.inline_style("color: {{c}}; margin: 4rpx") == "color: {{c}}; margin: 2px"
    assert book.inline_style("width: 30rpx", screen_width=750) == "width: 30px"


# -- files and imports -----------------------------------------------------------------------


def test_app_css_comes_first_with_nested_imports_inlined_in_place() -> None:
    """app.css's import chain (base -> tokens) lands where each @import stood, before the
    page's own rules; comments are dropped."""
    css = StyleBook(FIXTURE).page_css("pages/index/index")
    order = [css.index(s) for s in (".token", ".base", "swan-page {", ".app-title", ".box")]
    assert order == sorted(order)
    assert "padding: 4px" in declarations(css, ".token")[0]
    assert "/*" not in css and "@import" not in css


def test_import_with_media_is_wrapped_in_that_media() -> None:
    """``@import "x.css" (max-width: 400px)`` inlines x.css inside ``@media (max-width:
    400px)``; a leading / is the app folder."""
    css = StyleBook(FIXTURE).page_css("pages/index/index")
    start = css.index("@media (max-width: 400px) {")
    assert css.index(".narrow", start) < css.index("}\n", start + 30)


def test_missing_import_is_a_problem_at_the_import() -> None:
    """A missing imported file is skipped and recorded at the @import's line:col."""
    book = StyleBook(FIXTURE)
    book.page_css("pages/index/index")
    assert Problem("pages/index/index.css", 2, 1,
                   '@import "missing.css": pages/index/missing.css not found; skipped') \
        in book.problems


def test_import_cycle_is_a_problem_not_a_crash() -> None:
    """a -> b -> a: each file is inlined once and the looping import is a problem."""
    book = StyleBook(FIXTURE)
    css = book.page_css("pages/cycle/cycle")
    assert css.count(".cycle-a") == 1 and css.count(".cycle-b") == 1
    assert css.index(".cycle-b") < css.index(".cycle-a") < css.index(".page")
    [problem] = [p for p in book.problems if "cycle" in p.message]
    assert problem.location == "styles/cycle-b.css:1:1"
    assert "styles/cycle-a.css -> styles/cycle-b.css -> styles/cycle-a.css" in problem.message


def test_imports_out_of_the_app_or_remote_are_problems(app: Path) -> None:
    """An import climbing out of the app folder or naming a URL is skipped, with a problem."""
    write(app, "pages/index/index.css",
          '@import "../../../outside.css";\n@import url("https://cdn.test/x.css");\n.x{}\n')
    book = StyleBook(app)
    assert ".x" in book.page_css("pages/index/index")
    messages = [p.message for p in book.problems if p.file == "pages/index/index.css"]
    assert len(messages) == 2
    assert "leaves the app folder" in messages[0]
    assert "only the app's own files" in messages[1]


def test_parse_errors_keep_the_good_rules_and_record_file_line_col() -> None:
    """A bad declaration drops alone; a bad selector drops its rule; the rest stays."""
    book = StyleBook(FIXTURE)
    css = book.page_css("pages/broken/broken")
    assert declarations(css, ".ok-before") == ["color: red"]
    assert declarations(css, ".half") == ["color: blue; height: 1px"]
    assert declarations(css, ".ok-last") == ["color: black"]
    assert ".still-bad" not in css and ".ok-after" not in css
    broken = [p for p in book.problems if p.file == "pages/broken/broken.css"]
    assert [(p.line, p.col) for p in broken] == [(2, 22), (3, 11)]
    assert str(broken[0]) == ("pages/broken/broken.css:2:22: not a `name: value` "
                              "declaration; dropped")


def test_a_file_that_is_not_utf8_is_a_problem(app: Path) -> None:
    """Undecodable bytes make a problem for that file; the page's other css still loads."""
    (app / "pages/index/index.css").write_bytes(b".a { content: '\xff\xfe' }")
    book = StyleBook(app)
    css = book.page_css("pages/index/index")
    assert ".app-title" in css
    assert any(p.file == "pages/index/index.css" and "UTF-8" in p.message
               for p in book.problems)


def test_independent_subpackage_gets_no_app_css() -> None:
    """A page of an independent subpackage has only its own css [subpackages.md]."""
    css = StyleBook(FIXTURE).page_css("indie/pages/solo/solo")
    assert ".solo" in css and ".app-title" not in css and "swan-page" not in css


def test_type_selectors_name_the_mirror_elements() -> None:
    """``view`` -> ``swan-view``, ``page`` -> ``swan-page``; ids and combinators kept."""
    css = StyleBook(FIXTURE).page_css("pages/index/index")
    assert "swan-page { background-color: #f5f5f5 }" in css
    rule = next(line for line in css.splitlines() if "#main" in line)
    assert rule.startswith("swan-view > swan-text.item:where(")
    assert " + .item:where(" in rule and rule.endswith("~ #main { line-height: 1.5 }")


def test_platform_element_names_are_kept(tmp_path: Path) -> None:
    """css written for the platform's own elements (``swan-button``, as Baidu's API demo
    writes) is not renamed twice."""
    (tmp_path / "app.css").write_text("swan-button { margin: 0 23px }\nview { color: red }")
    css = StyleBook(tmp_path).page_css("pages/index/index")
    assert "swan-button { margin: 0 23px }" in css
    assert "swan-view { color: red }" in css and "swan-swan-" not in css


# -- isolation -------------------------------------------------------------------------------


def test_component_css_is_scoped_to_its_own_elements() -> None:
    """Every compound of a component's css, tag ones too, matches only elements carrying
    its scope token; the guard goes before a pseudo-element."""
    book = StyleBook(FIXTURE)
    token = book.scope_of(CARD)
    css = book.component_css(CARD)
    own = f'[{SCOPE_ATTR}="{token}"]'
    assert f"swan-view:where({own}) {{ box-sizing: border-box }}" in css
    assert f'.title:where({own}, [{OUTER_ATTR}~="{token}:title"])::after' in css
    html = f"""
      <swan-view id="page-card" class="card"><swan-view id="page-title" class="title"></swan-view></swan-view>
      <swan-card id="host">
        <swan-view id="card" class="card" {attrs_html(book.scope_attrs(CARD))}>
          <swan-view id="title" class="title" {attrs_html(book.scope_attrs(CARD))}></swan-view>
        </swan-view>
      </swan-card>
      <swan-view id="badge-card" class="card" {attrs_html(book.scope_attrs(BADGE))}></swan-view>"""
    hits = matched(css, html)
    assert hits["card"] == ["padding: 10px", "box-sizing: border-box"]
    assert hits["title"] == ["color: red", "box-sizing: border-box"]
    assert not {"page-card", "page-title", "host", "badge-card"} & set(hits)


def test_page_class_does_not_match_inside_an_isolated_component() -> None:
    """Page and app.css class selectors skip component elements (and tag selectors still
    reach them, as the platform's class renaming allows); slot content is the page's."""
    book = StyleBook(FIXTURE)
    css = book.page_css("pages/index/index")
    assert ('.box:where(:not([data-swan-scope]), [data-swan-global], '
            '[data-swan-outer~="box"]) {') in css
    inside = attrs_html(book.scope_attrs(CARD))
    html = f"""
      <swan-view id="page-box" class="box"></swan-view>
      <swan-card id="host" class="box">
        <swan-view id="inner-box" class="box" {inside}></swan-view>
        <swan-view id="slotted" class="box"></swan-view>
      </swan-card>
      <swan-page id="root"></swan-page>"""
    hits = matched(css, html)
    assert "width: 375px" in hits["page-box"][0]
    assert "width: 375px" in hits["host"][0]
    assert "width: 375px" in hits["slotted"][0]
    assert "inner-box" not in hits
    assert hits["root"] == ["background-color: #f5f5f5"]


def test_add_global_class_lets_page_classes_in() -> None:
    """With addGlobalClass the component's elements (data-swan-global) take page classes
    as well as their own css."""
    book = StyleBook(FIXTURE)
    attrs = book.scope_attrs(CARD, add_global_class=True)
    assert attrs == {SCOPE_ATTR: book.scope_of(CARD), GLOBAL_ATTR: ""}
    html = f'<swan-view id="t" class="app-title title" {attrs_html(attrs)}></swan-view>'
    assert matched(book.page_css("pages/index/index"), html)["t"] == ["font-size: 18px"]
    assert "box-sizing: border-box" in matched(book.component_css(CARD), html)["t"]


def test_external_classes_are_styled_by_the_css_that_passed_them() -> None:
    """Classes passed through externalClasses match the outer css: the page's when the
    page passed them, the enclosing component's when its template did — all of a
    compound's classes must have come in that way."""
    book = StyleBook(FIXTURE)
    from_page = book.scope_attrs(BADGE, outer_classes=["app-title", "base"])
    from_card = book.scope_attrs(BADGE, outer_classes=["hint"], outer_component=CARD)
    assert from_page[OUTER_ATTR] == "app-title base"
    assert from_card[OUTER_ATTR] == f"{book.scope_of(CARD)}:hint"
    html = f"""
      <swan-view id="by-page" class="app-title base dot" {attrs_html(from_page)}></swan-view>
      <swan-view id="by-card" class="hint dot" {attrs_html(from_card)}></swan-view>
      <swan-view id="half" class="app-title token" {attrs_html(from_page)}></swan-view>
      <swan-view id="own-only" class="app-title" {attrs_html(book.scope_attrs(BADGE))}></swan-view>"""
    page = matched(book.page_css("pages/index/index"), html)
    assert page["by-page"] == ["margin: 0 auto", "font-size: 18px"]
    assert page["half"] == ["font-size: 18px"]  # token is badge's own class
    assert "by-card" not in page and "own-only" not in page
    card = matched(book.component_css(CARD), html)
    assert dict(card) == {"by-card": ["color: gray"]}
    badge = matched(book.component_css(BADGE), html)
    assert set(badge) == {"by-page", "by-card"}


def test_scope_tokens_are_short_stable_and_distinct() -> None:
    """The token depends only on the path (any spelling of it), so it is the same in
    another StyleBook; two components get two tokens."""
    one, two = StyleBook(FIXTURE), StyleBook(FIXTURE)
    token = one.scope_of(CARD)
    assert token == one.scope_of("/components/card/card.css") == two.scope_of(CARD)
    assert token.startswith("c") and len(token) <= 8
    assert one.scope_of(BADGE) != token
    assert one.scope_attrs(None) == {}


def test_invalid_selector_drops_its_rule_with_a_problem(app: Path) -> None:
    """A selector list with a dangling combinator or a stray token drops its rule only."""
    write(app, "components/card/card.css",
          ".a > { color: red }\n.b, { color: red }\n.c::before:hover, .d .e { color: blue }\n")
    book = StyleBook(app)
    css = book.component_css(CARD)
    assert ".a" not in css and ".b" not in css
    assert ".d:where(" in css and ".e:where(" in css and ".c:where(" in css
    where = [(p.line, p.col) for p in book.problems if p.file.endswith("card.css")]
    assert where == [(1, 4), (2, 1)]


# -- caching ---------------------------------------------------------------------------------


def test_changed_file_is_read_again(app: Path) -> None:
    """A file whose mtime changes is parsed again on the next request, imports too."""
    book = StyleBook(app)
    assert "padding: 4px" in book.page_css("pages/index/index")
    tokens = write(app, "styles/tokens.css", ".token { padding: 16rpx; }\n")
    os.utime(tokens, ns=(tokens.stat().st_atime_ns, tokens.stat().st_mtime_ns + 10**9))
    assert "padding: 8px" in book.page_css("pages/index/index")


def test_unchanged_mtime_and_size_reuse_the_parsed_file(app: Path) -> None:
    """Same mtime and size: the cached parse is used (a same-length edit is not seen)."""
    book = StyleBook(app)
    tokens = app / "styles/tokens.css"
    before = tokens.stat()
    assert "padding: 4px" in book.page_css("pages/index/index")
    tokens.write_text(".token { padding: 9rpx; }\n", encoding="utf-8")
    os.utime(tokens, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert tokens.stat().st_size == before.st_size
    assert "padding: 4px" in book.page_css("pages/index/index")
    assert "padding: 4.5px" in StyleBook(app).page_css("pages/index/index")


def test_fixing_a_file_clears_its_problem_and_a_created_import_is_picked_up(
        app: Path) -> None:
    """Problems follow the files: creating the missing import removes its problem and
    inlines it."""
    book = StyleBook(app)
    book.page_css("pages/index/index")
    assert any("missing.css" in p.message for p in book.problems)
    write(app, "pages/index/missing.css", ".found { top: 2rpx }\n")
    css = book.page_css("pages/index/index")
    assert declarations(css, ".found") == ["top: 1px"]
    assert not any("missing.css" in p.message for p in book.problems)


# -- base sheet ------------------------------------------------------------------------------


def test_base_css_has_the_safe_area_classes_only_with_a_bottom_inset() -> None:
    """The safe-area classes carry the device's inset (34px on iPhone X-like phones) and
    are absent on a device without one, as the platform injects them [view_css.md]."""
    assert StyleBook(FIXTURE).base_css() == ""
    base = StyleBook(FIXTURE, safe_area_bottom=34).base_css()
    assert ".swan-security-padding-bottom { padding-bottom: 34px }" in base
    assert ".swan-security-margin-bottom { margin-bottom: 34px }" in base
    assert ".swan-security-fixed-bottom { bottom: 34px }" in base


def test_urls_are_rebased_to_the_app_folder(tmp_path: Path) -> None:
    """A relative url() in a css file resolves from that file's folder (the page's base is
    the page's folder, not the css file's); /x, http(s) and data stay; file:, javascript:
    and paths climbing out of the app load nothing."""
    (tmp_path / "app.css").write_text(".a { background: url(img/a.png) }")
    page = tmp_path / "pages" / "index"
    page.mkdir(parents=True)
    (page / "index.css").write_text(
        '.b { background: url("../../img/b.png"), url(/c.png), url(https://x.test/d.png), '
        "url(file:///etc/passwd), url(../../../out.png), image-set(url('e.png') 1x) }")
    css = StyleBook(tmp_path).page_css("pages/index/index")
    assert "url(/img/a.png)" in css
    assert 'url("/img/b.png")' in css and "url(/c.png)" in css
    assert "url(https://x.test/d.png)" in css
    assert "passwd" not in css and "out.png" not in css
    assert 'image-set(url("/pages/index/e.png") 1x)' in css
