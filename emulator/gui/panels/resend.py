""""Edit and resend": a recorded request's method, URL, headers and body in an editor,
sent again by :meth:`emulator.app.host.AppHost.replay` when accepted (issue 13 part 3)."""

from __future__ import annotations

from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from emulator.flows.flow import HttpFlow, header
from emulator.flows.har import as_text
from emulator.gui.panels.mock_editor import FormProblem
from emulator.net.mock.load import HTTP_METHODS
from emulator.net.resend import RequestEdits

# Recomputed for the request actually sent (resend.py), so not offered for editing.
HIDDEN_HEADERS = ("host", "content-length", "transfer-encoding")


def header_lines(text: str) -> list[tuple[str, str]]:
    """``Name: value`` lines as header pairs, in order (repeats kept); FormProblem for a
    line that is not one."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        name, found, value = line.partition(":")
        if not found or not name.strip() or any(c.isspace() for c in name.strip()):
            raise FormProblem(f"Headers, line {n}: write it as Name: value")
        out.append((name.strip(), value.strip()))
    return out


class RequestEditor(QDialog):
    """The request of ``flow``, editable; on accept :attr:`edits` says what to send."""

    def __init__(self, flow: HttpFlow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Edit and resend #{flow.id}")
        self.resize(640, 520)
        self.flow = flow
        self.edits: RequestEdits | None = None
        req = flow.request
        self.method = QComboBox(editable=True)
        self.method.addItems(HTTP_METHODS)
        self.method.setCurrentText(req.method)
        self.url = QLineEdit(req.url)
        self.headers = QPlainTextEdit("\n".join(
            f"{k}: {v}" for k, v in req.headers if k.lower() not in HIDDEN_HEADERS))
        data = bytes(req.body.data)
        text = as_text(data, header(req.headers, "content-type") or "")
        # An untouched body is sent as recorded (bytes, not this text's re-encoding).
        self._initial_body = text if text is not None else data.decode("utf-8", "replace")
        self.body = QPlainTextEdit(self._initial_body)
        note = []
        if text is None and data:
            note.append(f"binary body ({len(data):,} bytes): sent as recorded unless edited")
        if req.body.truncated:
            note.append(f"only {len(data):,} of {req.body.size:,} bytes were kept: "
                        "edit the body to send one")
        self.note = QLabel("; ".join(note), wordWrap=True)
        self.error = QLabel(wordWrap=True)
        self.error.setStyleSheet("color: #cf222e;")
        form = QFormLayout()
        form.addRow("Method", self.method)
        form.addRow("URL", self.url)
        form.addRow("Headers", self.headers)
        form.addRow("Body", self.body)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        send = buttons.addButton("Send", QDialogButtonBox.ButtonRole.AcceptRole)
        assert send is not None
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def read(self) -> RequestEdits:
        """What the fields say; FormProblem when one cannot be sent."""
        method = self.method.currentText().strip().upper()
        if not method or not method.isalpha():
            raise FormProblem("Method: a word such as GET or POST")
        url = self.url.text().strip()
        if not url:
            raise FormProblem("URL: empty")
        body_text = self.body.toPlainText()
        body = None if body_text == self._initial_body else body_text.encode("utf-8")
        return RequestEdits(method=method, url=url,
                            headers=header_lines(self.headers.toPlainText()), body=body)

    def accept(self) -> None:
        """Close only when the fields make a request (else the error stays)."""
        try:
            self.edits = self.read()
        except FormProblem as exc:
            self.error.setText(f"✕ {exc}")
            return
        super().accept()
