"""What a ``.swan`` template declares, before any rendering: the ids, classes and tags of
its elements. Selector queries answer from it until pages are rendered, so code that
measures a node its template has (``select('#list').boundingClientRect``) gets a node,
not null.

Parsed with the standard library's ``html.parser`` (tolerant of the template syntax:
``{{ }}`` bindings stay inside attribute values and text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

_BINDING = re.compile(r"\{\{.*?\}\}|\{=.*?=\}", re.S)


@dataclass
class Outline:
    """The static ids, class names and tag names of one template."""

    ids: set[str] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)
    # End tags that close no open element, as (tag, line, column): the tolerant parser
    # ignores them, as the platform's does; usually a typo (``</vew>``).
    stray_ends: list[tuple[str, int, int]] = field(default_factory=list)

    def as_json(self) -> dict[str, list[str]]:
        """Sorted lists, for the JS side."""
        return {"ids": sorted(self.ids), "classes": sorted(self.classes),
                "tags": sorted(self.tags)}


class _Collector(HTMLParser):
    def __init__(self, outline: Outline) -> None:
        super().__init__(convert_charrefs=True)
        self.outline = outline
        self._open: list[str] = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._collect(tag, attrs)  # self-closed: nothing stays open

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open.append(tag)
        self._collect(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag):]
        else:
            line, offset = self.getpos()
            self.outline.stray_ends.append((tag, line, offset + 1))

    def _collect(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.outline.tags.add(tag)
        for name, value in attrs:
            if not value:
                continue
            static = _BINDING.sub(" ", value) if _bound(value) else value
            if name == "id":
                if static.strip() and static == value:
                    self.outline.ids.add(value.strip())
            elif name == "class":
                self.outline.classes.update(static.split())


def _bound(value: str) -> bool:
    """Whether an attribute value holds a binding (most hold none: no regex for them)."""
    return "{" in value and _BINDING.search(value) is not None


_cache: dict[tuple[Path, int], Outline] = {}


def outline_of(path: Path) -> Outline:
    """The outline of a template file; an unreadable file has an empty one. Parsed once
    per file version (a page's template is asked for by each of its components)."""
    try:
        key = (path, path.stat().st_mtime_ns)
    except OSError:
        return Outline()
    cached = _cache.get(key)
    if cached is not None:
        return cached
    outline = Outline()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return outline
    collector = _Collector(outline)
    collector.feed(text)
    collector.close()
    if len(_cache) > 4096:
        _cache.clear()
    _cache[key] = outline
    return outline
