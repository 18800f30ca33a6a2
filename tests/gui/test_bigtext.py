"""Big text pieces on their own: previews, rows, the lazy viewer and the lazy JSON tree."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from PyQt6.QtGui import QGuiApplication, QTextCursor
from PyQt6.QtWidgets import QApplication

from emulator.gui.bigtext import (
    CELL_CHARS,
    ROW_CHARS,
    RowBreaker,
    cell,
    hexdump,
    hexdump_rows,
    preview,
)
from emulator.gui.json_tree import MAX_CHILDREN, JsonTree
from emulator.gui.viewer import LongTextEdit, PreviewText, TextViewer


def wait_filled(edit: LongTextEdit, timeout: float = 30.0) -> None:
    """Let the event loop run until the pane holds all of its text."""
    deadline = time.monotonic() + timeout
    while not edit.complete:
        assert time.monotonic() < deadline, "the viewer never finished filling"
        QApplication.processEvents()


def rows(edit: LongTextEdit) -> list[str]:
    doc = edit.document()
    assert doc is not None
    out, block = [], doc.begin()
    while block.isValid():
        out.append(block.text())
        block = block.next()
    return out


def test_preview_cuts_by_characters_and_by_lines() -> None:
    """A preview keeps the first N characters, at most L lines, and says what is left."""
    text = "x" * 100_000
    p = preview(text, 8192)
    assert p.text == "x" * 8192 and p.cut and p.total == 100_000
    assert p.more == "… 91,808 more characters (100,000 in all)"
    lines = "\n".join(f"at frame {i}" for i in range(1000))
    assert preview(lines, 8192, 40).text.count("\n") == 39
    assert not preview("short", 8192, 40).cut and preview("short", 8192).more == ""


def test_cell_is_one_bounded_line() -> None:
    """A cell shows one line of at most CELL_CHARS characters and the full size."""
    assert cell("a\nb\r\nc") == "a⏎b⏎c"
    long = cell("y" * 1_000_000)
    assert long.startswith("y" * CELL_CHARS) and long.endswith("… (1,000,000 characters)")
    assert len(long) < CELL_CHARS + 40


def test_row_breaker_is_the_same_whatever_the_pieces() -> None:
    """Long lines become rows of at most ROW_CHARS, and feeding in pieces changes nothing."""
    text = "a" * 2500 + "\r\n" + "b" * 10 + "\n" + "c" * ROW_CHARS + "\n" + "d" * 1001
    whole = RowBreaker()
    shown = whole.feed(text)
    assert all(len(r) <= ROW_CHARS for r in shown.split("\n"))
    assert shown.replace("\n", "") == text.replace("\r\n", "").replace("\n", "")
    pieces = RowBreaker()
    cuts = [0, 1, 999, 1000, 2501, 2502, 2515, 3600, len(text)]
    streamed = "".join(pieces.feed(text[a:b]) for a, b in itertools.pairwise(cuts))
    assert streamed == shown and pieces.soft == whole.soft == {0, 1, 5}


def test_long_text_edit_copies_lines_whole(qapp: Any) -> None:
    """A 5,000-character line shows as rows, and copying any span gives it back whole."""
    text = "start-" + "z" * 5000 + "\nsecond line"
    edit = LongTextEdit()
    edit.show_text(text)
    assert max(len(r) for r in rows(edit)) <= ROW_CHARS
    assert edit.text_between(0, len(text) + 10) == text  # select all
    doc = edit.document()
    assert doc is not None
    cursor = QTextCursor(doc)
    cursor.setPosition(990)
    cursor.setPosition(1010, QTextCursor.MoveMode.KeepAnchor)  # across a broken row end
    edit.setTextCursor(cursor)
    data = edit.createMimeDataFromSelection()
    assert data is not None and data.text() == text[990:1009]


def test_viewer_fills_megabytes_lazily_and_completely(qapp: Any) -> None:
    """A 3 MB single-line text fills the viewer in steps; all of it is there at the end."""
    text = "".join(f"{i:08x}" for i in range(3 * 1024 * 1024 // 8))
    viewer = TextViewer("big", text)
    wait_filled(viewer.text)
    assert viewer.full_text() == text
    shown = rows(viewer.text)
    assert max(len(r) for r in shown) <= ROW_CHARS and "".join(shown) == text
    assert "3,145,728 characters" in viewer.info.text()
    viewer.copy_all()
    clipboard = QGuiApplication.clipboard()
    assert clipboard is not None and clipboard.text() == text
    viewer.close()


def test_preview_pane_is_bounded_and_shows_all_on_demand(qapp: Any) -> None:
    """A details pane shows DETAIL_CHARS of a 1 MB text, and Show all gives the rest."""
    text = "q" * (1024 * 1024)
    pane = PreviewText("Body")
    pane.set_text(text)
    doc = pane.edit.document()
    assert doc is not None and doc.characterCount() < 33 * 1024
    assert pane.is_cut and "1,015,808 more characters" in pane.note.text()
    viewer = pane.show_all()
    wait_filled(viewer.text)
    assert viewer.full_text() == text
    viewer.close()
    pane.set_text("small")
    assert not pane.is_cut and pane.toPlainText() == "small"


def test_hex_dump_pieces_make_the_whole_dump(qapp: Any) -> None:
    """The hex dump made a piece at a time for the viewer equals the dump made at once."""
    data = bytes(range(256)) * 300
    assert "".join(hexdump_rows(data, rows_per_piece=7)).rstrip("\n") == \
        hexdump(data, len(data))
    assert hexdump(data, 64).endswith("… 76736 more bytes")


def test_json_tree_is_made_as_it_is_opened(qapp: Any) -> None:
    """100,000 items: rows exist only for what is open, MAX_CHILDREN at a time."""
    value = {"items": [{"id": i, "name": f"n{i}"} for i in range(100_000)],
             "text": "t" * 1_000_000}
    tree = JsonTree()
    tree.load(value)
    assert tree.row_count() == 2
    items = tree.topLevelItem(0)
    assert items is not None and items.text(1) == "[100000]"
    items.setExpanded(True)
    assert items.childCount() == MAX_CHILDREN + 1
    more = items.child(MAX_CHILDREN)
    assert more is not None and more.text(0) == f"… {100_000 - MAX_CHILDREN:,} more"
    tree.show_more(more)
    assert items.childCount() == 2 * MAX_CHILDREN + 1
    assert tree.row_count() < 3 * MAX_CHILDREN + 10
    text = tree.topLevelItem(1)
    assert text is not None and len(text.text(1)) < CELL_CHARS + 40
    assert text.text(1).endswith("(1,000,000 characters)")
    viewer = tree.show_value(text)
    wait_filled(viewer.text)
    assert viewer.full_text() == value["text"]
    viewer.close()
    first = items.child(0)
    assert first is not None
    tree.copy_value(first)
    clipboard = QGuiApplication.clipboard()
    assert clipboard is not None and json.loads(clipboard.text()) == {"id": 0, "name": "n0"}
    assert tree.path_text(first) == "items[0]"
    tree.load(value, keep_expanded=True)  # a new value: what was open stays open
    again = tree.topLevelItem(0)
    assert again is not None and again.isExpanded() and again.childCount() == MAX_CHILDREN + 1
