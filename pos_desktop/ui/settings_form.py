"""A form of settings built from their declarations (``pos_desktop.settings_schema``).

Both the first-run wizard and the settings dialog use it, so a setting is declared once
and edited the same way everywhere: the widget comes from its kind, the label and tooltip
from its translatable texts, and a bad value is shown next to the field that has it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from pos_common.i18n import _, explain, format_money, language
from pos_common.messages import localize
from pos_desktop.domain.errors import PosError
from pos_desktop.services.setup import TestPrint
from pos_desktop.settings_schema import InvalidSetting, Kind, Setting, labels

PREVIEW_WIDTH = 420

# Printer fields that only matter for some connections: shown only for those.
SHOWN_FOR_CONNECTION: dict[str, frozenset[str]] = {
    "printer.host": frozenset({"network"}),
    "printer.port": frozenset({"network"}),
    "printer.usb_vendor": frozenset({"usb"}),
    "printer.usb_product": frozenset({"usb"}),
    "printer.serial_device": frozenset({"serial"}),
    "printer.printer_name": frozenset({"windows", "cups"}),
    "printer.path": frozenset({"file"}),
}

# Forms are dense: the till theme's 22 pt dialog fields are for one-field cashier dialogs.
FORM_STYLE = """
QLineEdit, QComboBox, QSpinBox, QPlainTextEdit {
    font-size: 13pt; min-height: 30px; padding: 1px 6px;
    border: 1px solid #94a3b8; border-radius: 4px; background: #ffffff;
}
QLineEdit:focus, QComboBox:focus, QSpinBox:focus, QPlainTextEdit:focus {
    border: 2px solid #1d4ed8;
}
QLineEdit[level="error"], QComboBox[level="error"], QSpinBox[level="error"] {
    border: 2px solid #b91c1c;
}
/* The open list: the current choice highlighted, never white on white (it read empty). */
QComboBox QAbstractItemView {
    background: #ffffff; color: #111827; font-size: 13pt;
    selection-background-color: #1d4ed8; selection-color: #ffffff;
}
QComboBox QAbstractItemView::item { min-height: 36px; padding: 0 6px; }
QLabel#fieldError { color: #b91c1c; font-size: 11pt; font-weight: bold; }
QLabel#fieldHelp { color: #475569; font-size: 10pt; }
QCheckBox { font-size: 13pt; }
"""


class FieldEditor:
    """One setting's widget, read and written as the setting's stored value."""

    def __init__(self, setting: Setting, parent: QWidget, *, secret_stored: bool = False) -> None:
        self.setting = setting
        self.widget = self._make(parent, secret_stored)
        self.widget.setObjectName(f"setting:{setting.key}")
        self.widget.setAccessibleName(_(setting.label))
        if setting.help:
            self.widget.setToolTip(_(setting.help))

    def _make(self, parent: QWidget, secret_stored: bool) -> QWidget:
        s = self.setting
        if s.kind is Kind.BOOL:
            return QCheckBox(_(s.label), parent)
        if s.kind is Kind.INT:
            spin = QSpinBox(parent)
            spin.setMaximumWidth(220)  # numbers are short; a full-width box reads as text
            spin.setRange(
                s.minimum if s.minimum is not None else -(2**31),
                s.maximum if s.maximum is not None else 2**31 - 1,
            )
            return spin
        if s.kind is Kind.CHOICE:
            combo = QComboBox(parent)
            # Qt's own delegate draws the current choice in the combo's colours (white on
            # white under the style sheet): it read as an empty row. This one follows the
            # sheet's selection colours.
            combo.setItemDelegate(QStyledItemDelegate(combo))
            for value, text in labels(s.choices):
                combo.addItem(text, value)
            return combo
        if s.kind is Kind.LINES:
            edit = QPlainTextEdit(parent)
            edit.setTabChangesFocus(True)  # Tab moves on, as in every other field
            edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 4 + 16)
            return edit
        line = QLineEdit(parent)
        if s.kind in (Kind.MONEY, Kind.PERCENT):
            line.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            line.setMaximumWidth(220)
        if s.placeholder:
            line.setPlaceholderText(_(s.placeholder))
        if s.secret:
            line.setEchoMode(QLineEdit.EchoMode.Password)
            if secret_stored:
                line.setPlaceholderText(_("(stored; type to replace)"))
        return line

    def value(self) -> Any:
        w = self.widget
        if isinstance(w, QCheckBox):
            return w.isChecked()
        if isinstance(w, QSpinBox):
            return w.value()
        if isinstance(w, QComboBox):
            return w.currentData()
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText()
        assert isinstance(w, QLineEdit)
        return w.text()

    def set_value(self, value: Any) -> None:
        w = self.widget
        if isinstance(w, QCheckBox):
            w.setChecked(bool(value))
        elif isinstance(w, QSpinBox):
            w.setValue(int(value))
        elif isinstance(w, QComboBox):
            index = w.findData(value)
            w.setCurrentIndex(max(index, 0))
        elif isinstance(w, QPlainTextEdit):
            w.setPlainText("\n".join(value) if isinstance(value, list | tuple) else str(value))
        elif isinstance(w, QLineEdit):
            w.setText(self._text(value))

    def _text(self, value: Any) -> str:
        kind = self.setting.kind
        if self.setting.secret or value is None:
            return ""
        if kind is Kind.MONEY:
            return format_money(int(value), symbol=False)
        if kind is Kind.PERCENT:
            whole, frac = divmod(int(value), 100)
            return f"{whole},{frac:02d}".rstrip("0").rstrip(",") if frac else str(whole)
        return str(value)

    def connect_changed(self, slot: Any) -> None:
        w = self.widget
        if isinstance(w, QCheckBox):
            w.toggled.connect(slot)
        elif isinstance(w, QSpinBox):
            w.valueChanged.connect(slot)
        elif isinstance(w, QComboBox):
            w.currentIndexChanged.connect(slot)
        elif isinstance(w, QPlainTextEdit):
            w.textChanged.connect(slot)
        elif isinstance(w, QLineEdit):
            w.textEdited.connect(slot)


class SettingsForm(QWidget):
    """Label, field, help line and error line for each setting, in declaration order."""

    changed = Signal()

    def __init__(
        self,
        settings: Iterable[Setting],
        parent: QWidget | None = None,
        *,
        stored_secrets: Iterable[str] = (),
    ) -> None:
        super().__init__(parent)
        self.setStyleSheet(FORM_STYLE)
        self.editors: dict[str, FieldEditor] = {}
        self.rows: dict[str, tuple[QLabel | None, QWidget, QLabel]] = {}
        stored = set(stored_secrets)
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout.setHorizontalSpacing(14)
        layout.setVerticalSpacing(6)
        self.layout_ = layout
        for setting in settings:
            editor = FieldEditor(setting, self, secret_stored=setting.key in stored)
            self.editors[setting.key] = editor
            cell = QWidget(self)
            box = QVBoxLayout(cell)
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(2)
            box.addWidget(editor.widget)
            if setting.help:
                help_line = QLabel(_(setting.help), cell)
                help_line.setObjectName("fieldHelp")
                help_line.setWordWrap(True)
                box.addWidget(help_line)
            error = QLabel("", cell)
            error.setObjectName("fieldError")
            error.setWordWrap(True)
            error.hide()
            box.addWidget(error)
            label: QLabel | None = None
            if setting.kind is Kind.BOOL:
                layout.addRow(cell)
            else:
                label = QLabel(_(setting.label), self)
                label.setBuddy(editor.widget)
                layout.addRow(label, cell)
            self.rows[setting.key] = (label, cell, error)
            editor.connect_changed(lambda *_a, key=setting.key: self._edited(key))
        self._update_visibility()

    def _edited(self, key: str) -> None:
        self.clear_error(key)
        if key == "printer.connection":
            self._update_visibility()
        self.changed.emit()

    def _update_visibility(self) -> None:
        connection = self.editors.get("printer.connection")
        if connection is None:
            return
        kind = connection.value()
        for key, kinds in SHOWN_FOR_CONNECTION.items():
            if key in self.rows:
                self.layout_.setRowVisible(self.rows[key][1], kind in kinds)

    # -- values ------------------------------------------------------------------------------
    def load(self, values: Mapping[str, Any]) -> None:
        for key, editor in self.editors.items():
            if key in values:
                editor.set_value(values[key])
        self._update_visibility()

    def values(self) -> dict[str, Any]:
        return {key: editor.value() for key, editor in self.editors.items()}

    def visible_values(self) -> dict[str, Any]:
        """Values of the fields shown (hidden printer fields keep what is stored)."""
        return {key: editor.value() for key, editor in self.editors.items() if self.is_shown(key)}

    def is_shown(self, key: str) -> bool:
        connection = self.editors.get("printer.connection")
        if key in SHOWN_FOR_CONNECTION and connection is not None:
            return connection.value() in SHOWN_FOR_CONNECTION[key]
        return True

    # -- errors ------------------------------------------------------------------------------
    def show_errors(self, problems: Mapping[str, InvalidSetting | str]) -> list[str]:
        """Mark each field named in ``problems``; returns the keys shown here."""
        shown = []
        first: QWidget | None = None
        for key, problem in problems.items():
            if key not in self.rows:
                continue
            _label, _cell, error = self.rows[key]
            reason = getattr(problem, "params", {}).get("reason")
            error.setText(str(localize(reason or problem, language())))
            error.show()
            widget = self.editors[key].widget
            widget.setProperty("level", "error")
            widget.style().unpolish(widget)
            widget.style().polish(widget)
            first = first or widget
            shown.append(key)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
        return shown

    def clear_error(self, key: str) -> None:
        _label, _cell, error = self.rows[key]
        if error.isVisible() or error.text():
            error.hide()
            error.setText("")
            widget = self.editors[key].widget
            widget.setProperty("level", "")
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    def clear_errors(self) -> None:
        for key in self.rows:
            self.clear_error(key)


class TestPrintPanel(QWidget):
    """ "Print test page": runs off the GUI thread, then shows the result and the paper."""

    __test__ = False

    finished = Signal(bool)  # True when the page printed (or was drawn, on screen)
    _done = Signal(object)
    _failed = Signal(str)

    def __init__(
        self,
        values: Callable[[], Mapping[str, Any]],
        print_test: Callable[[Mapping[str, Any]], TestPrint],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.values = values
        self.print_test = print_test
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.button = QPushButton(_("Print a test page"), self)
        self.button.setObjectName("testPrintButton")
        self.button.clicked.connect(self.start)
        row.addWidget(self.button)
        self.status = QLabel("", self)
        self.status.setObjectName("testPrintStatus")
        self.status.setWordWrap(True)
        row.addWidget(self.status, 1)
        layout.addLayout(row)
        self.preview = QLabel(self)
        self.preview.setObjectName("testPrintPreview")
        self.paper = QScrollArea(self)  # the paper is long: scroll it, at a readable size
        self.paper.setObjectName("testPrintScroll")
        self.paper.setWidget(self.preview)
        self.paper.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.paper.setMinimumHeight(160)
        self.paper.hide()
        layout.addWidget(self.paper, 1)
        self._done.connect(self._show_done)
        self._failed.connect(self._show_failed)
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        values = dict(self.values())
        self.button.setEnabled(False)
        self.status.setStyleSheet("")
        self.status.setText(_("Printing the test page…"))

        def work() -> None:
            try:
                page = self.print_test(values)
            except PosError as exc:
                self._failed.emit(explain(exc))
            except Exception as exc:  # a driver fault must reach the manager as text
                self._failed.emit(
                    _("The test page did not print: {reason}").format(reason=explain(exc)))
            else:
                self._done.emit((values.get("printer.connection"), page))

        # Signals emitted from the worker thread are queued to this widget's thread.
        self._thread = threading.Thread(target=work, name="test-print", daemon=True)
        self._thread.start()

    def _show_done(self, result: tuple[str, TestPrint]) -> None:
        connection, page = result
        self.button.setEnabled(True)
        self.status.setStyleSheet("color: #15803d; font-weight: bold;")
        if connection == "virtual":
            self.status.setText(_("This is how the receipt looks on screen."))
        else:
            self.status.setText(_("Test page sent. Check that it printed correctly."))
        pixmap = QPixmap.fromImage(QImage.fromData(page.png))
        if pixmap.width() > PREVIEW_WIDTH:
            pixmap = pixmap.scaledToWidth(PREVIEW_WIDTH, Qt.TransformationMode.SmoothTransformation)
        self.preview.setPixmap(pixmap)
        self.preview.resize(pixmap.size())
        self.paper.show()
        self.finished.emit(True)

    def _show_failed(self, message: str) -> None:
        self.button.setEnabled(True)
        self.status.setStyleSheet("color: #b91c1c; font-weight: bold;")
        self.status.setText(message)
        self.paper.hide()
        self.finished.emit(False)

    def reset(self) -> None:
        self.status.setText("")
        self.paper.hide()
