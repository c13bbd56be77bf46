"""Where everything sits in the till window, from 1024×768 to 1920×1080.

::

    ┌ menu ──────────────────────────────────────────────────────────────┐
    │ message banner                          │ TOTAL        $ 21.761,50  │
    │ [shift closed · Open shift]             │ items, paid, due, change  │
    │ lines (or the last receipt, until the   ├───────────────────────────┤
    │ next sale starts)                       │ Products | Keypad         │
    │                                         │ product keys or keypad    │
    ├ Code [qty ×] scan field ──────────────────────────────────────────┤
    │ F2 F3 F4 F5 F6 Supr Ctrl+Mayús+X  F12 Pay (touch buttons)          │
    └ store · till · cashier · sync · printer · clock ───────────────────┘

The side panel takes about a third of the width (``fit_side_panel``), fixed between
resizes so a growing total never moves the lines; the total shrinks its font rather than
being cut, and the key bar's buttons share the width.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pos_common.i18n import _
from pos_desktop.ui.deps import TillDeps
from pos_desktop.ui.key_field import KeyField, no_focus
from pos_desktop.ui.keypad import TOUCH_PX
from pos_desktop.ui.messages import MessageBanner
from pos_desktop.ui.receipt_preview import ReceiptPreview
from pos_desktop.ui.sale_view import SaleTable, SaleTableModel, TotalPanel
from pos_desktop.ui.status_bar import TillStatusBar
from pos_desktop.ui.touch_panel import TouchPanel

if TYPE_CHECKING:
    from PIL.Image import Image as PilImage

SIDE_SHARE, SIDE_MIN, SIDE_MAX = 0.34, 330, 620
MIN_WIDTH, MIN_HEIGHT = 800, 560  # below the smallest till screen: the WM never overflows


class WindowLayout:
    """The widgets of the till window, built onto ``window``."""

    def __init__(self, window: QMainWindow, deps: TillDeps) -> None:
        window.setMinimumSize(MIN_WIDTH, MIN_HEIGHT)
        window.resize(1280, 800)  # until it is shown full screen (MainWindow.show_on_screen)
        central = QWidget(window)
        outer = QVBoxLayout(central)
        outer.setContentsMargins(8, 6, 8, 6)
        outer.setSpacing(6)
        top = QHBoxLayout()
        top.addLayout(self._lines(central), 1)
        top.addLayout(self._side(central, deps))
        outer.addLayout(top, 1)
        outer.addLayout(self._scan_row(central))
        self.key_bar = QHBoxLayout()
        self.key_bar.setSpacing(6)
        outer.addLayout(self.key_bar)
        window.setCentralWidget(central)
        self.status = TillStatusBar(window)
        window.setStatusBar(self.status)
        self.status.set_store(deps.store_name, deps.identity.store_id)
        self.status.set_terminal(deps.identity.terminal_id)

    def _lines(self, parent: QWidget) -> QVBoxLayout:
        left = QVBoxLayout()
        left.setSpacing(6)
        self.banner = MessageBanner(parent)
        left.addWidget(self.banner)
        self.shift_notice = QFrame(parent)
        self.shift_notice.setObjectName("shiftNotice")
        row = QHBoxLayout(self.shift_notice)
        row.setContentsMargins(10, 4, 6, 4)
        notice = QLabel(_("The shift is closed: nothing can be sold until it is opened."),
                        self.shift_notice)
        notice.setObjectName("shiftNoticeText")
        notice.setWordWrap(True)
        self.open_shift_button = QPushButton(_("Open shift (Ctrl+F9)"), self.shift_notice)
        self.open_shift_button.setObjectName("payButton")
        self.open_shift_button.setMinimumHeight(TOUCH_PX)
        no_focus(self.open_shift_button)
        row.addWidget(notice, 1)
        row.addWidget(self.open_shift_button)
        self.shift_notice.hide()
        left.addWidget(self.shift_notice)
        self.model = SaleTableModel(parent)
        self.table = SaleTable(self.model, parent)
        self.receipt_preview = ReceiptPreview(parent)
        self.lines = QStackedWidget(parent)
        self.lines.addWidget(self.table)
        self.lines.addWidget(self.receipt_preview)
        left.addWidget(self.lines, 1)
        return left

    def _side(self, parent: QWidget, deps: TillDeps) -> QVBoxLayout:
        side = QVBoxLayout()
        side.setSpacing(6)
        self.total_panel = TotalPanel(parent)
        self.total_panel.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Maximum)
        side.addWidget(self.total_panel)
        self.side = side  # features add their notices under the total (ui/fiscal_panel.py)
        self.scan = KeyField(parent)  # built here: the keypad types into it
        self.touch = TouchPanel(deps.register, self.scan, Favourites(deps), parent)
        side.addWidget(self.touch, 1)
        return side

    def _scan_row(self, parent: QWidget) -> QHBoxLayout:
        row = QHBoxLayout()
        caption = QLabel(_("Code"), parent)
        caption.setObjectName("scanCaption")
        self.badge = QLabel("", parent)
        self.badge.setObjectName("pendingQuantity")
        self.badge.hide()
        self.scan.setObjectName("scanField")
        self.scan.setPlaceholderText(_("Scan or type a code · 3*code"))
        row.addWidget(caption)
        row.addWidget(self.badge)
        row.addWidget(self.scan, 1)
        return row

    # -- what the lines' place shows ----------------------------------------------------------
    def show_lines(self) -> None:
        if self.lines.currentWidget() is not self.table:
            self.lines.setCurrentWidget(self.table)

    def show_receipt(self, image: QImage | PilImage | None) -> None:
        if image is None:
            self.receipt_preview.clear()
            self.show_lines()
            return
        self.lines.setCurrentWidget(self.receipt_preview)
        self.receipt_preview.show_image(image)


def fit_side_panel(ui: WindowLayout, window_width: int) -> None:
    width = max(SIDE_MIN, min(SIDE_MAX, int(window_width * SIDE_SHARE)))
    if ui.total_panel.width() != width:
        ui.total_panel.setFixedWidth(width)
        ui.touch.setFixedWidth(width)


class Favourites:
    """The manager's favourite products (setting ``ui.favourites``), read when shown."""

    def __init__(self, deps: TillDeps) -> None:
        self.deps = deps

    def __call__(self) -> Sequence[str]:
        values = self.deps.settings.load().get("ui.favourites") or []
        return [str(v) for v in values]

