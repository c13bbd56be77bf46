"""The sync state in the status bar, read off the GUI thread every few seconds.

``Till.sync_status()`` does two short reads (and, the first time, imports the sync
package: half a second), so it runs on a worker thread and the result comes back by a
queued signal: the window never waits for it and no widget is touched from the worker.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from pos_common.i18n import _
from pos_desktop.ui.status_bar import TillStatusBar

if TYPE_CHECKING:
    from pos_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)
POLL_MS = 5000


class SyncIndicator(QObject):
    read_done = Signal(object)  # (text, level) or the exception raised

    def __init__(
        self,
        status: TillStatusBar,
        read: Callable[[], Any],
        describe: Callable[[Any], tuple[str, str]],
        interval_ms: int = POLL_MS,
    ) -> None:
        super().__init__(status)
        self.status = status
        self.read = read
        self.describe = describe
        self._busy = False
        self._alive = True
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        self.read_done.connect(self._show)
        self.destroyed.connect(self.stop)

    def start(self) -> None:
        self.poll()
        self.timer.start()

    def stop(self) -> None:
        self._alive = False
        self.timer.stop()

    def poll(self) -> None:
        if self._busy or not self._alive:
            return  # a slow read is still running: do not pile up threads
        self._busy = True
        threading.Thread(target=self._work, name="sync-status", daemon=True).start()

    def _work(self) -> None:
        result: object
        try:
            result = self.describe(self.read())
        except Exception as exc:  # shown as "unknown"; the till keeps selling
            result = exc
        if self._alive:
            with contextlib.suppress(RuntimeError):  # the window closed while we read
                self.read_done.emit(result)

    def _show(self, result: object) -> None:
        self._busy = False
        if isinstance(result, tuple):
            text, level = result
            self.status.set_sync_state(str(text), str(level))
        else:
            log.warning("could not read the sync state: %s", result)
            self.status.set_sync_state(_("unknown"), "warning")


def watch_sync(window: MainWindow) -> SyncIndicator | None:
    """Extension for ``build_window``: poll the sync state into the status bar."""
    sync = window.deps.sync
    if sync is None:
        return None
    from pos_desktop.sync.status import status_bar_text

    indicator = SyncIndicator(window.status, sync.status, status_bar_text)
    indicator.start()
    window.add_part(indicator)
    return indicator
