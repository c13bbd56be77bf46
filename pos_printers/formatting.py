"""es-AR formatting of money, quantities and dates for printed documents.

Money is integer centavos everywhere; ``pos_common.i18n.format_money`` turns it into text
(for the till's screens, head office's reports and pages, and here).
"""

from __future__ import annotations

from datetime import datetime

from pos_common.i18n import format_money
from pos_common.labels import rate_label

TENDER_LABELS = {
    "cash": "Efectivo",
    "debit": "Tarjeta de débito",
    "credit": "Tarjeta de crédito",
    "transfer": "Transferencia",
}
"""A receipt names the tender in full ("Tarjeta de débito"), as printed receipts in the
shop always have; the reports' short names are pos_common.labels'."""


def group_thousands(value: int) -> str:
    """1234567 -> '1.234.567' (Argentina groups with dots)."""
    return f"{value:,}".replace(",", ".")


def money(centavos: int, *, symbol: bool = True) -> str:
    """12345 -> '$ 123,45'; negatives as '-$ 123,45': pos_common's one money formatter,
    in es-AR whatever the till's language (receipts are Spanish documents)."""
    return format_money(centavos, symbol=symbol, lang="es_AR")


def quantity(quantity_milli: int, *, by_weight: bool) -> str:
    """2000 -> '2'; 1500 -> '1,5'; by weight 750 -> '0,750 kg'."""
    whole, milli = divmod(abs(quantity_milli), 1000)
    sign = "-" if quantity_milli < 0 else ""
    if by_weight:
        return f"{sign}{group_thousands(whole)},{milli:03d} kg"
    if milli == 0:
        return f"{sign}{group_thousands(whole)}"
    return f"{sign}{group_thousands(whole)},{f'{milli:03d}'.rstrip('0')}"


def iva_rate(rate: str) -> str:
    return rate_label(rate, "es_AR")  # receipts are Spanish documents


def tender(kind: str) -> str:
    return TENDER_LABELS.get(kind, kind)


def date_time(moment: datetime) -> str:
    """Shown in the shop's own local time, as it was recorded at the till."""
    return moment.strftime("%d/%m/%Y %H:%M")
