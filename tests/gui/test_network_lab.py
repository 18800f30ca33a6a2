"""The network lab in the window, on a real app and the builtin backend: the Mock panel's
rules answer the app's next call (marked in the table and the details), switch off,
reorder, refuse bad JSON and save to the settings file; the network panel's Replay, Edit
and resend and Mock this response."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PyQt6.QtCore import QModelIndex, Qt

from emulator.flows.flow import HttpFlow
from emulator.flows.har import make_har
from emulator.gui.models.flow_table import COL_POLICY
from emulator.gui.models.mock_rules import MockRulesModel
from emulator.gui.panels.mock_editor import RuleEditor
from tests.gui.conftest import Driver
from tests.gui.test_window import app_with

ECHO = "https://api.demo.test/echo"
PAGE = f"""
Page({{
  go() {{
    swan.request({{url: '{ECHO}?x=1', header: {{'X-Test': 'lab'}},
      success(r) {{ console.log('answer ' + r.statusCode + ' '
                               + (r.data.mock || r.data.method)); }},
      fail(e) {{ console.log('fail ' + e.errMsg); }}}});
  }}
}});
"""


class Lab:
    """The app in the window and the few moves each test makes."""

    def __init__(self, gui: Driver) -> None:
        self.gui = gui
        self.w = gui.window

    @property
    def flows(self) -> list[HttpFlow]:
        model = self.w.flows
        return [model.flow_at(r) for r in range(model.rowCount())]

    async def call(self) -> HttpFlow:
        """The page's go(): one request; the flow once it has ended."""
        host = self.w.host
        assert host is not None
        count = len(self.flows)
        host.call_method(host.page_stack[-1].page_id, "go")
        await self.gui.until(lambda: len(self.flows) > count and self.flows[-1].state.ended)
        await host.wait_idle()
        return self.flows[-1]

    def answers(self) -> list[str]:
        return [line for line in self.gui.console_text().splitlines()
                if line.startswith(("answer", "fail"))]

    def policy(self, flow: HttpFlow, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.w.flows.row_of(flow.id)
        assert row is not None
        return self.w.flows.index(row, COL_POLICY).data(role)

    def new_rule(self, data: dict[str, Any]) -> None:
        """Add a rule through the editor's JSON tab."""
        editor = self.w.mocks.add()
        assert isinstance(editor, RuleEditor)
        editor.show_json()
        editor.json.setPlainText(json.dumps(data))
        editor.accept()
        assert editor.error.text() == "", editor.error.text()


def canned(name: str) -> dict[str, Any]:
    return {"name": name, "url": f"{ECHO}*", "response": {"status": 200, "json": {"mock": name}}}


def test_mock_panel_rules_answer_switch_reorder_save(gui: Driver, tmp_path: Path,
                                                     qtmodeltester: Any) -> None:
    """A rule added in the panel answers the next call (marked mocked, the rule named in
    the tooltip and details); unticked, the server answers; dragged first, the other rule
    wins; Save writes the list to swan-emulator.json beside the domains."""
    async def scenario() -> None:
        lab = Lab(gui)
        root = app_with(tmp_path, PAGE)
        await gui.open(root)
        panel = lab.w.mocks
        assert lab.w.docks["Mocks"].widget() is panel
        lab.new_rule(canned("canned"))
        model: MockRulesModel = panel.model
        assert model.rowCount() == 1 and model.index(0, 1).data() == "canned"
        flow = await lab.call()
        assert flow.mocked == "canned" and lab.answers()[-1] == "answer 200 canned"
        assert lab.policy(flow) == "mocked"
        assert '"canned"' in lab.policy(flow, Qt.ItemDataRole.ToolTipRole)
        lab.w.network.details.show_flow(flow)
        assert 'mock rule "canned"' in lab.w.network.details.timing.toPlainText()
        assert 'mock rule "canned"' in lab.w.network.details.headers.toPlainText()
        await gui.until(lambda: model.index(0, 7).data() == "1")  # hits, repainted

        panel.set_enabled(0, False)
        assert model.index(0, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
        flow = await lab.call()
        assert flow.mocked is None and lab.answers()[-1] == "answer 200 GET"
        assert lab.policy(flow) == "allowed"
        panel.set_enabled(0, True)

        # The form: a second rule, first in the list (new rules go first).
        editor = panel.add()
        assert editor is not None
        editor.name.setText("second")
        editor.url.setText(f"{ECHO}*")
        editor.method.setCurrentText("GET")
        editor.times.setValue(5)
        editor.body_kind.setCurrentText("json")
        editor.body.setPlainText('{"mock": "second"}')
        editor.accept()
        assert [r.name for r in lab.w.host.mocks] == ["second", "canned"]
        assert (await lab.call()).mocked == "second"
        assert model.index(0, 6).data() == "4 of 5 left"
        # Drag "canned" above "second": it wins now.
        dragged = model.mimeData([model.index(1, 1)])
        assert model.dropMimeData(dragged, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
        assert [r.name for r in lab.w.host.mocks] == ["canned", "second"]
        assert (await lab.call()).mocked == "canned"
        panel.table.selectRow(0)
        panel.shift(1)
        assert [r.name for r in lab.w.host.mocks] == ["second", "canned"]
        qtmodeltester.check(model)

        saved = panel.save()
        assert saved == root / "swan-emulator.json"
        data = json.loads(saved.read_text())
        assert data["hosts"] == {"api.demo.test": "builtin"} and "request" in data["domains"]
        assert [m["name"] for m in data["mocks"]] == ["second", "canned"]
        assert data["mocks"][0]["times"] == 5 and data["mocks"][1] == canned("canned")
        # A reload reads them back from the file.
        await gui.open(root)
        panel.sync()
        assert [model.index(r, 1).data() for r in range(model.rowCount())] == \
            ["second", "canned"]

    gui.run(scenario())


def test_rule_editor_shows_errors_inline(gui: Driver, tmp_path: Path) -> None:
    """Bad JSON and a rule the settings would refuse are shown under the editor, which
    stays open and adds nothing; form and JSON tabs carry the same rule."""
    async def scenario() -> None:
        lab = Lab(gui)
        await gui.open(app_with(tmp_path, PAGE))
        editor = lab.w.mocks.add()
        assert editor is not None
        editor.show_json()
        editor.json.setPlainText('{"url": "*", "response": ')
        assert "invalid JSON" in editor.error.text()
        editor.json.setPlainText('{"url": "*", "respnse": {"status": 200}}')
        assert 'did you mean "response"' in editor.error.text()
        editor.accept()
        assert editor.result() == 0 and len(lab.w.host.mocks) == 0
        editor.json.setPlainText(json.dumps({"name": "f", "url": "*/x", "method": "POST",
                                             "params": {"query.a": "^1$"}, "fail": "timeout"}))
        assert editor.error.text() == ""
        editor.tabs.setCurrentIndex(0)
        assert editor.kind.currentText() == "fail" and editor.failure.currentText() == "timeout"
        assert editor.params.toPlainText() == "query.a = ^1$"
        editor.kind.setCurrentText("response")
        editor.body_kind.setCurrentText("json")
        editor.body.setPlainText("{not json")
        editor.tabs.setCurrentIndex(1)
        assert editor.tabs.currentIndex() == 0 and "Body: not JSON" in editor.error.text()
        editor.reject()

    gui.run(scenario())


def test_replay_edit_and_resend_mock_this_response(gui: Driver, tmp_path: Path) -> None:
    """From the row menu: Replay sends the request again (a new flow, ↻, HAR _replayed,
    the app hears nothing); Edit and resend sends the edited request; Mock this response
    makes a rule that answers the app's next call with the same body."""
    async def scenario() -> None:
        lab = Lab(gui)
        await gui.open(app_with(tmp_path, PAGE))
        net = lab.w.network
        first = await lab.call()
        real = json.loads(first.response.body.text())
        assert real["headers"]["x-test"] == "lab"

        def act(flow: HttpFlow, text: str) -> None:
            row = lab.w.flows.row_of(flow.id)
            menu = net.menu_for(net.proxy.mapFromSource(lab.w.flows.index(row, 0)))
            assert menu is not None
            (action,) = [a for a in menu.actions() if a.text() == text]
            action.trigger()

        answers = len(lab.answers())
        act(first, "Replay")
        await gui.until(lambda: len(lab.flows) == 2 and lab.flows[1].state.ended)
        again = lab.flows[1]
        assert again.replayed == first.id and lab.policy(again) == "↻ allowed"
        assert f"replay of #{first.id}" in lab.policy(again, Qt.ItemDataRole.ToolTipRole)
        seen = json.loads(again.response.body.text())
        assert seen["query"] == {"x": "1"} and seen["headers"]["x-test"] == "lab"
        har = make_har(lab.w.host.flows)["log"]["entries"]
        assert har[1]["_replayed"] == first.id and "_replayed" not in har[0]
        assert len(lab.answers()) == answers

        act(first, "Edit and resend…")
        editor = net.lab.resend_editor
        assert editor is not None and editor.url.text() == f"{ECHO}?x=1"
        assert "Host:" not in editor.headers.toPlainText()
        editor.method.setCurrentText("POST")
        editor.url.setText(f"{ECHO}?y=2")
        editor.headers.setPlainText(editor.headers.toPlainText() + "\nX-Edited: yes")
        editor.body.setPlainText("edited body")
        editor.accept()
        await gui.until(lambda: len(lab.flows) == 3 and lab.flows[2].state.ended)
        edited = json.loads(lab.flows[2].response.body.text())
        assert edited["method"] == "POST" and edited["query"] == {"y": "2"}
        assert edited["body"] == "edited body" and edited["headers"]["x-edited"] == "yes"
        assert lab.flows[2].replayed == first.id

        act(first, "Mock this response")
        rule_editor = lab.w.mocks.editor
        assert rule_editor is not None
        assert rule_editor.url.text() == f"{ECHO}?x=1" and rule_editor.status.value() == 200
        assert json.loads(rule_editor.body.toPlainText()) == real
        rule_editor.accept()
        assert [r.name for r in lab.w.host.mocks] == ["GET /echo"]
        mocked = await lab.call()
        assert mocked.mocked == "GET /echo" and lab.policy(mocked) == "mocked"
        assert json.loads(mocked.response.body.text()) == real
        assert lab.answers()[-1] == "answer 200 GET"

    gui.run(scenario())


def test_load_duplicate_delete(gui: Driver, tmp_path: Path) -> None:
    """Load from file appends a --mock file's rules; a bad file says why and adds none;
    Duplicate copies below, Delete removes, Edit replaces in place."""
    async def scenario() -> None:
        lab = Lab(gui)
        await gui.open(app_with(tmp_path, PAGE))
        panel = lab.w.mocks
        good = tmp_path / "rules.json"
        good.write_text(json.dumps({"mocks": [canned("a"), {"url": "*", "fail": "dns"}]}))
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps([{"url": "*", "fail": "nope"}]))
        assert panel.load_file(good) == 2
        assert panel.load_file(bad) == 0 and "must be one of" in panel.status.text()
        assert [r.name for r in lab.w.host.mocks] == ["a", "mocks[1]"]
        panel.table.selectRow(0)
        panel.duplicate()
        assert [r.name for r in lab.w.host.mocks] == ["a", "a (copy)", "mocks[1]"]
        editor = panel.edit(1)
        assert editor is not None and editor.name.text() == "a (copy)"
        editor.name.setText("b")
        editor.accept()
        assert [r.name for r in lab.w.host.mocks] == ["a", "b", "mocks[1]"]
        panel.table.selectRow(2)
        panel.delete()
        assert [r.name for r in lab.w.host.mocks] == ["a", "b"]
        assert (await lab.call()).mocked == "a"

    gui.run(scenario())
