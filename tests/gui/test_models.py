"""The Qt models pass Qt's own model checks and batch their updates."""

from __future__ import annotations

from typing import Any

from emulator.flows.flow import SocketFlow, TransferFlow
from emulator.flows.testing import tflow
from emulator.gui.models.flow_table import FlowTableModel
from emulator.gui.panels.sockets import FrameTableModel, SocketTableModel
from emulator.gui.panels.transfers import TransferTableModel
from emulator.net.policy import Verdict


def test_flow_table_model_checks_and_caps(qtmodeltester: Any) -> None:
    """Batched inserts, one ranged removal past the cap, repaints of touched rows."""
    model = FlowTableModel(max_rows=50)
    inserted: list[tuple[int, int]] = []
    removed: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, a, b: inserted.append((a, b)))
    model.rowsRemoved.connect(lambda _p, a, b: removed.append((a, b)))
    flows = [tflow(flow_id=i) for i in range(1, 81)]
    for f in flows[:30]:
        model.add(f)
    model.commit()
    for f in flows[30:]:
        model.add(f)
    model.commit()
    assert inserted == [(0, 29), (30, 79)]
    assert removed == [(0, 29)]
    assert model.rowCount() == 50 and model.flow_at(0).id == 31
    assert model.row_of(80) == 49 and model.row_of(5) is None
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, _r: changed.append((a.row(), b.row())))
    model.touch(flows[40])
    model.touch(flows[45])
    model.commit()
    assert changed == [(10, 15)]
    qtmodeltester.check(model)


def test_other_models(qtmodeltester: Any) -> None:
    """Transfers, sockets and frames models."""
    transfers = TransferTableModel()
    t = TransferFlow(api="downloadFile", request=tflow().request, verdict=Verdict(True, True))
    t.bytes_done, t.bytes_expected = 50, 200
    transfers.sync([t], changed=False)
    assert transfers.index(0, 4).data() == 25
    qtmodeltester.check(transfers)
    sockets = SocketTableModel()
    s = SocketFlow(url="wss://x.test/chat", verdict=Verdict(True, True))
    for i in range(5):
        s.add_frame("send" if i % 2 else "receive", f"m{i}")
    sockets.sync([s], changed=True)
    qtmodeltester.check(sockets)
    frames = FrameTableModel()
    frames.show(s)
    assert frames.rowCount() == 5
    s.add_frame("send", b"\x00\x01")
    frames.refresh()
    assert frames.rowCount() == 6 and frames.index(5, 2).data() == "binary"
    qtmodeltester.check(frames)
