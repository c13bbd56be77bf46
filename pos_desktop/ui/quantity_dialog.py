"""F2: change the quantity (or the weight, in kg) of the selected line."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from pos_common.i18n import _, format_quantity
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
