"""The Mock panel's rule editor: a form of the rule's fields and its JSON as text, both
checked by the settings' own reader (:class:`emulator.net.mock.load.RuleReader`), the
error shown under them as you type.

The JSON is the rule as ``docs/mocking.md`` writes it; the form covers what most rules
use (match fields, a canned response, a failure) and shows other answers (rewrite, js,
socket) as their JSON or source text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from emulator.errors import ConfigError
from emulator.net.mock.answers import FAILURES
from emulator.net.mock.load import ANSWER_KEYS, BODY_KEYS, HTTP_METHODS, RuleReader
from emulator.net.mock.rules import APIS, Rule

ANY_METHOD = "any"
NO_BODY = "no body"
TAB_FORM, TAB_JSON = 0, 1


class FormProblem(ValueError):
    """A form field that cannot be turned into the rule's JSON (its text says which)."""


def parse_lines(text: str, sep: str, what: str) -> dict[str, str]:
    """``name SEP value`` lines as a dict (blank lines skipped); FormProblem otherwise."""
    out: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        name, found, value = line.partition(sep)
        if not found or not name.strip():
            raise FormProblem(f"{what}, line {n}: write it as name {sep.strip()} value")
        out[name.strip()] = value.strip()
    return out


def _lines(values: dict[str, Any], sep: str) -> str:
    return "\n".join(f"{k}{sep}{v}" for k, v in values.items())


class RuleEditor(QDialog):
    """Edits one rule's JSON; on accept, :attr:`rule` is the rule the reader built and
    :attr:`data` its JSON. ``reader()`` gives the reader (the app's script limits and
    folder for file bodies)."""

    def __init__(self, data: dict[str, Any], reader: Callable[[], RuleReader],
                 title: str = "Mock rule", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(640, 620)
        self.reader = reader
        self.rule: Rule | None = None
        self.data: dict[str, Any] = dict(data)
        self._extra: dict[str, Any] = {}  # response keys the form has no field for

        self.name = QLineEdit()
        self.enabled = QCheckBox("enabled")
        self.api = QComboBox()
        self.api.addItems(APIS)
        self.url = QLineEdit(placeholderText="https://api.example.com/items/*")
        self.regex = QCheckBox("regular expression")
        self.method = QComboBox()
        self.method.addItems([ANY_METHOD, *HTTP_METHODS])
        self.params = QPlainTextEdit(placeholderText="query.page = ^2$\ndata.user.id = ^42$")
        self.params.setFixedHeight(54)
        self.times = QSpinBox(minimum=0, maximum=1_000_000, specialValueText="every call")
        self.delay = QSpinBox(minimum=0, maximum=600_000, suffix=" ms")
        self.kind = QComboBox()
        self.kind.addItems(ANSWER_KEYS)
        self.status = QSpinBox(minimum=100, maximum=999, value=200)
        self.headers = QPlainTextEdit(placeholderText="Content-Type: application/json")
        self.headers.setFixedHeight(54)
        self.body_kind = QComboBox()
        self.body_kind.addItems([NO_BODY, *BODY_KEYS])
        self.body = QPlainTextEdit()
        self.failure = QComboBox()
        self.failure.addItems(FAILURES)
        self.answer_text = QPlainTextEdit()
        self.answer_note = QLabel(wordWrap=True)

        url_row = QHBoxLayout()
        url_row.addWidget(self.url, 1)
        url_row.addWidget(self.regex)
        match = QFormLayout()
        match.addRow("Name", self.name)
        match.addRow("", self.enabled)
        match.addRow("API", self.api)
        match.addRow("URL", _wrap(url_row))
        match.addRow("Method", self.method)
        match.addRow("Parameters", self.params)
        match.addRow("Times", self.times)
        match.addRow("Delay", self.delay)
        match.addRow("Answer", self.kind)
        response = QWidget()
        response_form = QFormLayout(response)
        response_form.setContentsMargins(0, 0, 0, 0)
        response_form.addRow("Status", self.status)
        response_form.addRow("Headers", self.headers)
        response_form.addRow("Body", self.body_kind)
        response_form.addRow(self.body)
        fail = QWidget()
        QFormLayout(fail).addRow("Failure", self.failure)
        other = QWidget()
        other_layout = QVBoxLayout(other)
        other_layout.setContentsMargins(0, 0, 0, 0)
        other_layout.addWidget(self.answer_note)
        other_layout.addWidget(self.answer_text)
        self.pages = QStackedWidget()
        for page in (response, fail, other):
            self.pages.addWidget(page)
        self.kind.currentTextChanged.connect(self._show_kind)
        form = QWidget()
        form_layout = QVBoxLayout(form)
        form_layout.addLayout(match)
        form_layout.addWidget(self.pages, 1)

        self.json = QPlainTextEdit()
        self.json.textChanged.connect(self._json_edited)
        self.tabs = QTabWidget()
        self.tabs.addTab(form, "Form")
        self.tabs.addTab(self.json, "JSON")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.error = QLabel(wordWrap=True)
        self.error.setStyleSheet("color: #cf222e;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._tab = TAB_FORM
        self.set_form(self.data)

    # ---- form <-> JSON ------------------------------------------------------------------
    def set_form(self, data: dict[str, Any]) -> None:
        """Show ``data`` in the form (answers the form has no fields for as text)."""
        self.name.setText(str(data.get("name", "")))
        self.enabled.setChecked(data.get("enabled", True) is not False)
        self.api.setCurrentText(str(data.get("api", "request")))
        self.regex.setChecked("urlRegex" in data)
        self.url.setText(str(data.get("urlRegex", data.get("url", "*"))))
        self.method.setCurrentText(str(data["method"]).upper() if data.get("method")
                                   else ANY_METHOD)
        self.params.setPlainText(_lines(data.get("params") or {}, " = "))
        self.times.setValue(int(data.get("times") or 0))
        self.delay.setValue(int(data.get("delay") or 0))
        kind = next((k for k in ANSWER_KEYS if k in data), "response")
        self.kind.setCurrentText(kind)
        value = data.get(kind)
        self._extra = {}
        if kind == "response" and isinstance(value, dict):
            self.status.setValue(int(value.get("status", 200)))
            self.headers.setPlainText(_lines(value.get("headers") or {}, ": "))
            body = next((k for k in BODY_KEYS if k in value), NO_BODY)
            self.body_kind.setCurrentText(body)
            raw = value.get(body)
            self.body.setPlainText("" if body == NO_BODY else raw if body in (
                "text", "file", "base64") and isinstance(raw, str)
                else json.dumps(raw, ensure_ascii=False, indent=2))
            self._extra = {k: v for k, v in value.items()
                           if k not in ("status", "headers", *BODY_KEYS)}
        elif kind == "fail":
            self.failure.setCurrentText(str(value))
        elif kind == "js":
            self.answer_text.setPlainText(str(value or ""))
        elif value is not None:
            self.answer_text.setPlainText(json.dumps(value, ensure_ascii=False, indent=2))
        self._show_kind(kind)

    def form_data(self) -> dict[str, Any]:
        """The form as the rule's JSON; FormProblem for a field that does not parse."""
        out: dict[str, Any] = {"name": self.name.text().strip() or "rule"}
        if not self.enabled.isChecked():
            out["enabled"] = False
        if self.api.currentText() != "request":
            out["api"] = self.api.currentText()
        out["urlRegex" if self.regex.isChecked() else "url"] = self.url.text().strip() or "*"
        if self.method.currentText() != ANY_METHOD:
            out["method"] = self.method.currentText()
        params = parse_lines(self.params.toPlainText(), "=", "Parameters")
        if params:
            out["params"] = params
        if self.times.value():
            out["times"] = self.times.value()
        if self.delay.value():
            out["delay"] = self.delay.value()
        kind = self.kind.currentText()
        if kind == "response":
            response: dict[str, Any] = {"status": self.status.value()}
            headers = parse_lines(self.headers.toPlainText(), ":", "Headers")
            if headers:
                response["headers"] = headers
            body = self.body_kind.currentText()
            text = self.body.toPlainText()
            if body in ("json", "template"):
                try:
                    response[body] = json.loads(text)
                except ValueError as exc:
                    raise FormProblem(f"Body: not JSON ({exc})") from None
            elif body != NO_BODY:
                response[body] = text.strip() if body in ("file", "base64") else text
            response.update(self._extra)
            out["response"] = response
        elif kind == "fail":
            out["fail"] = self.failure.currentText()
        elif kind == "js":
            out["js"] = self.answer_text.toPlainText()
        else:
            try:
                out[kind] = json.loads(self.answer_text.toPlainText() or "{}")
            except ValueError as exc:
                raise FormProblem(f"{kind}: not JSON ({exc})") from None
        return out

    def json_data(self) -> dict[str, Any]:
        """The JSON tab's text as an object; FormProblem when it is not one."""
        try:
            data = json.loads(self.json.toPlainText())
        except ValueError as exc:
            raise FormProblem(f"invalid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise FormProblem("a rule is a JSON object {...}")
        return data

    def current_data(self) -> dict[str, Any]:
        """The rule's JSON from the tab on screen."""
        return self.json_data() if self._tab == TAB_JSON else self.form_data()

    def check(self) -> Rule | None:
        """Build the rule from the tab on screen; the error (or nothing) under the tabs."""
        try:
            data = self.current_data()
            rule = self.reader().rule(data, "rule")
        except (FormProblem, ConfigError) as exc:
            self.error.setText(f"✕ {exc}")
            return None
        self.error.setText("")
        self.data = data
        return rule

    def accept(self) -> None:
        """Close only with a valid rule (else the error stays on screen)."""
        rule = self.check()
        if rule is not None:
            self.rule = rule
            super().accept()

    def show_json(self) -> None:
        """Switch to the JSON tab."""
        self.tabs.setCurrentIndex(TAB_JSON)

    # ---- reacting ----------------------------------------------------------------------
    def _tab_changed(self, index: int) -> None:
        if index == self._tab:
            return
        try:
            data = self.form_data() if self._tab == TAB_FORM else self.json_data()
        except FormProblem as exc:
            self.error.setText(f"✕ {exc}")
            self.tabs.blockSignals(True)  # stay where the problem is
            self.tabs.setCurrentIndex(self._tab)
            self.tabs.blockSignals(False)
            return
        self._tab = index
        if index == TAB_JSON:
            self.json.setPlainText(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            self.set_form(data)
        self.check()

    def _json_edited(self) -> None:
        if self._tab == TAB_JSON:
            self.check()

    def _show_kind(self, kind: str) -> None:
        if kind == "response":
            self.pages.setCurrentIndex(0)
        elif kind == "fail":
            self.pages.setCurrentIndex(1)
        else:
            self.pages.setCurrentIndex(2)
            self.answer_note.setText({
                "js": "function (options) { return {statusCode, header, data}; }",
                "rewrite": 'JSON: {"status", "headers", "json"|"text"|…, "patch"}',
                "socket": 'JSON: {"onOpen": [...], "onMessage": [{"match", "do"}]}',
            }.get(kind, ""))


def _wrap(layout: QHBoxLayout) -> QWidget:
    w = QWidget()
    layout.setContentsMargins(0, 0, 0, 0)
    w.setLayout(layout)
    return w
