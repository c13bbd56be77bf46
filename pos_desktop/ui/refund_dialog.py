"""A refund at the till, by keyboard.

1. Scan the receipt's code or type the ticket number, Enter: its lines appear with what
   can still be refunded.
2. ↑/↓ choose a line; type the quantity to refund and Enter (``*`` = all that is left);
   F1 cash (default), F2 debit, F3 credit, F4 transfer: how the money goes back.
3. F12: the reason is asked; Enter refunds (a supervisor's PIN is asked on the spot).
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTableWidgetItem, QVBoxLayout, QWidget

from pos_common.i18n import N_, _, explain, format_money, format_quantity
from pos_desktop.domain.errors import PosError
from pos_desktop.domain.money import parse_quantity
from pos_desktop.domain.refund import (
    NothingToRefund,
    RefundError,
    paid_mostly_with,
    plan_refund,
)
from pos_desktop.domain.sale import Tender, TenderKind
from pos_desktop.services.guard import TillGuard
from pos_desktop.services.people import People
from pos_desktop.services.refunds import CompletedRefund, RefundService, SaleForRefund
from pos_desktop.ui.dialog_base import keyboard_table, reason_buttons
from pos_desktop.ui.guarded_dialog import GuardedDialog
from pos_desktop.ui.key_field import KeyField
from pos_desktop.ui.payment_dialog import TENDER_KEYS, tender_name

REFUND_REASONS = (N_("Faulty product"), N_("Customer changed their mind"), N_("Charged wrong"))


class RefundDialog(GuardedDialog):
    def __init__(
        self, parent: QWidget | None, refunds: RefundService, guard: TillGuard, people: People
    ) -> None:
        super().__init__(
            parent,
            _("Refund"),
            _("Scan the receipt or type the ticket number, then Enter."),
            guard,
            people,
        )
        self.refunds = refunds
        self.sale: SaleForRefund | None = None
        self.quantities: dict[int, int] = {}
        self.kind = TenderKind.CASH
        self.done_refund: CompletedRefund | None = None
        self.asking_reason = False

        self.at_least(940)  # the description keeps its words, not three letters
        self.table = keyboard_table(
            self, 0, [_("Line"), _("Description"), _("Paid"), _("Left"), _("Refund")], stretch=1
        )
        self.table.setMinimumHeight(240)
        self.table.cellClicked.connect(lambda row, _col: self.table.selectRow(row))
        columns = QHBoxLayout()
        self.body.addLayout(columns)
        column = QVBoxLayout()
        columns.addLayout(column, 1)
        column.addWidget(self.table)
        self.total = QLabel(self)
        self.total.setObjectName("refundTotal")
        column.addWidget(self.total)
        self.field = KeyField(self)
        self.field.setObjectName("refundField")
        self.field.setPlaceholderText(_("Ticket number or receipt code"))
        column.addWidget(self.field)
        tenders = QHBoxLayout()
        for kind, key, name in TENDER_KEYS:
            button = self._button(f"{key.name.removeprefix('Key_')} {_(name)}", "keyButton",
                                  partial(self._tender, kind))
            tenders.addWidget(button)
        tenders.addWidget(self._button(_("Finish (F12)"), "payButton", self._ask_reason))
        column.addLayout(tenders)
        self.reasons = QWidget(self)  # shown when the reason is asked, not before
        self.reasons.setLayout(reason_buttons(self.reasons, self.field,
                                              [_(r) for r in REFUND_REASONS]))
        self.reasons.hide()
        column.addWidget(self.reasons)
        self.add_keypad(into=columns, extra="*")
        self.add_ok_cancel()
        self.field.submitted.connect(self._entered)
        self.field.bind(Qt.Key.Key_Up, lambda: self._move(-1))
        self.field.bind(Qt.Key.Key_Down, lambda: self._move(1))
        self.field.bind(Qt.Key.Key_F12, self._ask_reason)
        for kind, key, _name in TENDER_KEYS:
            self.field.bind(key, partial(self._tender, kind))
        self.setFocusProxy(self.field)
        self._show_total()

    # -- steps ---------------------------------------------------------------------------
    def _entered(self, text: str) -> None:
        self.clear_error()
        try:
            if self.sale is None:
                self._load(text)
            elif self.asking_reason:
                self._refund(text)
            else:
                self._set_quantity(text)
        except PosError as exc:
            self.show_error(explain(exc))
            if self.asking_reason:
                self.field.setText(text)

    def _load(self, code: str) -> None:
        sale = self.refunds.find_sale(code)
        if sale.fully_refunded:
            raise RefundError(
                reason=_("ticket {ticket} was already refunded in full").format(ticket=sale.ticket)
            )
        self.sale = sale
        self.kind = paid_mostly_with(sale.tenders, sale.total)  # a card sale: back to the card
        self.table.setRowCount(len(sale.lines))
        for row, line in enumerate(sale.lines):
            cells = [
                str(line.line_no),
                line.description,
                format_money(line.amount_sold),
                format_quantity(line.quantity_left, weighed=line.sold_by_weight),
                "",
            ]
            for col, value in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(value))
        self.table.selectRow(0)
        self.title.setText(_("Refund of ticket {ticket}").format(ticket=sale.ticket))
        self.hint.setText(
            _(
                "↑/↓ choose a line, type the quantity and Enter (* = all left). "
                "F1–F4 how the money goes back. F12 to finish."
            )
        )
        self.field.setPlaceholderText(_("Quantity to refund"))

    def _move(self, step: int) -> None:
        if self.sale is not None and not self.asking_reason:
            row = max(0, min(self.table.rowCount() - 1, self.table.currentRow() + step))
            self.table.selectRow(row)

    def _set_quantity(self, text: str) -> None:
        assert self.sale is not None
        line = self.sale.lines[max(0, self.table.currentRow())]
        text = text.strip()
        if not text:
            self._move(1)
            return
        quantity = (
            line.quantity_left if text == "*" else parse_quantity(text, weighed=line.sold_by_weight)
        )
        wanted = {**self.quantities, line.line_no: quantity}
        plan_refund(self.sale.lines, wanted)  # raises if too much
        self.quantities = {k: v for k, v in wanted.items() if v}
        shown = format_quantity(quantity, weighed=line.sold_by_weight) if quantity else ""
        self.table.setItem(self.table.currentRow(), 4, QTableWidgetItem(shown))
        self._show_total()
        self._move(1)

    def _tender(self, kind: TenderKind) -> None:
        self.kind = kind
        self._show_total()

    def plan_total(self) -> int:
        if self.sale is None or not self.quantities:
            return 0
        return plan_refund(self.sale.lines, self.quantities).total

    def _show_total(self) -> None:
        self.total.setText(
            _("To give back: {amount} in {kind}").format(
                amount=format_money(self.plan_total()), kind=tender_name(self.kind).lower()
            )
        )

    def _ask_reason(self) -> None:
        if self.sale is None:
            return
        if not self.quantities:
            self.show_error(str(NothingToRefund()))
            return
        self.asking_reason = True
        self.reasons.show()
        self.field.clear()
        self.field.setPlaceholderText(_("Why? (Enter refunds)"))
        self.hint.setText(_("Type the reason and Enter. A supervisor's PIN will be asked."))

    def _refund(self, reason: str) -> None:
        assert self.sale is not None
        ticket, wanted = self.sale.ticket, dict(self.quantities)
        tenders = [Tender(self.kind, self.plan_total())]

        def refund() -> None:
            self.done_refund = self.refunds.refund(ticket, wanted, reason=reason, tenders=tenders)

        if not self.attempt(refund):
            self.field.setText(reason)  # kept for the retry after the supervisor's PIN

    def outcome(self) -> str:
        """What the cashier is told when the refund is done (no ticket says it)."""
        done = self.done_refund
        if done is None:
            return ""
        return _("Refund no. {number} of ticket {ticket} recorded: give back {amount} in "
                 "{kind}.").format(number=done.refund_number, ticket=done.ticket,
                                   amount=format_money(done.total),
                                   kind=tender_name(self.kind).lower())
