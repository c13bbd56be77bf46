"""F2: change the quantity (or the weight, in kg) of the selected line; F10: its price."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from pos_common.i18n import _, current_language, format_money, format_quantity
from pos_desktop.services.register import Register
from pos_desktop.ui.dialog_base import EntryDialog


def quantity_dialog(parent: QWidget | None, register: Register, line_no: int) -> EntryDialog:
    line = register.sale.line(line_no)
    weighed = line.product.sold_by_weight
    hint = (
        _("Weight in kg, e.g. 0,350. Enter to apply, Esc to go back.")
        if weighed
        else _("Whole units, e.g. 3. Enter to apply, Esc to go back.")
    )
    return EntryDialog(
        parent,
        _("Quantity: {name}").format(name=line.product.name),
        hint,
        lambda text: register.set_quantity(line_no, text),
        text=format_quantity(line.quantity_milli, weighed=weighed).removesuffix(" kg"),
    )


def price_dialog(parent: QWidget | None, register: Register, line_no: int) -> EntryDialog:
    line = register.sale.line(line_no)
    return EntryDialog(
        parent,
        _("Price: {name}").format(name=line.product.name),
        _("The new unit price (the shelf price is {price}); a supervisor approves it. "
          "Enter to apply, Esc to go back.").format(price=format_money(line.product.price)),
        lambda text: register.override_price(line_no, text),
        text=plain_amount(line.unit_price),
    )


def plain_amount(cents: int) -> str:
    """``5290,00`` (``5290.00`` in English): what the keypad types, ready to edit."""
    mark = "." if current_language() == "en" else ","
    return f"{cents // 100}{mark}{cents % 100:02d}"
