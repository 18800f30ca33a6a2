"""What the window's web view needs to mirror a page: node JSON made ready for the browser.

The core's tree (emulator/view/tree.py) speaks the template's language: ``rpx`` lengths in
``style`` attributes, image paths relative to the template that wrote them, ``bdfile://``
paths of the app's sandbox, nodes owned by component instances. The mirror
(emulator/gui/simulator/assets/*.js) speaks the browser's: px, ``swan://`` URLs the
window serves, and ``marks`` per component node: the attributes its isolated css keys on
(emulator/view/styles.py). This module does that translation, Qt-free, for a whole page
(``page``) and for each batch of patches (``patches``).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from emulator.swan.files import SCHEME as BDFILE

if TYPE_CHECKING:
    from emulator.view.renderer import PageView, Renderer
    from emulator.view.styles import StyleBook

IMAGE_TAGS = frozenset({"image", "cover-image"})
NETWORK = ("http://", "https://", "data:", "swan://")

#: owner (component instance id) -> the component's path in the package
#: ("components/card/card") and whether it has ``addGlobalClass``; None: not known
OwnerInfo = Callable[[int], tuple[str, bool] | None]


def image_url(src: str, template_dir: str) -> str:
    """An image ``src`` as the web view loads it: network and data URLs as they are,
    ``bdfile://x`` → ``swan://file/x``, a package path (absolute from the package root, or
    relative to the template's folder [framework/custom-component.md]) → ``swan://app/…``."""
    src = src.strip()
    if not src or src.lower().startswith(NETWORK):
        return src
    if src.startswith(BDFILE):
        return "swan://file/" + quote(src[len(BDFILE):], safe="/%")
    if src.startswith("//"):
        return "https:" + src
    path = src.lstrip("/") if src.startswith("/") else posixpath.join(template_dir, src)
    path = posixpath.normpath(path)
    if path.startswith(".."):
        return ""  # outside the package: the platform shows nothing either
    return "swan://app/" + quote(path, safe="/%")


def owners_of(renderer: Renderer) -> OwnerInfo:
    """The :data:`OwnerInfo` of a running app's view layer."""
    def info(owner: int) -> tuple[str, bool] | None:
        comp = renderer.components.get(owner)
        return (comp.path, comp.add_global_class) if comp is not None and comp.path else None

    return info


class MirrorPrep:
    """Turns one app's node JSON into the mirror's (see the module docstring)."""

    def __init__(self, styles: StyleBook, owner_info: OwnerInfo) -> None:
        self.styles = styles
        self.owner_info = owner_info
        # Components whose nodes went out since the last page() (their css is needed).
        self.components: set[str] = set()

    def page(self, view: PageView) -> dict[str, Any]:
        """A whole page: ``{root, children, css, base, error}``."""
        template_dir = posixpath.dirname(view.route)
        self.components = set()
        children = [self._node(c.to_json(), template_dir) for c in view.root.children]
        return {"root": view.root.id, "children": children, "css": self.css(view.route),
                "base": "swan://app/" + quote(template_dir + "/" if template_dir else ""),
                "error": view.error or ""}

    def css(self, route: str) -> str:
        """The page's sheet: the safe-area classes, app.css + the page's css, and the css
        of each component whose nodes were sent (:attr:`components`)."""
        return "\n".join([self.styles.base_css(), self.styles.page_css(route),
                          *(self.styles.component_css(p) for p in sorted(self.components))])

    def patches(self, view: PageView, patches: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """A batch of patches with their inserted nodes and changed attributes translated."""
        template_dir = posixpath.dirname(view.route)
        index: dict[int, Any] | None = None  # built once per batch, only if needed
        out = []
        for patch in patches:
            op = patch.get("op")
            if op == "insert":
                patch = {**patch, "node": self._node(patch["node"], template_dir)}
            elif op == "attrs":
                if index is None:
                    index = {n.id: n for n in view.root.walk()}
                node = index.get(patch["id"])
                tag = node.tag if node is not None else ""
                owner = node.owner if node is not None else None
                changed = self._attrs(tag, dict(patch.get("set") or {}),
                                      self._dir(owner, template_dir))
                if "class" in changed and node is not None and node.outer is not None:
                    # Classes passed in anew: their marks follow (the outer css reads them).
                    changed.update(self._marks(self.owner_info(owner) if owner else None,
                                               node.to_json().get("outer")))
                patch = {**patch, "set": changed}
            out.append(patch)
        return out

    def _dir(self, owner: int | None, template_dir: str) -> str:
        info = self.owner_info(owner) if owner is not None else None
        return posixpath.dirname(info[0]) if info else template_dir

    def _node(self, node: dict[str, Any], template_dir: str) -> dict[str, Any]:
        if "tag" not in node:
            return node
        owner = node.get("owner")
        here = self._dir(owner, template_dir)
        out = {**node, "attrs": self._attrs(node["tag"], dict(node.get("attrs") or {}), here),
               "children": [self._node(c, template_dir) for c in node.get("children") or []]}
        info = self.owner_info(owner) if owner is not None else None
        if info:
            self.components.add(info[0])
        marks = self._marks(info, node.get("outer"))
        if marks:
            out["marks"] = marks
        return out

    def _marks(self, info: tuple[str, bool] | None,
               outer: dict[str, Any] | None) -> dict[str, str]:
        """The isolation attributes the component's and the page's css expect
        (emulator/view/styles.py's contract): the node's component, and the classes that
        came in through externalClasses with the component that passed them."""
        passer = self.owner_info(outer["owner"]) if outer and outer.get("owner") else None
        return self.styles.scope_attrs(
            info[0] if info else None, add_global_class=bool(info and info[1]),
            outer_classes=outer["classes"] if outer else (),
            outer_component=passer[0] if passer else None)

    def _attrs(self, tag: str, attrs: dict[str, Any], template_dir: str) -> dict[str, Any]:
        style = attrs.get("style")
        if isinstance(style, str) and "rpx" in style.lower():
            attrs["style"] = self.styles.inline_style(style)
        if tag in IMAGE_TAGS and isinstance(attrs.get("src"), str):
            attrs["src"] = image_url(attrs["src"], template_dir)
        return attrs
