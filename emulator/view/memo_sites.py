"""Memo sites: what lets incremental rendering skip the parts of a page whose inputs did
not change.

Every ``s-for``, every element with children outside loops and every ``<template is>`` is
a memo *site* (numbers unique in the view context). The compiler knows the names each
site's expressions read (:func:`free_names`), so the render function can tell, per render,
whether a site's inputs changed; when they did not it yields stubs instead of nodes
(prelude/render.js ``loop``/``memo``/``use``).
"""

from __future__ import annotations

import json
import re

_NOT_NAMES = frozenset({"true", "false", "null", "undefined", "typeof", "instanceof", "in",
                        "new", "void", "delete", "of", "this"})
UNKNOWN = "\0"
"""In a name set: the names could not be known (a template string): never reuse."""
IDENT = re.compile(r"[A-Za-z_$][\w$]*")


def free_names(source: str) -> set[str]:
    """The names an expression reads from its scope: identifiers not after ``.``/``?.``
    and outside strings. Object keys count too (harmless: a name too many only makes a
    re-render). A template string makes the set ``{UNKNOWN}``."""
    if "`" in source:
        return {UNKNOWN}
    names: set[str] = set()
    i, n = 0, len(source)
    member = False  # the last token was . or ?.
    while i < n:
        c = source[i]
        if c in "\"'":
            j = i + 1
            while j < n and source[j] != c:
                j += 2 if source[j] == "\\" else 1
            i, member = j + 1, False
        elif c.isalpha() or c in "_$":
            m = IDENT.match(source, i)
            assert m is not None
            if not member and m.group() not in _NOT_NAMES:
                names.add(m.group())
            i, member = m.end(), False
        elif c.isdigit():
            while i < n and (source[i].isalnum() or source[i] == "."):
                i += 1
            member = False
        elif source.startswith("...", i):
            i, member = i + 3, False
        elif c == "." or source.startswith("?.", i):
            i, member = i + (1 if c == "." else 2), True
        else:
            member = member and c.isspace()
            i += 1
    return names


class MemoSites:
    """The memo sites of one template file being compiled: their numbers, the names each
    open site reads, and the deps array each one's render checks (the template compiler,
    emulator/view/compile.py, opens and closes them as it walks the nodes)."""

    modules: dict[str, str]  # the file's module names (filters, sjs): never a site's deps

    def __init__(self, first_site: int = 1) -> None:
        self.site = first_site  # the next memo site's number
        self.names: list[set[str]] = []  # names read, per open memo site (innermost last)
        self.deps: dict[int, tuple[str, set[str], set[str]]] = {}  # placeholder -> scope,
        # names, names left out (the site's own loop variables)

    def read(self, source: str) -> None:
        """Record the names ``source`` reads, for the innermost open site."""
        if self.names:
            self.names[-1] |= free_names(source)

    def open_site(self) -> int:
        site = self.site
        self.site += 1
        self.names.append(set())
        return site

    def close_site(self) -> set[str]:
        """The names the closed site read (its enclosing site reads them too)."""
        names = self.names.pop()
        if self.names:
            self.names[-1] |= names
        return names

    def deps_of(self, scope: str, names: set[str], leave: set[str] | None = None) -> str:
        """A placeholder for the site's deps array (filled in by :meth:`finish`, when the
        module names, which never change, are known)."""
        mark = len(self.deps)
        self.deps[mark] = (scope, names, leave or set())
        return f"__v_DEPS_{mark}__"

    def finish(self, code: str) -> str:
        def fill(m: re.Match[str]) -> str:
            scope, names, leave = self.deps[int(m.group(1))]
            if UNKNOWN in names:
                return "null"
            wanted = sorted(names - leave - set(self.modules))
            return (f"__v_r.deps({scope}, {json.dumps(wanted, ensure_ascii=False)})"
                    if wanted else "[]")
        return re.sub(r"__v_DEPS_(\d+)__", fill, code)
