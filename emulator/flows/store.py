"""A bounded, ordered store of flows that observers (GUI models, HAR writer) read."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from emulator.flows.bus import EventBus
from emulator.flows.events import FlowStarted

if TYPE_CHECKING:
    from emulator.flows.flow import HttpFlow

DEFAULT_MAX_FLOWS = 100_000


class FlowStore:
    """Keeps the newest ``max_flows`` flows, oldest first; older ones are dropped."""

    def __init__(self, bus: EventBus | None = None, max_flows: int = DEFAULT_MAX_FLOWS) -> None:
        self.max_flows = max_flows
        self.dropped = 0
        self._flows: OrderedDict[int, HttpFlow] = OrderedDict()
        if bus is not None:
            bus.subscribe(lambda e: self.add(e.flow), FlowStarted)

    def add(self, flow: HttpFlow) -> None:
        """Record a flow (at its start; it is filled in as it goes)."""
        self._flows[flow.id] = flow
        while len(self._flows) > self.max_flows:
            self._flows.popitem(last=False)
            self.dropped += 1

    def get(self, flow_id: int) -> HttpFlow | None:
        """A flow by id, if still kept."""
        return self._flows.get(flow_id)

    def clear(self) -> None:
        """Forget every flow."""
        self._flows.clear()

    def __iter__(self) -> Iterator[HttpFlow]:
        return iter(list(self._flows.values()))

    def __len__(self) -> int:
        return len(self._flows)
