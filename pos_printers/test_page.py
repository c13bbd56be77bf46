"""The "test print" page of the printer settings: Spanish characters, styles and a ruler.

What the manager checks on paper: every Spanish letter and the euro come out right under
the chosen code page, the ruler's last digit sits on the paper's last column, and the cut
and drawer settings do what they say.
"""

from __future__ import annotations

from pos_common.i18n import _
from pos_printers.document import (
    Align,
    Barcode,
    Block,
    Cut,
    Document,
    DrawerKick,
    Feed,
    QrCode,
    Row,
    Separator,
    Text,
)
from pos_printers.layout import text_block
from pos_printers.settings import PrinterSettings

SPANISH_SAMPLE = "ñ Ñ á é í ó ú ü ¿ ¡ €"
SPANISH_CAPITALS = "Á É Í Ó Ú Ü"


def ruler(columns: int) -> list[str]:
    """Two lines: tens digits, then units, so column 48 reads "4" over "8"."""
    tens = "".join(str((i // 10) % 10) if i % 10 == 0 else " " for i in range(1, columns + 1))
    units = "".join(str(i % 10) for i in range(1, columns + 1))
    return [tens, units]


def build_test_page(settings: PrinterSettings, store_name: str = "") -> Document:
    columns = settings.effective_columns
    blocks: list[Block] = []
    if settings.drawer_pin is not None:
        blocks.append(DrawerKick())
    blocks += text_block(_("TEST PAGE"), columns, align=Align.CENTER, bold=True,
                         double=True)
    if store_name:
        blocks += text_block(store_name, columns, align=Align.CENTER)
    blocks += [
        Separator(),
        *text_block(_("Printer: {printer}").format(printer=settings.describe()), columns),
        *text_block(_("Code page: {code_page}").format(code_page=settings.code_page), columns),
        *text_block(_("Columns: {columns}").format(columns=columns), columns),
        *text_block(_("Drawer: pin {pin} (it must open)").format(pin=settings.drawer_pin)
                    if settings.drawer_pin else _("Drawer: none"), columns),
        Separator(),
        Text(SPANISH_SAMPLE, Align.CENTER),
        Text(SPANISH_CAPITALS, Align.CENTER),
        # Spanish in every language: the page proves the code page prints what shops type.
        *text_block("¿Año? ¡Señal! Pingüino, acción, camión", columns),
        Separator(),
        *[Text(line) for line in ruler(columns)],
        Row(_("Aligned left"), _("right")),
        Text(_("Centred"), Align.CENTER),
        Text(_("Bold"), bold=True),
        Text(_("Double"), Align.CENTER, bold=True, double=True),
        Separator("="),
    ]
    if settings.code == "qr":
        blocks += [Feed(), QrCode("0001-00000000"), Text("0001-00000000", Align.CENTER)]
    elif settings.code == "barcode":
        blocks += [Feed(), Barcode("0001-00000000"), Text("0001-00000000", Align.CENTER)]
    blocks.append(Cut())
    return Document(columns, tuple(blocks), title=_("Test page"))
