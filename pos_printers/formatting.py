"""Formatting of money, quantities, rates and dates for printed documents, in the till's
language (es-AR ``$ 1.234,50``, English ``$1,234.50``), as its screens show them.

Money is integer centavos everywhere; ``pos_common.i18n.format_money`` turns it into text
(for the till's screens, head office's reports and pages, and here). The comprobante's
legal words stay Spanish (``fiscal.py``), its figures are figures.
"""

from __future__ import annotations

from datetime import datetime

from pos_common.i18n import N_, _, current_language, format_money
from pos_common.labels import rate_label

TENDER_LABELS = {
    "cash": N_("Cash"),
    "debit": N_("Debit card"),
    "credit": N_("Credit card"),
    "transfer": N_("Bank transfer"),
}
"""A receipt names the tender in full ("Tarjeta de débito"), as printed receipts in the
shop always have; the reports' short names are pos_common.labels'."""


def group_thousands(value: int) -> str:
    """1234567 -> '1.234.567' (Argentina groups with dots; English '1,234,567')."""
    grouped = f"{value:,}"
    return grouped if current_language() == "en" else grouped.replace(",", ".")


def money(centavos: int, *, symbol: bool = True) -> str:
    """12345 -> '$ 123,45' ('$123.45' in English); negatives as '-$ 123,45': pos_common's
    one money formatter, in the till's language."""
    return format_money(centavos, symbol=symbol)


def quantity(quantity_milli: int, *, by_weight: bool) -> str:
    """2000 -> '2'; 1500 -> '1,5'; by weight 750 -> '0,750 kg' (English '1.5', '0.750 kg')."""
    whole, milli = divmod(abs(quantity_milli), 1000)
    sign = "-" if quantity_milli < 0 else ""
    point = "." if current_language() == "en" else ","
    if by_weight:
        return f"{sign}{group_thousands(whole)}{point}{milli:03d} kg"
    if milli == 0:
        return f"{sign}{group_thousands(whole)}"
    return f"{sign}{group_thousands(whole)}{point}{f'{milli:03d}'.rstrip('0')}"


def iva_rate(rate: str) -> str:
    return rate_label(rate)


def tender(kind: str) -> str:
    label = TENDER_LABELS.get(kind)
    return _(label) if label else kind


def date_time(moment: datetime) -> str:
    """Shown in the shop's own local time, as it was recorded at the till."""
    return moment.strftime("%d/%m/%Y %H:%M")
