"""The view context: a QuickJS context of its own where compiled templates render.

App code never runs here (it cannot reach the view's state), and what the logic layer
sends crosses as JSON, as on the platform. Templates compile once per file and are
cached by path and modification time.

Incremental rendering: each page and component instance is a *store* here (its data kept
in the context, changed by setData key paths; prelude/render.js ``renderStore``), so a
render sends only the changes and gets back stubs (``{"same": u}``) for what renders as
before; emulator/view/tree.py keeps those nodes as they are.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

from emulator.errors import ScriptError, TemplateError
from emulator.runtime.engine import Engine
from emulator.view.compile import compile_template

RENDER_TIME_LIMIT = 2.0  # s of CPU per render
_EXPORT_DEFAULT = re.compile(r"\bexport\s+default\b")
_REQUIRE = re.compile(r"""\brequire\(\s*['"]([^'"]+\.sjs)['"]\s*\)""")
# Memo ids (the ``u`` of plain nodes) are unique in the process: each context counts
# from its own base, as the tree keeps one registry of them.
_contexts = itertools.count(1)


def _join(base: str, spec: str) -> str:
    parts = [] if spec.startswith("/") else [p for p in base.split("/") if p]
    for part in spec.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


class ViewContext:
    """Compiles the app's templates and renders them to plain node lists."""

    def __init__(self, root: Path, *, memory_limit: int = 128 * 1024 * 1024) -> None:
        self.root = root
        self.engine = Engine(time_limit=RENDER_TIME_LIMIT, memory_limit=memory_limit)
        # Beside this file, not through importlib.resources, which costs ~5 ms to import
        # (tempfile, shutil, zipfile) at every start.
        source = (Path(__file__).with_name("prelude") / "render.js").read_text(encoding="utf-8")
        self.engine.eval_file("<view>/render.js", source, internal=True)
        self._check_fn = self.engine.eval_file("<view>/entry", "__view.check", internal=True)
        self._render_fn = self.engine.eval_file("<view>/entry", "__view.render", internal=True)
        self._link_fn = self.engine.eval_file("<view>/entry", "__view.link", internal=True)
        self._store_fn = self.engine.eval_file("<view>/entry", "__view.renderStore",
                                               internal=True)
        self._forget_fn = self.engine.eval_file("<view>/entry", "__view.forgetMemo",
                                                internal=True)
        self._drop_fn = self.engine.eval_file("<view>/entry", "__view.dropStore", internal=True)
        self.engine.eval(f"__view.init({next(_contexts) * 2 ** 32})")
        self._sites = 1  # the next template's first memo site
        self._compiled = 0  # files compiled so far (a change: link again)
        self._linked: set[str] = set()  # files linked since
        self._loaded: dict[str, float] = {}  # template file -> mtime compiled
        self._modules: set[str] = set()  # module files defined

    def _check(self, expression: str) -> str | None:
        result = self.engine.call(self._check_fn, expression)
        return None if result is None else str(result)

    def _read(self, file: str) -> str:
        return (self.root / file).read_text(encoding="utf-8-sig")

    def load(self, file: str) -> None:
        """Compile ``file`` (and what it imports) unless already compiled at its current
        modification time. Raises TemplateError (file:line:col) on a broken template."""
        compiled = self._compiled
        self._load(file, set())
        if compiled != self._compiled or file not in self._linked:
            self._linked.add(file)
            self.engine.call(self._link_fn, file)

    def _load(self, file: str, seen: set[str]) -> None:
        if file in seen:
            return
        seen.add(file)
        path = self.root / file
        try:
            mtime = path.stat().st_mtime
        except OSError:
            raise TemplateError("template file not found", file) from None
        if self._loaded.get(file) != mtime:
            compiled = compile_template(self._read(file), file, load=self._read,
                                        check=self._check, first_site=self._sites)
            self._sites = compiled.sites
            try:
                self.engine.eval_file(f"<view>/{file}", compiled.source, internal=True)
            except ScriptError as exc:
                raise TemplateError(f"cannot compile: {exc.message}", file) from None
            for path in compiled.modules.values():
                self._define_module(path, compiled.inline.get(path))
            self._loaded[file] = mtime
            self._compiled += 1
            imports = compiled.imports
        else:
            imports = self._imports_of(file)
        for imported in imports:
            self._load(imported, seen)

    def _define_module(self, path: str, inline: str | None, seen: set[str] | None = None) -> None:
        """Define a filter/sjs module (and the sjs files it requires) in the view context.
        ``export default`` becomes ``module.exports =``, as the devtools compile it."""
        seen = seen if seen is not None else set()
        if path in seen or (inline is None and path in self._modules):
            return
        seen.add(path)
        if inline is not None:
            code = inline
        else:
            try:
                code = self._read(path)
            except OSError:
                raise TemplateError("module file not found", path) from None
            self._modules.add(path)
        code = _EXPORT_DEFAULT.sub("module.exports =", code)
        wrapped = ("__view.defineModule(" + json.dumps(path)
                   + ", function (module, exports, require) {" + code + "\n});")
        try:
            self.engine.eval_file(f"<view>/{path}", wrapped, internal=True)
        except ScriptError as exc:
            raise TemplateError(f"module cannot load: {exc.message}", path) from None
        base = path.rsplit("/", 1)[0] if "/" in path else ""
        for spec in _REQUIRE.findall(code):
            target = _join(base, spec)
            self._define_module(target, None, seen)

    def _imports_of(self, file: str) -> list[str]:
        result = self.engine.eval(f"JSON.stringify(__view.templates[{json.dumps(file)}].imports)")
        return list(json.loads(result))

    def render(self, file: str, data: Any) -> list[dict[str, Any]]:
        """Render ``file`` with ``data`` (JSON-able); plain nodes (see compile.py). An
        exception in an expression is a TemplateError naming the template."""
        self.load(file)
        try:
            text = self.engine.call(self._render_fn, file, json.dumps(data, ensure_ascii=False))
        except ScriptError as exc:
            raise TemplateError(f"rendering failed: {exc.message}", file) from None
        return list(json.loads(text))

    def render_store(self, file: str, key: int, *, data: Any = None,
                     changes: list[tuple[str, Any]] | None = None,
                     pin: list[str] | tuple[str, ...] = ()) -> tuple[list[dict[str, Any]], bool]:
        """Render ``file`` for the store ``key`` (a page or component instance id) with
        its data kept here: ``data`` (JSON-able) replaces it when given, then ``changes``
        (setData key paths and values, in order) apply. Returns plain nodes where what
        renders as in this store's last render is a stub ``{"same": u}`` (a rendered
        node carries its ``u``), and whether there may be stubs; tags in ``pin`` (custom
        components, ``slot``: expanded later) are never inside a stub. The nodes must
        reach the tree (tree.reconcile) before the next render of the store, else call
        :meth:`forget` first. An exception in an expression is a TemplateError; the
        store keeps the changed data."""
        self.load(file)
        try:
            text = self.engine.call(
                self._store_fn, file, key,
                None if data is None else json.dumps(data, ensure_ascii=False),
                None if not changes else json.dumps(changes, ensure_ascii=False),
                json.dumps(list(pin)))
        except ScriptError as exc:
            raise TemplateError(f"rendering failed: {exc.message}", file) from None
        # A stub's key appears unescaped only as a key (an attribute named "same" too:
        # then the caller just looks for stubs in vain).
        return list(json.loads(text)), '"same":' in text

    def forget(self, key: int) -> None:
        """The store's next render is from scratch (its last result did not reach the tree)."""
        self.engine.call(self._forget_fn, key)

    def drop(self, key: int) -> None:
        """The page or instance is gone: drop its data and memo."""
        self.engine.call(self._drop_fn, key)
