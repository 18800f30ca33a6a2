"""CSS selectors over the node tree, by cssselect (CSS -> XPath) on an lxml mirror.

The tree is mirrored into lxml elements that carry each node's id; cssselect turns the
selector into XPath, lxml runs it, and the ids lead back to the nodes — the selector
language is cssselect's, not a home-made matcher. Bad selectors raise
:class:`SelectorError`.
"""

from __future__ import annotations

import re

from cssselect import GenericTranslator
from cssselect import SelectorError as _CssSelectorError
from lxml import etree

from emulator.errors import EmulatorError
from emulator.view.tree import ViewNode

_NAME = re.compile(r"^[A-Za-z_][\w.-]*$")
_translator = GenericTranslator()


class SelectorError(EmulatorError):
    """A selector cssselect cannot read."""


def _mirror(node: ViewNode, parent: etree._Element | None) -> etree._Element | None:
    if node.is_text:
        return None
    tag = node.tag if _NAME.match(node.tag) else "node"
    el = etree.Element(tag) if parent is None else etree.SubElement(parent, tag)
    el.set("data-vid", str(node.id))
    for name, value in node.attrs.items():
        if _NAME.match(name) and name != "data-vid":
            el.set(name, "" if value is True else str(value))
    for child in node.children:
        _mirror(child, el)
    return el


def select_all(roots: list[ViewNode], selector: str) -> list[ViewNode]:
    """The nodes under ``roots`` matching ``selector``, in document order."""
    try:
        xpath = _translator.css_to_xpath(selector, prefix="descendant-or-self::")
    except (_CssSelectorError, SyntaxError, ValueError) as exc:
        raise SelectorError(f"bad selector {selector!r}: {exc}") from None
    container = etree.Element("root")
    by_id: dict[int, ViewNode] = {}
    for root in roots:
        for node in root.walk():
            by_id[node.id] = node
        _mirror(root, container)
    out = []
    for el in container.xpath(xpath):
        if isinstance(el, etree._Element) and el.get("data-vid"):
            out.append(by_id[int(el.get("data-vid"))])
    return out


def select(roots: list[ViewNode], selector: str) -> ViewNode | None:
    """The first node matching ``selector``, or None."""
    found = select_all(roots, selector)
    return found[0] if found else None
