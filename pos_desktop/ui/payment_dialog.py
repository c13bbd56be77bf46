"""F12: taking the payment, in one tender or split across several.

Enter with nothing typed takes the exact amount still due with the chosen kind (cash by
default); a typed amount adds a tender of that amount, and while typing cash the dialog
shows the change it will give. The sale completes as soon as the tenders cover it.
Esc goes back to the sale and keeps the tenders already taken (a card already charged is
money received); F8 removes them.
"""

from __future__ import annotations

import logging
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_common.i18n import N_, _, explain, format_minus, format_money
from pos_desktop.domain.barcode import is_valid_gtin
from pos_desktop.domain.errors import PosError
from pos_desktop.domain.money import parse_money
from pos_desktop.domain.sale import TenderKind
from pos_desktop.services.register import Register
from pos_desktop.ui.dialog_base import TillDialog
from pos_desktop.ui.key_field import KeyField, no_focus
from pos_desktop.ui.keypad import fit_text
from pos_desktop.ui.theme import set_level

log = logging.getLogger(__name__)

TENDER_KEYS: tuple[tuple[TenderKind, Qt.Key, str], ...] = (
    (TenderKind.CASH, Qt.Key.Key_F1, N_("Cash")),
    (TenderKind.DEBIT, Qt.Key.Key_F2, N_("Debit")),
    (TenderKind.CREDIT, Qt.Key.Key_F3, N_("Credit")),
    (TenderKind.TRANSFER, Qt.Key.Key_F4, N_("Transfer / QR")),
)


class BarcodeNotAmount(PosError):
    message = N_("That looks like a barcode ({code}), not an amount: type the amount received.")


def looks_scanned(text: str) -> bool:
    """A scanner fired into the amount field: a valid EAN/UPC is never a sum of money,
    and taking it as cash would close the sale with an absurd change."""
    return is_valid_gtin(text.strip())


def tender_name(kind: TenderKind) -> str:
    return next(_(name) for k, _key, name in TENDER_KEYS if k is kind)


class PaymentDialog(TillDialog):
    completed = Signal(object)  # CompletedSale

    def __init__(self, parent: QWidget | None, register: Register) -> None:
        super().__init__(
            parent,
            _("Payment"),
            _(
                "Type the amount received and press Enter; Enter alone takes the exact "
                "amount due. F1–F4 choose how the customer pays. Esc goes back to the sale."
            ),
        )
        self.at_least(880)  # the four tenders and the keypad side by side
        self.register = register
        self.kind = TenderKind.CASH
        columns = QHBoxLayout()
        self.column = QVBoxLayout()
        columns.addLayout(self.column, 1)
        self.body.addLayout(columns)
        self._build_figures()
        self._build_tender_buttons()
        self.field = KeyField(self, clear_on_submit=False, takes_codes=False)
        self.field.setObjectName("amountField")
        self.field.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.column.addWidget(self.field)
        self.preview = QLabel("", self)
        self.preview.setObjectName("payPreview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.preview.setWordWrap(True)  # "(rounded -$ 0,50)" is never cut at the left
        self.column.addWidget(self.preview)
        self.tenders = QListWidget(self)
        self.tenders.setObjectName("tenderList")
        self.tenders.setMaximumHeight(110)
        no_focus(self.tenders)
        self.column.addWidget(self.tenders)
        self.setFocusProxy(self.field)
        self.add_keypad(into=columns)
        self._build_bottom_row()
        for kind, key, _name in TENDER_KEYS:
            self.field.bind(key, partial(self.choose, kind))
        self.field.bind(Qt.Key.Key_F8, self.clear_tenders)
        self.field.submitted.connect(self.submit)
        self.field.textChanged.connect(self._update_preview)
        self.setFocusProxy(self.field)
        self.refresh()

    # -- layout --------------------------------------------------------------------------
    def _figure(self, grid: QGridLayout, row: int, caption: str) -> tuple[QLabel, QLabel]:
        cap = QLabel(caption, self)
        cap.setObjectName("payFigureCaption")
        value = QLabel("", self)
        value.setObjectName("payFigure")
        cap.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(cap, row, 0)
        grid.addWidget(value, row, 1)
        return cap, value

    def _build_figures(self) -> None:
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        grid.setVerticalSpacing(0)
        _cap, self.total_value = self._figure(grid, 0, _("Total"))
        _cap, self.paid_value = self._figure(grid, 1, _("Paid"))
        self.due_caption, self.due_value = self._figure(grid, 2, _("Due"))
        self.column.addLayout(grid)

    def _build_tender_buttons(self) -> None:
        row = QHBoxLayout()
        self.kind_group = QButtonGroup(self)
        self.kind_group.setExclusive(True)
        self.kind_buttons: dict[TenderKind, QPushButton] = {}
        key_names = {
            Qt.Key.Key_F1: "F1",
            Qt.Key.Key_F2: "F2",
            Qt.Key.Key_F3: "F3",
            Qt.Key.Key_F4: "F4",
        }
        for kind, key, name in TENDER_KEYS:
            button = QPushButton(f"{key_names[key]}\n{_(name)}", self)
            button.setObjectName("tenderButton")
            fit_text(button, 24)
            button.setCheckable(True)
            button.setAutoDefault(False)
            no_focus(button)
            button.clicked.connect(lambda _c=False, k=kind: self.choose(k))
            self.kind_group.addButton(button)
            self.kind_buttons[kind] = button
            row.addWidget(button)
        self.kind_buttons[TenderKind.CASH].setChecked(True)
        self.column.addLayout(row)

    def _build_bottom_row(self) -> None:
        row = QHBoxLayout()
        self.clear_button = QPushButton(_("F8\nRemove payments"), self)
        self.back_button = QPushButton(_("Esc\nBack to the sale"), self)
        self.pay_button = QPushButton(_("Enter\nCharge"), self)
        self.pay_button.setObjectName("payButton")
        for b in (self.clear_button, self.back_button):
            b.setObjectName("keyButton")
        for b in (self.clear_button, self.back_button, self.pay_button):
            b.setAutoDefault(False)
            no_focus(b)
        row.addWidget(self.clear_button)
        row.addStretch(1)
        row.addWidget(self.back_button)
        row.addWidget(self.pay_button)
        self.layout_.addLayout(row)
        self.clear_button.clicked.connect(self.clear_tenders)
        self.back_button.clicked.connect(self.reject)
        self.pay_button.clicked.connect(lambda: self.submit(self.field.text()))

    # -- actions -------------------------------------------------------------------------
    def choose(self, kind: TenderKind) -> None:
        self.kind = kind
        self.kind_buttons[kind].setChecked(True)
        self.clear_error()
        self._update_preview()
        self.field.setFocus()

    def submit(self, text: str) -> None:
        """Enter: take a tender (typed amount, or exactly what is due) and finish if paid."""
        sale = self.register.sale
        try:
            if not text.strip() and sale.lines and sale.due == 0 and sale.tenders:
                self._complete()  # covered earlier but saving failed: try again
                return
            if looks_scanned(text):
                raise BarcodeNotAmount(code=text.strip())
            amount = parse_money(text) if text.strip() else None
            self.register.tender(self.kind, amount)
        except PosError as exc:
            self.show_error(explain(exc))
            self.field.selectAll()
            return
        self.clear_error()
        self.field.clear()
        self.choose(TenderKind.CASH)  # the usual last tender is cash (it gives change)
        self.refresh()
        if self.register.sale.due == 0:
            self._complete()

    def clear_tenders(self) -> None:
        self.register.clear_tenders()
        self.clear_error()
        self.refresh()

    def _complete(self) -> None:
        try:
            done = self.register.complete()
        except PosError as exc:
            self.show_error(explain(exc))
            self.refresh()
            return
        except Exception as exc:  # the disk or the database failed: the sale stays open
            log.exception("could not save the sale")
            self.show_error(_("The sale could not be saved: {error}").format(error=explain(exc)))
            self.refresh()
            return
        self.completed.emit(done)
        self.accept()

    # -- display -------------------------------------------------------------------------
    def refresh(self) -> None:
        sale = self.register.sale
        total = sale.total
        self.total_value.setText(format_money(total))
        self.paid_value.setText(format_money(sale.tendered))
        if sale.change:
            self.due_caption.setText(_("Change"))
            self.due_value.setText(format_money(sale.change))
            set_level(self.due_value, "ok")
        else:
            self.due_caption.setText(_("Due"))
            self.due_value.setText(format_money(sale.due))
            set_level(self.due_value, "error" if sale.due else "ok")
        self.tenders.clear()
        for t in sale.tenders:
            self.tenders.addItem(f"{tender_name(t.kind)}:  {format_money(t.amount)}")
        self._update_preview()

    def _update_preview(self, _text: str = "") -> None:
        sale = self.register.sale
        exact = sale.due
        # Cash that settles the sale is rounded down to the cash unit (customer's favour).
        due = sale.due_in_cash if self.kind is TenderKind.CASH else exact
        text = self.field.text().strip()
        name = tender_name(self.kind)
        if not text:
            if not due:
                self.preview.setText("")
            elif due != exact:
                self.preview.setText(
                    _("Enter: {kind} {amount} (rounded {rounding})").format(
                        kind=name, amount=format_money(due), rounding=format_minus(exact - due)
                    )
                )
            else:
                self.preview.setText(
                    _("Enter: {kind} {amount} (exact)").format(kind=name, amount=format_money(due))
                )
            return
        try:
            amount = parse_money(text)
        except PosError:
            self.preview.setText("")
            return
        if amount < due:
            due = exact  # cash that does not settle the sale is not rounded
        if amount > due and self.kind is TenderKind.CASH:
            self.preview.setText(_("Change: {amount}").format(amount=format_money(amount - due)))
        elif amount > due:
            self.preview.setText(_("More than is due: only cash gives change"))
        elif amount < due:
            self.preview.setText(
                _("Still due after this: {amount}").format(amount=format_money(due - amount))
            )
        else:
            self.preview.setText(_("Exact amount"))
