"""The first-run wizard: store, terminal, printer, head office, first manager. Then sell.

Each page checks its own fields when the manager presses Next (a wrong CUIT is caught on
the store page, next to the field); Finish stores everything at once through
``services.setup.complete_setup``. Everything works from the keyboard: Enter is Next,
Tab moves between fields.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QPixmap, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from pos_common.i18n import _, explain
from pos_desktop.domain.errors import PosError
from pos_desktop.paths import ICONS_DIR
from pos_desktop.services.settings import SettingsService
from pos_desktop.services.setup import (
    SetupAnswers,
    TestPrint,
    check_pin,
    print_test_page,
)
from pos_desktop.settings_schema import (
    InvalidSetting,
    InvalidSettings,
    check_printer,
    clean_settings,
    declared,
    keyring_available,
    secrets_fallback_hint,
)
from pos_desktop.ui.settings_form import FORM_STYLE, SettingsForm, TestPrintPanel
from pos_desktop.ui.wizard_fiscal import fiscal_page

PrintTest = Callable[[Mapping[str, Any]], TestPrint]

STORE_KEYS = ("store.name", "store.cuit", "store.address", "store.iva_condition",
              "store.legal_name", "store.iibb", "store.activities_start")
REQUIRED = frozenset({"store.name", "store.cuit"})
TERMINAL_KEYS = ("terminal.id", "terminal.number", "store.id")
PRINTER_KEYS = (
    "printer.connection",
    "printer.profile",
    "printer.host",
    "printer.port",
    "printer.usb_vendor",
    "printer.usb_product",
    "printer.serial_device",
    "printer.printer_name",
    "printer.path",
)
HEAD_OFFICE_KEYS = (
    "sync.enabled",
    "sync.amqp_url",
    "sync.amqp_password",
    "sync.central_url",
    "sync.api_token",
)
HEAD_OFFICE_REQUIRED = frozenset({"sync.amqp_url", "sync.central_url"})

PAGE_STYLE = (
    FORM_STYLE
    + """
QLabel#pageError {
    color: #ffffff; background: #b91c1c; border-radius: 4px; padding: 6px 10px;
    font-weight: bold;
}
QLabel#keyringWarning {
    color: #111827; background: #fde68a; border-radius: 4px; padding: 6px 10px;
}
"""
)


def _required_problems(
    values: Mapping[str, Any], keys: frozenset[str]
) -> dict[str, InvalidSetting]:
    return {
        key: InvalidSetting(label=_(declared(key).label), reason=_("is required"))
        for key in sorted(keys)
        if not str(values.get(key) or "").strip()
    }


def page_error(page: QWidget) -> QLabel:
    """The red line under a page's fields, hidden until Next finds something wrong."""
    label = QLabel("", page)
    label.setObjectName("pageError")
    label.setWordWrap(True)
    label.hide()
    return label


class FormPage(QWizardPage):
    """A wizard page holding a settings form; Next checks the page's fields."""

    def __init__(
        self,
        title: str,
        subtitle: str,
        keys: tuple[str, ...],
        required: frozenset[str] = frozenset(),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.setStyleSheet(PAGE_STYLE)
        self.required = required
        self.form = SettingsForm([declared(k) for k in keys], self)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(self.form)
        self.error = page_error(self)
        self.layout_.addWidget(self.error)
        self.form.changed.connect(self.error.hide)

    def initializePage(self) -> None:
        first = next(iter(self.form.editors.values()), None)
        if first is not None:
            first.widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def answers(self) -> dict[str, Any]:
        return self.form.visible_values()

    def problems(self) -> dict[str, InvalidSetting]:
        values = self.answers()
        problems = _required_problems(values, self.required)
        try:
            clean_settings({k: v for k, v in values.items() if k not in problems})
        except InvalidSettings as exc:
            problems.update(exc.problems)
        return problems

    def validatePage(self) -> bool:
        self.form.clear_errors()
        problems = self.problems()
        if problems:
            self.form.show_errors(problems)
            return False
        return True


class PrinterPage(FormPage):
    def __init__(
        self,
        print_test: PrintTest,
        store_values: Callable[[], Mapping[str, Any]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            _("Receipt printer"),
            _(
                "Choose how the till reaches its printer, then print a test page. "
                '"On screen" shows receipts in the window, without paper.'
            ),
            PRINTER_KEYS,
            parent=parent,
        )
        self.test = TestPrintPanel(lambda: {**store_values(), **self.answers()}, print_test, self)
        self.layout_.insertWidget(1, self.test)
        self.form.changed.connect(self.test.reset)

    def problems(self) -> dict[str, InvalidSetting]:
        problems = super().problems()
        if not problems:
            try:
                check_printer(self.answers())
            except InvalidSettings as exc:
                problems.update(exc.problems)
        return problems


class HeadOfficePage(FormPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            _("Head office"),
            _("Leave it off to run this till on its own; you can connect it later in Settings."),
            HEAD_OFFICE_KEYS,
            parent=parent,
        )
        self.keyring_note = QLabel(secrets_fallback_hint(), self)
        self.keyring_note.setObjectName("keyringWarning")
        self.keyring_note.setWordWrap(True)
        self.layout_.insertWidget(1, self.keyring_note)
        self.has_keyring = keyring_available()
        self.form.editors["sync.enabled"].connect_changed(lambda *_a: self._enable())
        self._enable()

    @property
    def connected(self) -> bool:
        return bool(self.form.editors["sync.enabled"].value())

    def _enable(self) -> None:
        on = self.connected
        for key, editor in self.form.editors.items():
            if key != "sync.enabled":
                editor.widget.setEnabled(on)
        self.keyring_note.setVisible(on and not self.has_keyring)
        self.required = HEAD_OFFICE_REQUIRED if on else frozenset()

    def answers(self) -> dict[str, Any]:
        values = super().answers()
        if not self.connected:
            return {"sync.enabled": False}
        return values


class ManagerPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(_("First manager"))
        self.setSubTitle(
            _(
                "The manager opens and closes shifts, authorises refunds and "
                "changes these settings. The PIN has 4 to 8 digits."
            )
        )
        self.setStyleSheet(PAGE_STYLE)
        digits = QRegularExpressionValidator(QRegularExpression(r"\d{0,8}"), self)
        self.name = QLineEdit(self)
        self.name.setObjectName("managerName")
        self.name.setPlaceholderText(_("e.g. Marta Gómez"))
        self.pin = QLineEdit(self)
        self.pin.setObjectName("managerPin")
        self.pin_again = QLineEdit(self)
        self.pin_again.setObjectName("managerPinAgain")
        for field in (self.pin, self.pin_again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setValidator(digits)
            field.setMaxLength(8)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setHorizontalSpacing(14)
        form.addRow(_("Manager's name"), self.name)
        form.addRow(_("PIN"), self.pin)
        form.addRow(_("Repeat the PIN"), self.pin_again)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.error = page_error(self)
        layout.addWidget(self.error)
        layout.addStretch(1)
        for field in (self.name, self.pin, self.pin_again):
            field.textEdited.connect(lambda _t: self.error.hide())

    def initializePage(self) -> None:
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_error(self, text: str, field: QLineEdit) -> bool:
        self.error.setText(text)
        self.error.show()
        field.setFocus(Qt.FocusReason.OtherFocusReason)
        field.selectAll()
        return False

    def validatePage(self) -> bool:
        if not self.name.text().strip():
            return self.show_error(_("Type the manager's name."), self.name)
        try:
            check_pin(self.pin.text())
        except ValueError as exc:
            return self.show_error(explain(exc).capitalize() + ".", self.pin)
        if self.pin.text() != self.pin_again.text():
            self.pin_again.clear()
            return self.show_error(_("The two PINs are different; type it again."), self.pin_again)
        return True


class SummaryPage(QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard)
        self.wizard_ = wizard
        self.setTitle(_("Ready to sell"))
        self.setSubTitle(_("Check the details and press Finish to save them."))
        self.setStyleSheet(PAGE_STYLE + "QLabel#summaryValue { font-weight: bold; }")
        layout = QVBoxLayout(self)
        self.summary = QFormLayout()
        self.summary.setHorizontalSpacing(14)
        layout.addLayout(self.summary)
        self.error = page_error(self)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.error.hide()
        while self.summary.rowCount():
            self.summary.removeRow(0)
        answers = self.wizard_.answers()
        values = answers.settings
        connections = dict(declared("printer.connection").choices)
        conditions = dict(declared("store.iva_condition").choices)
        rows = (
            (_("Store"), str(values.get("store.name", ""))),
            ("CUIT", str(values.get("store.cuit", ""))),
            (_("IVA condition"), _(conditions.get(values.get("store.iva_condition"), ""))),
            (
                _("Terminal"),
                f"{str(values.get('terminal.id', '')).upper()} · "
                f"{int(values.get('terminal.number') or 1):04d}",
            ),
            (_("Printer"), _(connections.get(values.get("printer.connection"), ""))),
            (
                _("Head office"),
                _("standalone (not connected)")
                if answers.standalone
                else str(values.get("sync.central_url", "")),
            ),
            (_("Manager"), answers.manager_name),
        )
        for caption, value in rows:
            shown = QLabel(value, self)
            shown.setObjectName("summaryValue")
            shown.setTextFormat(Qt.TextFormat.PlainText)
            self.summary.addRow(caption, shown)

    def validatePage(self) -> bool:
        try:
            self.wizard_.save()
        except PosError as exc:  # InvalidSettings names the fields; NoKeyring says what to do
            self.error.setText(explain(exc))
            self.error.show()
            return False
        return True


class SetupWizard(QWizard):
    """The first-run questions. ``accepted`` is emitted once everything is saved."""

    def __init__(
        self,
        service: SettingsService,
        parent: QWidget | None = None,
        *,
        print_test: PrintTest = print_test_page,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.setObjectName("setupWizard")
        self.setWindowTitle(_("Super POS — first-run setup"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setMinimumSize(760, 600)
        for button, text in (
            (QWizard.WizardButton.BackButton, _("< &Back")),
            (QWizard.WizardButton.NextButton, _("&Next >")),
            (QWizard.WizardButton.FinishButton, _("&Finish")),
            (QWizard.WizardButton.CancelButton, _("Cancel")),
            (QWizard.WizardButton.CommitButton, _("&Save")),  # hidden unless a page commits
        ):
            self.setButtonText(button, text)

        self.welcome = QWizardPage(self)
        self.welcome.setTitle(_("Welcome to Super POS"))
        self.welcome.setSubTitle(_("A few questions and this computer is ready to sell."))
        intro = QLabel(
            _(
                "You will need the store's CUIT and address, the receipt printer's connection "
                "and, if this till reports to head office, the addresses head office gave you. "
                "Everything can be changed later in Settings."
            ),
            self.welcome,
        )
        intro.setWordWrap(True)
        QVBoxLayout(self.welcome).addWidget(intro)
        self.store = FormPage(
            _("Store"), _("As it must appear on every receipt."), STORE_KEYS, REQUIRED
        )
        self.terminal = FormPage(
            _("This till"),
            _(
                "Each till of the store has its own id and number; the number starts every "
                "ticket number."
            ),
            TERMINAL_KEYS,
        )
        self.printer = PrinterPage(print_test, lambda: self.store.answers())
        self.head_office = HeadOfficePage()
        self.fiscal = fiscal_page(FormPage)  # ui/wizard_fiscal.py
        self.manager = ManagerPage()
        self.summary = SummaryPage(self)
        for page in (
            self.welcome,
            self.store,
            self.terminal,
            self.printer,
            self.head_office,
            self.fiscal,
            self.manager,
            self.summary,
        ):
            self.addPage(page)
        stored = service.load()  # defaults, or what --demo or an earlier run stored
        for form_page in (self.store, self.terminal, self.printer, self.head_office, self.fiscal):
            form_page.form.load(stored)
        logo = ICONS_DIR / "app.png"
        if logo.exists():
            self.setPixmap(
                QWizard.WizardPixmap.LogoPixmap,
                QPixmap(str(logo)).scaled(
                    56,
                    56,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                ),
            )

    def answers(self) -> SetupAnswers:
        values: dict[str, Any] = {}
        for page in (self.store, self.terminal, self.printer, self.head_office):
            values.update(page.answers())
        if not self.fiscal.issues_comprobantes:  # ARCA mode is stored with its certificate
            values.update(self.fiscal.answers())
        return SetupAnswers(
            settings=values,
            manager_name=self.manager.name.text().strip(),
            manager_pin=self.manager.pin.text(),
            standalone=not values.get("sync.enabled", False),
        )

    def save(self) -> None:
        self.service.complete_setup(self.answers())
        self.fiscal.save(self.service)


class SetupResult(enum.Enum):
    READY = "ready"  # set up before (or the demo's answers): sell
    SAVED = "saved"  # the wizard stored the answers: reopen the till (its identity changed)
    CANCELLED = "cancelled"  # the manager closed the wizard: nothing to sell with yet


def ensure_setup(settings: SettingsService, *, demo: bool = False) -> SetupResult:
    """Before the main window. ``--demo`` stores the demo answers without asking; a till
    set up already goes straight on; otherwise the wizard runs (a modal ``exec()`` is
    right here: there is no window yet whose keystrokes it could swallow)."""
    if demo:
        settings.apply_demo_setup()
        return SetupResult.READY
    if settings.setup_done():
        return SetupResult.READY
    wizard = SetupWizard(settings)
    if wizard.exec() != QDialog.DialogCode.Accepted:
        return SetupResult.CANCELLED
    return SetupResult.SAVED
