"""Custom components in the rendered tree: an instance per occurrence, nested to any depth.

The view layer finds the occurrences, the logic layer makes the instances
(shared/spec/view-layer.md §5; design.md "The view layer"). A render of a page expands
every custom-component tag it meets — in the page's template or in a component's — into
that occurrence's own template rendered with its instance's data, the tag's children
placed in its ``<slot>``s. An occurrence is known by the tree node its tag became, so an
``s-for`` of three cards is three instances that live across re-renders; an occurrence
that goes away is detached.

What crosses to the logic layer goes through the runtime's one dispatcher (JS never calls
Python; emulator/runtime/prelude/components.js answers): ``componentCreate`` when an
occurrence appears (its attributes become properties there), ``componentProps`` when a
re-render changed its attributes, ``componentsRendered`` after each render that made or
dropped occurrences (the lifetimes run then; on a page's first render, onReady follows).

Plain nodes (emulator/view/compile.py) get two fields here: ``o`` (the component instance
whose template declared the node; none: the page) and ``i`` (on a tag: the instance of
that occurrence).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from emulator.app.package import AppPackage, _components, read_json
from emulator.errors import PackageError, TemplateError
from emulator.flows.events import ConsoleMessage, LoadProblem
from emulator.swan.surface import COMPONENTS
from emulator.view.events import Call, dispatch
from emulator.view.outline import outline_of
from emulator.view.tree import Reserved, ViewNode, pair

# The platform's built-in components (the API table, emulator/swan/surface.py) and the
# tags a template itself uses; anything else must come from usingComponents.
KNOWN_TAGS = frozenset({name.split("@")[0] for name in COMPONENTS}
                       | {"slot", "import-sjs", "filter"})

if TYPE_CHECKING:
    from emulator.view.renderer import PageView, Renderer

# Occurrence ids are the instances' ids (swan-core's nodeId also comes from the view);
# they start far above the logic layer's page ids so the two never meet.
_occurrence_ids = itertools.count(1 << 24)


@dataclass
class ComponentView:
    """A custom component occurrence as the view has it: its instance's data (as it
    crossed), its template, the tag node it lives in."""

    instance_id: int
    page_id: int
    name: str  # the tag name
    template: str | None
    data: dict[str, Any]
    path: str = ""  # the component's files, without extension
    parent_id: int = 0  # the page or instance whose template declares the tag
    attrs: dict[str, Any] = field(default_factory=dict)  # the tag's, as last passed on
    created: bool = False  # the logic layer has made the instance
    add_global_class: bool = False  # the page's classes reach its nodes (its options)
    external_classes: tuple[str, ...] = ()  # Component({externalClasses: [...]})
    node: ViewNode | None = None  # the tag in the page's tree, once rendered
    changes: list[tuple[str, Any]] | None = None  # setData since its last render
    # (None: the view context gets the whole data next time)


@dataclass
class RenderPass:
    """What one render of a page found: its occurrences in document order, those new."""

    seen: list[int] = field(default_factory=list)
    created: list[int] = field(default_factory=list)


def own(nodes: list[dict[str, Any]], instance_id: int) -> list[dict[str, Any]]:
    """Mark a freshly rendered component template's nodes as that instance's (in place:
    the nodes are new): its handlers are the instance's methods."""
    for node in nodes:
        if "t" in node:
            node["o"] = instance_id
            if node.get("c"):
                own(node["c"], instance_id)
    return nodes


def external_classes(nodes: list[dict[str, Any]], names: tuple[str, ...],
                     attrs: dict[str, Any], passer: int | None) -> None:
    """``externalClasses`` [framework/custom-component_temp.md; view-layer.md §5]: in a
    freshly rendered component template (in place), a class naming one of ``names`` becomes
    the classes the tag passed in that attribute (``<card title-class="red big">``:
    ``class="title-class"`` → ``class="red big"``); the node records them (``xc``) and who
    passed them (``xo``: the instance whose template holds the tag, 0 for the page), so
    the window styles them with the outer css."""
    if not names:
        return
    for node in nodes:
        if "t" not in node:
            continue
        value = (node.get("a") or {}).get("class")
        if isinstance(value, str) and any(t in names for t in value.split()):
            kept: list[str] = []
            passed: list[str] = []
            for token in value.split():
                if token in names:
                    given = attrs.get(token)
                    passed.extend(given.split() if isinstance(given, str) else [])
                else:
                    kept.append(token)
            node["a"] = {**node["a"], "class": " ".join([*kept, *passed])}
            if passed:
                node["xc"], node["xo"] = passed, passer or 0
        if node.get("c"):
            external_classes(node["c"], names, attrs, passer)


def fill_slots(nodes: list[dict[str, Any]], content: list[dict[str, Any]],
               reserved: Reserved | None = None) -> list[dict[str, Any]]:
    """``<slot>`` and ``<slot name>`` replaced by the tag's children that go there (``slot=
    "name"``; the rest to the default slot) [framework/custom-component_temp.md]. The
    content keeps its owner: it was rendered in the declaring scope. A stub in the
    content goes where its node went (``reserved``: tree.stubs of the render)."""
    out: list[dict[str, Any]] = []
    for node in nodes:
        if node.get("t") == "slot":
            name = (node.get("a") or {}).get("name")
            name = name if isinstance(name, str) and name else None
            for child in content:
                if (_slot_of(child, reserved or {})) == name:
                    out.append(child)
            continue
        if node.get("c"):
            node = {**node, "c": fill_slots(node["c"], content, reserved)}
        out.append(node)
    return out


def _slot_of(child: dict[str, Any], reserved: Reserved) -> str | None:
    if "same" in child:
        kept = reserved.get(child["same"])
        child = kept.source if kept is not None and kept.source is not None else child
    where = (child.get("a") or {}).get("slot") if "t" in child else None
    return where if isinstance(where, str) and where else None


def bind_nodes(nodes: list[ViewNode], plain: list[dict[str, Any]],
               found: dict[int, ViewNode]) -> None:
    """After reconcile: which tree node each occurrence's tag became (``i`` -> node)."""
    for node, p in zip(nodes, plain, strict=False):
        if "i" in p:
            found[p["i"]] = node
        if p.get("c"):
            bind_nodes(node.children, p["c"], found)


class Components:
    """The occurrences of the open pages, and their way to and from the logic layer."""

    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer
        self.package: AppPackage = renderer.package
        self.by_id: dict[int, ComponentView] = {}
        self._using: dict[str, dict[str, str]] = {}  # component path -> tag -> path
        self._global: dict[str, str] | None = None
        self._broken: set[str] = set()  # component paths whose JS failed: not asked again
        self._reported: set[str] = set()  # template problems already published
        self._checked: set[str] = set()  # templates whose tags were checked

    # ---- which tags are components -----------------------------------------------------
    def using(self, view: PageView, owner: int | None) -> dict[str, str]:
        """Tag name -> component path in the scope of ``owner`` (an instance id; None: the
        page): its json's ``usingComponents`` plus app.json's."""
        if owner is None:
            info = self.package.pages.get(view.route)
            return {c.name: c.path for c in info.components} if info else {}
        comp = self.by_id.get(owner)
        if comp is None:
            return {}
        return self.using_path(comp.path)

    def using_path(self, path: str) -> dict[str, str]:
        """Tag name -> component path for the component at ``path`` (no extension): its
        json's ``usingComponents`` plus app.json's."""
        known = self._using.get(path)
        if known is None:
            known = self._resolve(path)
            self._using[path] = known
        return known

    def _resolve(self, path: str) -> dict[str, str]:
        root = self.package.root
        problems: list[PackageError] = []
        if self._global is None:
            self._global = {c.name: c.path for c in _components(
                root, "app", self.package.app_json, problems)}
        config: Any = {}
        if (root / f"{path}.json").is_file():
            try:
                config = read_json(root / f"{path}.json", root)
            except PackageError as problem:
                problems.append(problem)
        own_refs = _components(root, path, config if isinstance(config, dict) else {}, problems)
        for problem in problems:
            self._problem(problem.path or f"{path}.json", problem.reason)
        return {**self._global, **{c.name: c.path for c in own_refs}}

    # ---- a render ----------------------------------------------------------------------
    def expand(self, view: PageView, plain: list[dict[str, Any]], old: ViewNode | None,
               found: RenderPass, reserved: Reserved) -> list[dict[str, Any]]:
        """``plain`` (children of ``old``'s place) with every occurrence expanded; the
        stubs of the components' renders are added to ``reserved`` (tree.stubs)."""
        olds = pair(old.children, plain, reserved) if old is not None else [None] * len(plain)
        out: list[dict[str, Any]] = []
        for p, match in zip(plain, olds, strict=True):
            if "t" not in p:
                out.append(p)
                continue
            owner = p.get("o")
            path = self.using(view, owner).get(p["t"])
            if path is not None:
                out.append(self._occurrence(view, p, match, owner, path, found, reserved))
            elif p.get("c"):
                out.append({**p, "c": self.expand(view, p["c"], match, found, reserved)})
            else:
                out.append(p)
        return out

    def _occurrence(self, view: PageView, p: dict[str, Any], old: ViewNode | None,
                    owner: int | None, path: str, found: RenderPass,
                    reserved: Reserved) -> dict[str, Any]:
        attrs = dict(p.get("a") or {})
        known = view.instances.get(old.id) if old is not None else None
        comp = self.by_id.get(known) if known is not None else None
        if comp is not None and comp.path == path:
            if attrs != comp.attrs:
                if any(attrs.get(n) != comp.attrs.get(n) for n in comp.external_classes):
                    # Passed classes are no data: the template's memo cannot see them.
                    self.renderer.context.forget(comp.instance_id)
                    comp.changes = None
                comp.attrs = attrs
                self.renderer.enter("componentProps", {"id": comp.instance_id, "attrs": attrs})
        else:
            comp = self._create(view, p["t"], path, owner, attrs, found)
            if comp is None:
                return {**p, "c": []}
        found.seen.append(comp.instance_id)
        rendered = self._render(view, comp, reserved)
        external_classes(rendered, comp.external_classes, attrs, owner)
        inner = fill_slots(own(rendered, comp.instance_id), p.get("c") or [], reserved)
        return {**p, "i": comp.instance_id, "c": self.expand(view, inner, old, found, reserved)}

    def _create(self, view: PageView, tag: str, path: str, owner: int | None,
                attrs: dict[str, Any], found: RenderPass) -> ComponentView | None:
        if path in self._broken:
            return None
        template = f"{path}.swan"
        comp = ComponentView(next(_occurrence_ids), view.page_id, tag,
                             template if (self.package.root / template).is_file() else None,
                             {}, path=path, parent_id=owner or view.page_id, attrs=attrs)
        self.by_id[comp.instance_id] = comp
        result = self.renderer.enter("componentCreate", {
            "id": comp.instance_id, "pageId": view.page_id, "parentId": comp.parent_id,
            "path": path, "name": tag, "attrs": attrs}, now=True)
        if isinstance(result, dict) and "error" in result:
            # Reported by the logic layer (a load problem naming the file); the page
            # renders the rest.
            del self.by_id[comp.instance_id]
            self._broken.add(path)
            return None
        found.created.append(comp.instance_id)
        return comp

    def _render(self, view: PageView, comp: ComponentView,
                reserved: Reserved) -> list[dict[str, Any]]:
        if comp.template is None or not comp.created:
            return []
        self.check_tags(comp.template, self.using(view, comp.instance_id))
        try:
            plain, kept = self.renderer.render_store(
                comp.template, comp.instance_id, comp,
                [*self.using(view, comp.instance_id), "slot"])
        except TemplateError as exc:
            self._problem(exc.path or comp.template, exc.reason)
            return []
        reserved.update(kept)
        return plain

    def check_tags(self, template: str, using: dict[str, str]) -> None:
        """Warn once per template of each tag that is no built-in component and not in
        its ``usingComponents``: the platform renders it as an empty element, and the
        devtools warn of it (a misspelt component name, an HTML tag); and of each end tag
        that closes nothing (``</vew>``), which the tolerant parser drops silently."""
        if template in self._checked:
            return
        self._checked.add(template)
        outline = outline_of(self.package.root / template)
        for tag in sorted(outline.tags - KNOWN_TAGS - set(using)):
            self.renderer.bus.publish(ConsoleMessage(
                level="warn", text=f"{template}: <{tag}> is no built-in component and not in "
                                   f"usingComponents: it renders as an empty element",
                location=template))
        for tag, line, column in outline.stray_ends:
            where = f"{template}:{line}:{column}"
            self.renderer.bus.publish(ConsoleMessage(
                level="warn", text=f"{where}: </{tag}> closes no open element (a typo?); it "
                                   "is ignored, as the platform ignores it", location=where))

    def _problem(self, file: str, message: str) -> None:
        if f"{file}\n{message}" not in self._reported:
            self._reported.add(f"{file}\n{message}")
            self.renderer.bus.publish(LoadProblem(file=file, message=message))

    def finish(self, view: PageView, plain: list[dict[str, Any]], found: RenderPass,
               first: bool) -> None:
        """After reconcile: bind occurrences to their tag nodes, drop the ones gone, and
        tell the logic layer (lifetimes; onReady after the first render)."""
        nodes: dict[int, ViewNode] = {}
        if found.seen:
            bind_nodes(view.root.children, plain, nodes)
        seen = set(found.seen)
        gone = [c.instance_id for c in self.by_id.values()
                if c.page_id == view.page_id and c.instance_id not in seen]
        for instance_id in gone:
            del self.by_id[instance_id]
            self.renderer.context.drop(instance_id)
        for instance_id, node in nodes.items():
            comp = self.by_id.get(instance_id)
            if comp is not None:
                comp.node = node
        view.instances = {node.id: instance_id for instance_id, node in nodes.items()}
        order_changed = found.seen != view.order
        view.order = list(found.seen)
        if first or gone or found.created or order_changed:
            self.renderer.enter("componentsRendered", {
                "pageId": view.page_id, "created": found.created, "detached": gone,
                "order": found.seen if order_changed else None, "first": first})

    def forget_page(self, page_id: int) -> None:
        """A page is gone: so are its occurrences (the logic layer detached them)."""
        for instance_id in [i for i, c in self.by_id.items() if c.page_id == page_id]:
            del self.by_id[instance_id]
            self.renderer.context.drop(instance_id)

    # ---- from the logic layer ----------------------------------------------------------
    def created(self, instance_id: int, data: Any, add_global_class: bool = False,
                external: tuple[str, ...] = ()) -> ComponentView | None:
        """The logic layer made the instance: its data as it crossed, whether the page's
        classes reach its nodes, and its externalClasses."""
        comp = self.by_id.get(instance_id)
        if comp is not None:
            comp.created = True
            comp.add_global_class = add_global_class
            comp.external_classes = external
            comp.data = dict(data) if isinstance(data, dict) else {}
            comp.changes = None  # the view context gets the whole data
        return comp

    def event_calls(self, instance_id: int, name: str, detail: Any,
                    options: dict[str, Any]) -> tuple[int, list[Call]]:
        """A component's ``triggerEvent(name, detail, options)``: the page it is on and the
        handlers that run, through the same dispatch as a tap (emulator/view/events.py).
        Only the occurrence's own tag listens unless ``bubbles``; then the nodes around it
        in the same template, and with ``composed`` those in the templates around that too;
        ``capturePhase`` adds a capture phase on that path, outermost first
        [framework/custom-component_cont.md; WeChat's composed rule]."""
        comp = self.by_id.get(instance_id)
        if comp is None or comp.node is None:
            return 0, []
        tag = comp.node
        bubbles = bool(options.get("bubbles"))
        capture = bool(options.get("capturePhase"))
        path = [tag]
        if bubbles or capture:
            composed = bool(options.get("composed"))
            path += [n for n in tag.ancestors() if composed or n.owner == tag.owner]
        view = self.renderer.pages.get(comp.page_id)
        calls = dispatch(tag, name, detail, started=view.opened if view else None, path=path,
                         bubbles=bubbles, capture=capture)
        return comp.page_id, calls

    def trigger(self, instance_id: int, name: str, detail: Any,
                options: dict[str, Any]) -> int:
        """Run a ``triggerEvent``'s handlers (see :meth:`event_calls`), each as a method
        of the page or instance whose template holds its binding; returns how many. A
        binding to a missing method is an uncaught error naming the binding's place, as a
        tap's is."""
        page_id, calls = self.event_calls(instance_id, name, detail, options)
        view = self.renderer.view(page_id) if calls else None
        if view is None:
            return 0
        for call in calls:
            owner = call.node.owner
            template = self.by_id[owner].template if owner in self.by_id else view.template
            self.renderer.enter("callMethod", {
                **({"instanceId": owner} if owner else {"pageId": page_id}),
                "name": call.handler, "event": call.event,
                "binding": f"{template or view.route}:{call.node.pos}"})
        return len(calls)

    def instance_of(self, node: ViewNode | int) -> int | None:
        """The instance id of the custom-component occurrence whose tag is ``node`` (a
        node or node id of any open page), else None."""
        node_id = node if isinstance(node, int) else node.id
        for view in self.renderer.pages.values():
            if node_id in view.instances:
                return view.instances[node_id]
        return None

