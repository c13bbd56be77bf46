"""F4 / F6: a discount on the selected line or on the whole ticket (percent or amount)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from pos_common.i18n import _
from pos_desktop.services.register import Register
from pos_desktop.ui.dialog_base import EntryDialog


def _hint() -> str:
    return _(
        "Type 10% for a percentage or 500 for an amount in pesos. Enter applies, Esc goes back."
    )


def line_discount_dialog(parent: QWidget | None, register: Register, line_no: int) -> EntryDialog:
    line = register.sale.line(line_no)
    return EntryDialog(
        parent,
        _("Line discount: {name}").format(name=line.product.name),
        _hint(),
        lambda text: register.discount_line(line_no, text),
        placeholder="10%",
        keypad_extra="%",
    )


def ticket_discount_dialog(parent: QWidget | None, register: Register) -> EntryDialog:
    return EntryDialog(
        parent,
        _("Ticket discount"),
        _hint(),
        register.discount_ticket,
        placeholder="10%",
        keypad_extra="%",
    )
