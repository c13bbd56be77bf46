"""Fixtures for the till window: a demo till on a temp folder, the window, keystrokes.

Building the demo database takes about a second, so it is built once per session and
copied for each test (each test still gets its own data folder).
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from pos_common.i18n import set_language
from pos_desktop.app import Till
from pos_desktop.paths import DEMO_CATALOG
from pos_desktop.services.register import AllowAll
from pos_desktop.store.db import DB_FILENAME
from pos_desktop.ui.main_window import MainWindow
from pos_desktop.ui.theme import apply_theme


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo-template")
    Till.open(folder, demo=True).close()
    return folder


@pytest.fixture(autouse=True)
def spanish() -> None:
    set_language("es_AR")  # tests/conftest.py puts the language back after each test


@pytest.fixture
def till(tmp_path: Path, demo_template: Path) -> Iterator[Till]:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(demo_template / DB_FILENAME, data / DB_FILENAME)
    t = Till.open(data, demo=True)
    # Who may do what is the permissions feature's business (and its tests'); here every
    # action is allowed so the tests describe the window. Denials: see DenyVoids.
    t.register.guard = AllowAll()
    yield t
    t.close()


@pytest.fixture
def window(qtbot: QtBot, qapp: QApplication, till: Till) -> Iterator[MainWindow]:
    if not qapp.styleSheet():  # once: re-styling the whole application is slow
        apply_theme(qapp)
    w = MainWindow(till.window_deps())
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    w.focus_scan()
    yield w
    leftover = [d for d in qapp.topLevelWidgets() if isinstance(d, QDialog) and d.isVisible()]
    for d in leftover:
        d.reject()
    assert not leftover, f"a test left dialogs open: {leftover}"


def unit_barcodes() -> list[tuple[str, str]]:
    """(barcode, name) of the demo catalogue's unit products, one per product."""
    rows = csv.DictReader(DEMO_CATALOG.open(encoding="utf-8"))
    return [
        (r["barcodes"].split("|")[0], r["name"])
        for r in rows
        if r["unit"] == "unit" and r["barcodes"]
    ]


def scan(qtbot: QtBot, window: MainWindow, text: str) -> None:
    """What a scanner does: type the characters, then Enter."""
    qtbot.keyClicks(window.scan, text)
    qtbot.keyClick(window.scan, Qt.Key.Key_Return)


def key(
    qtbot: QtBot,
    widget: object,
    k: Qt.Key,
    mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    qtbot.keyClick(widget, k, mods)  # type: ignore[arg-type]
