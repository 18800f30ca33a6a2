"""Which custom component instance a rendered node belongs to.

The one place that knows how the view maps nodes to instances: a page has an instance per
component occurrence (emulator/view/components.py); the renderer knows the instance of an
occurrence's tag (``Renderer.instance_of``) and marks the nodes a component's template
made with their instance (``ViewNode.owner``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from emulator.app.host import AppHost
    from emulator.view.tree import ViewNode


def component_of(host: AppHost, node: ViewNode) -> int | None:
    """The instance id of the component occurrence whose tag ``node`` is, else of the one
    whose template made ``node``, else None (a node of the page's own template)."""
    instance = host.renderer.instance_of(node)
    return instance if instance is not None else node.owner
