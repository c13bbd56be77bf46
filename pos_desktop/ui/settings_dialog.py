"""Settings (manager only): one tab per section of ``settings_schema``, saved all at once.

Stored secrets are never shown: their field is empty with a "stored" hint, and leaving it
empty keeps them. A bad value keeps the dialog open, on the tab and at the field that has
it. Saving goes through ``services.settings.SettingsService``: the manager's right is
checked and the change audited there, not here (``settings_extension`` only asks early, so
a cashier is refused before the dialog opens).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pos_common.i18n import _, explain
from pos_desktop.domain.errors import PosError
from pos_desktop.domain.permissions import Action
from pos_desktop.services.settings import SettingsService
from pos_desktop.services.setup import TestPrint, print_test_page
from pos_desktop.settings_schema import (
    HEAD_OFFICE,
    PRINTER,
    SECRET_KEYS,
    SECTIONS,
    InvalidSetting,
    InvalidSettings,
    declared,
    in_section,
    keyring_available,
    secrets_fallback_hint,
)
from pos_desktop.ui.settings_form import FORM_STYLE, SettingsForm, TestPrintPanel

if TYPE_CHECKING:
    from pos_desktop.ui.main_window import MainWindow

PrintTest = Callable[[Mapping[str, Any]], TestPrint]

DIALOG_STYLE = (
    FORM_STYLE
    + """
QLabel#settingsError {
    color: #ffffff; background: #b91c1c; border-radius: 4px; padding: 6px 10px;
    font-weight: bold;
}
QLabel#keyringWarning {
    color: #111827; background: #fde68a; border-radius: 4px; padding: 6px 10px;
}
QTabBar::tab { font-size: 12pt; padding: 6px 12px; }
"""
)


class SettingsDialog(QDialog):
    """Edit every editable setting; ``saved(changes)`` after a successful save."""

    saved = Signal(dict)

    def __init__(
        self,
        service: SettingsService,
        parent: QWidget | None = None,
        *,
        print_test: PrintTest = print_test_page,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.setObjectName("settingsDialog")
        self.setWindowTitle(_("Settings"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setStyleSheet(DIALOG_STYLE)
        self.resize(980, 680)
        self.stored = service.load()
        stored_secrets = service.stored_secrets()

        layout = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("settingsTabs")
        layout.addWidget(self.tabs, 1)
        self.forms: dict[str, SettingsForm] = {}
        for section in SECTIONS:
            page = QWidget()
            box = QVBoxLayout(page)
            form = SettingsForm(in_section(section), page, stored_secrets=stored_secrets)
            form.load(self.stored)
            form.changed.connect(self._clear_error)
            box.addWidget(form)
            if section == PRINTER:
                self.test_print = TestPrintPanel(self.values, print_test, page)
                box.addWidget(self.test_print, 1)
                form.changed.connect(self.test_print.reset)
            if section == HEAD_OFFICE and not keyring_available():
                note = QLabel(secrets_fallback_hint(), page)
                note.setObjectName("keyringWarning")
                note.setWordWrap(True)
                box.addWidget(note)
            box.addStretch(1)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(page)
            self.tabs.addTab(scroll, _(section))
            self.forms[section] = form

        self.error = QLabel("", self)
        self.error.setObjectName("settingsError")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton(_("Save"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveSettings")
        self.cancel_button = buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def values(self) -> dict[str, Any]:
        """What the dialog shows now: stored values overlaid with the visible fields."""
        values = dict(self.stored)
        for form in self.forms.values():
            values.update(form.visible_values())
        return values

    def changes(self) -> dict[str, Any]:
        changed = {}
        for form in self.forms.values():
            for key, value in form.visible_values().items():
                if key in SECRET_KEYS:
                    if value:
                        changed[key] = value
                elif self._differs(key, value):
                    changed[key] = value
        return changed

    def _differs(self, key: str, value: Any) -> bool:
        """Compared as stored ("15" and 1500 basis points are the same); bad values count."""
        try:
            return bool(declared(key).clean(value) != self.stored.get(key))
        except InvalidSetting:
            return True

    def _clear_error(self) -> None:
        self.error.hide()

    def save(self) -> None:
        for form in self.forms.values():
            form.clear_errors()
        changes = self.changes()
        try:
            cleaned = self.service.save(changes)
        except InvalidSettings as exc:
            self._show_problems(exc)
            return
        except PosError as exc:  # NoKeyring names the fallback; a lost right says so
            self.error.setText(explain(exc))
            self.error.show()
            return
        self.stored.update({k: v for k, v in cleaned.items() if k not in SECRET_KEYS})
        self.saved.emit({k: v for k, v in cleaned.items() if k not in SECRET_KEYS})
        self.accept()

    def _show_problems(self, exc: InvalidSettings) -> None:
        first_tab = None
        for index, form in enumerate(self.forms.values()):
            if form.show_errors(exc.problems) and first_tab is None:
                first_tab = index
        if first_tab is not None:
            self.tabs.setCurrentIndex(first_tab)
            form = list(self.forms.values())[first_tab]
            key = next(k for k in exc.problems if k in form.editors)
            form.editors[key].widget.setFocus(Qt.FocusReason.OtherFocusReason)
        self.error.setText(explain(exc))
        self.error.show()


def settings_extension(window: MainWindow) -> None:
    """Plug "Settings…" into the till window (Till menu, Ctrl+,), for managers.

    The guard decides: a cashier gets the usual permission message, or the manager's PIN
    the window asks on the spot (the approval then covers the save).
    """
    deps = window.deps

    def open_settings() -> None:
        deps.guard.ensure(Action.CHANGE_SETTINGS)
        dialog = SettingsDialog(deps.settings, window)
        dialog.saved.connect(lambda changes: apply_saved(window, changes))
        window.open_dialog(dialog)

    window.add_action(
        _("Settings…"), open_settings, shortcut="Ctrl+,", menu="till", name="settings"
    )


# fiscal.mode: turning ARCA on or off changes the window's parts (its fiscal panel).
RESTART_PREFIXES = ("store.id", "terminal.", "ui.language", "ui.font_size", "scale.",
                    "ui.print_receipts", "fiscal.mode")


def needs_restart(changes: Mapping[str, Any]) -> bool:
    """Identity, language, layout and the fiscal mode are read when the till starts; the
    printer, the receipt header, head-office sync and the other fiscal settings are
    applied at once (``apply_saved``)."""
    return any(key.startswith(RESTART_PREFIXES) for key in changes)


def apply_saved(window: MainWindow, changes: Mapping[str, Any]) -> None:
    """Put saved settings to work now where the till can, and say what waits a restart."""
    deps = window.deps
    problems: list[str] = []
    printer_changed = any(k.startswith(("printer.", "store.")) for k in changes)
    if deps.printing is not None and printer_changed:
        problem = deps.printing.apply_settings()
        if problem:
            problems.append(problem)
    if "ui.fullscreen" in changes:
        window.showFullScreen() if changes["ui.fullscreen"] else window.showNormal()
    if "ui.confirm_cancel" in changes:
        window.commands.confirm_cancel = bool(changes["ui.confirm_cancel"])
    if "cash.rounding_unit" in changes:
        deps.register.cash_unit = int(changes["cash.rounding_unit"] or 1)
    if deps.fiscal is not None and any(k.startswith("fiscal.") for k in changes):
        deps.fiscal.reload()  # the next sale follows them; they waited for a restart before
    if deps.sync is not None and any(k.startswith("sync.") for k in changes):
        try:
            deps.sync.restart()
        except Exception as exc:  # a bad address must not stop the shop from selling
            problems.append(
                _("Head office sync could not start: {error}").format(error=explain(exc)))
    if problems:
        window.banner.error(" · ".join(problems))
    elif needs_restart(changes):
        window.banner.ok(_("Settings saved. Some changes apply when the till is restarted."))
    else:
        window.banner.ok(_("Settings saved."))
