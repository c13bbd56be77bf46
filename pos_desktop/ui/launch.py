"""Starting the till window: the Qt application, the till, the window, the event loop."""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from pos_desktop.app import Till
from pos_desktop.ui.main_window import MainWindow
from pos_desktop.ui.sync_indicator import watch_sync
from pos_desktop.ui.theme import apply_theme

log = logging.getLogger(__name__)
Extension = Callable[[MainWindow], object]
DEFAULT_EXTENSIONS: tuple[Extension, ...] = (watch_sync,)


def application() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Super POS")
    app.setOrganizationName("super-pos")
    apply_theme(app)
    return app


def _quit_on_ctrl_c(app: QApplication) -> None:
    """Ctrl+C in the terminal closes the window (Qt's loop would otherwise hide it from
    Python until the next event)."""
    signal.signal(signal.SIGINT, lambda *_args: app.closeAllWindows())  # holds an open sale
    tick = QTimer(app)
    tick.timeout.connect(lambda: None)  # wakes the interpreter to run signal handlers
    tick.start(500)


def store_name(till: Till) -> str:
    """The shop's name for the status bar (a setting; empty until configured)."""
    with till.uow() as uow:
        return str(uow.settings.get("store.name", "") or "")


def build_window(
    till: Till, extensions: Iterable[Extension] = (), *, defaults: bool = True
) -> MainWindow:
    """The main window with every feature plugged in (printers, sync, shifts...)."""
    window = MainWindow(till, store_name=store_name(till))
    for extend in (*DEFAULT_EXTENSIONS, *extensions) if defaults else extensions:
        extend(window)
    return window


def run_window(data_dir: Path, demo: bool = False, extensions: Iterable[Extension] = ()) -> int:
    app = application()
    till = Till.open(data_dir, demo=demo)
    try:
        window = build_window(till, extensions)
        window.show()
        window.activateWindow()
        _quit_on_ctrl_c(app)
        QTimer.singleShot(0, window.focus_scan)
        log.info("till window ready", extra={"data_dir": str(data_dir), "demo": demo})
        code = int(app.exec())
        indicator = getattr(window, "sync_indicator", None)
        if indicator is not None:
            indicator.stop()
        return code
    finally:
        till.close()
