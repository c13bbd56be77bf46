"""Starting the till window: the Qt application, the till, the window, the event loop."""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from pos_common.i18n import _, explain
from pos_desktop.domain.errors import PosError
from pos_desktop.ui.deps import TillDeps
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


class CtrlC:
    """Ctrl+C in the terminal ends the till whatever is on screen: the first-run wizard,
    the login dialog (which refuses Esc) or the main window. Windows are closed first, so
    the window keeps an open sale, then every event loop (a dialog's ``exec()`` too) ends.
    Qt's loop would otherwise hide the signal from Python until the next event.

    SIGTERM (a shutdown, ``systemctl stop``, a session ending) is the same clean close,
    exiting 0: Python's default would end the process where it stands."""

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.pressed = False
        self.previous = signal.signal(signal.SIGINT, self._stop)
        self.previous_term = signal.signal(signal.SIGTERM, self._terminate)
        self.tick = QTimer(app)
        self.tick.timeout.connect(lambda: None)  # wakes the interpreter to run the handler
        self.tick.start(250)

    def _stop(self, *_args: object) -> None:
        self.pressed = True
        self.app.closeAllWindows()
        self.app.exit(INTERRUPTED)

    def _terminate(self, *_args: object) -> None:
        log.info("SIGTERM: closing the till")
        self.app.closeAllWindows()
        self.app.exit(0)

    def restore(self) -> None:
        self.tick.stop()
        signal.signal(signal.SIGINT, self.previous)
        signal.signal(signal.SIGTERM, self.previous_term)


INTERRUPTED = 130


class Opens(Protocol):
    """The composition root as the launcher sees it (``pos_desktop.app.Till``)."""

    def window_deps(self) -> TillDeps: ...

    def settings(self, *keys: str) -> dict[str, Any]: ...

    def start_sync(self) -> object: ...

    def start_fiscal(self, *, demo: bool = False) -> object: ...

    def close(self) -> None: ...


OpenTill = Callable[[Path, bool], Opens]


def build_window(
    deps: TillDeps | Opens, extensions: Iterable[Extension] = (), *, defaults: bool = True
) -> MainWindow:
    """The main window with every feature plugged in (printers, sync, shifts...)."""
    window = MainWindow(deps if isinstance(deps, TillDeps) else deps.window_deps())
    for extend in (*DEFAULT_EXTENSIONS, *extensions) if defaults else extensions:
        extend(window)
    return window


def feature_extensions() -> tuple[Extension, ...]:
    """Every feature the product plugs into the till window: shifts, people and refunds;
    settings; the manager's menu (catalogue, prices, staff); printing; ARCA."""
    from pos_desktop.ui.fiscal_panel import attach_fiscal
    from pos_desktop.ui.manage_menu import manage_extension
    from pos_desktop.ui.printing_panel import attach_printing
    from pos_desktop.ui.recovered_sale import offer_recovered_sale
    from pos_desktop.ui.settings_dialog import settings_extension
    from pos_desktop.ui.shift_menu import extend_window

    return (extend_window, settings_extension, manage_extension, attach_printing, attach_fiscal,
            offer_recovered_sale)


def _start_sync(till: Opens) -> None:
    """Start head-office sync when it is configured; a till without it sells standalone."""
    configured = bool(till.settings("sync.amqp_url")["sync.amqp_url"])
    if configured or os.environ.get("POS_AMQP_URL"):
        try:
            till.start_sync()
        except Exception:  # a bad sync setting must not stop the shop from selling
            log.exception("head office sync could not start; selling standalone")


def _start_fiscal(till: Opens, demo: bool) -> None:
    """Fiscal mode ARCA: start the fiscal worker (``--demo``: against the built-in
    stand-in). A bad fiscal setting must not stop the window: the status bar shows it."""
    try:
        till.start_fiscal(demo=demo)
    except Exception:
        log.exception("the fiscal worker could not start")


def preferences(till: Opens, *, language_chosen: bool = False) -> dict[str, object]:
    """The till's display preferences, applied before the window is built: language
    (unless ``--lang``/``POS_LANG`` chose one) and text size."""
    from pos_common.i18n import set_language
    from pos_desktop.ui.theme import BASE_POINT_SIZE

    prefs = till.settings("ui.language", "ui.fullscreen", "ui.font_size", "ui.confirm_cancel")
    language = prefs.get("ui.language")
    if language and not language_chosen:
        set_language(str(language))
    size = prefs.get("ui.font_size")
    if isinstance(size, int) and size != BASE_POINT_SIZE:
        apply_theme(application(), size)
    return prefs


def run_window(
    data_dir: Path,
    demo: bool = False,
    extensions: Iterable[Extension] = (),
    *,
    open_till: OpenTill,
    language_chosen: bool = False,
) -> int:
    """Run the till window until it closes. ``open_till(data_dir, demo)`` is the
    composition root (``pos_desktop.app.open_till``); ``language_chosen``: --lang or
    POS_LANG was given, and wins over the stored language preference. Ctrl+C: 130."""
    app = application()
    ctrl_c = CtrlC(app)
    try:
        code = _run(app, open_till, data_dir, demo, extensions, language_chosen)
    finally:
        ctrl_c.restore()
    return INTERRUPTED if ctrl_c.pressed else code


def cannot_open(exc: PosError) -> None:
    """Why the till cannot start, in a message box the person at the counter sees."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Critical, _("The till cannot start"), explain(exc),
                      QMessageBox.StandardButton.Ok)
    box.setObjectName("cannotOpen")
    box.exec()


def _run(
    app: QApplication,
    open_till: OpenTill,
    data_dir: Path,
    demo: bool,
    extensions: Iterable[Extension],
    language_chosen: bool,
) -> int:
    from pos_desktop.ui.wizard import SetupResult, ensure_setup

    try:
        till = open_till(data_dir, demo)
    except PosError as exc:  # a damaged database, a full disk: said in a window, not lost
        log.error("the till cannot open", extra={"reason": str(exc)})
        cannot_open(exc)
        return 1
    outcome = ensure_setup(till.window_deps().settings, demo=demo)
    if outcome is SetupResult.CANCELLED:  # nothing to sell with yet
        till.close()
        return 1
    if outcome is SetupResult.SAVED:  # reopened: the identity is the one just saved
        till.close()
        till = open_till(data_dir, demo)
    window: MainWindow | None = None
    try:
        prefs = preferences(till, language_chosen=language_chosen)
        _start_sync(till)
        _start_fiscal(till, demo)
        window = build_window(till, (*feature_extensions(), *extensions))
        window.commands.confirm_cancel = prefs["ui.confirm_cancel"] is not False
        if prefs.get("ui.fullscreen"):
            window.showFullScreen()
        else:
            window.show_on_screen()  # the whole screen it is on, whatever its size
        window.activateWindow()
        QTimer.singleShot(0, window.focus_scan)
        log.info("till window ready", extra={"data_dir": str(data_dir), "demo": demo})
        return int(app.exec())
    finally:
        if window is not None:
            window.stop_parts()
        till.close()
