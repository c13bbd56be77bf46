"""Receipt layout: a pure function from a sale and the shop's settings to a ``Document``.

Same input (and language), same document: no clock, no I/O (the logo is referenced by path,
loaded by the renderer). Everything is laid out for the paper's columns here, so every
renderer breaks lines at the same places.

The ticket speaks the till's language (``_()``: a till set to English prints "Your
change", a Spanish one "Su vuelto"), except the words the law makes the document say:
the comprobante's block (RG 1415: its type, letter and code, number, date, the seller's
CUIT, Ingresos Brutos, IVA condition and start of activities, the buyer; its CAE or CAEA
and due date, ARCA's legend), the IVA block of Ley 27.743 and "Documento no válido como
factura". Those are ARCA's own words (../shared/afip/README.md: "IVA contenido", "Otros
impuestos nacionales indirectos", its tables' names), read by ARCA, the buyer's accountant
and an inspector in Spanish, so they stay Spanish on every till.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal

from pos_common.i18n import _
from pos_printers import formatting as fmt
from pos_printers.document import (
    Align,
    Barcode,
    Block,
    Cut,
    Document,
    DrawerKick,
    Feed,
    Logo,
    QrCode,
    Row,
    Separator,
    Text,
    line_width,
)
from pos_printers.fiscal import CONDITION_NAMES, IVA_NAMES, FiscalReceipt
from pos_printers.model import ReceiptLine, ReceiptRefund, ReceiptSale, Report, StoreInfo

CodeKind = Literal["barcode", "qr", "none"]
# Legal legends: Spanish on every till (see the module's docstring), so not msgids.
NOT_AN_INVOICE = "Documento no válido como factura"
TRANSPARENCY = "Régimen de Transparencia Fiscal al Consumidor (Ley 27.743)"


def wrap(text: str, width: int) -> list[str]:
    """Word-wrap to ``width``; words longer than a line are cut (product names can be)."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        while len(word) > width:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current = f"{current} {word}"
        else:
            lines.append(current)
            current = word
    if current or not lines:
        lines.append(current)
    return lines


def text_block(text: str, columns: int, *, align: Align = Align.LEFT, bold: bool = False,
               double: bool = False) -> list[Block]:
    width = line_width(columns, double)
    if double and len(text) > width:  # a long shop name still prints, just not double
        double, width = False, columns
    indent = text[:len(text) - len(text.lstrip())][:width // 2]
    return [Text(indent + part, align, bold, double)
            for part in wrap(text, width - len(indent))]


def row_block(left: str, right: str, columns: int, *, bold: bool = False,
              double: bool = False) -> list[Block]:
    """Label left, amount right; a long label wraps under itself, the amount stays on line 1."""
    width = line_width(columns, double)
    if double and len(left) + 1 + len(right) > width:
        double, width = False, columns
    if len(right) + 1 >= width:  # no room beside it: amount on its own line
        return [*text_block(left, columns, bold=bold),
                Text(right[-width:], Align.RIGHT, bold)]
    indent = left[:len(left) - len(left.lstrip())]
    first, *rest = wrap(left, width - len(right) - 1 - len(indent))
    blocks: list[Block] = [Row(indent + first, right, bold, double)]
    if rest:
        blocks += [Text(part, Align.LEFT, bold, double)
                   for part in wrap(" ".join(rest), width)]
    return blocks


def store_block(store: StoreInfo, columns: int) -> list[Block]:
    blocks: list[Block] = []
    if store.logo_path:
        blocks.append(Logo(store.logo_path))
    blocks += text_block(store.name, columns, align=Align.CENTER, bold=True, double=True)
    if store.cuit:
        blocks += text_block(f"CUIT {store.cuit}", columns, align=Align.CENTER)
    if store.address:
        blocks += text_block(store.address, columns, align=Align.CENTER)
    if store.iva_condition:
        blocks += text_block(f"IVA {store.iva_condition}", columns, align=Align.CENTER)
    for line in store.header_lines:
        blocks += text_block(line, columns, align=Align.CENTER)
    return blocks


def sale_line_blocks(line: ReceiptLine, columns: int, *, show_rate: bool = False,
                     discount: int | None = None) -> list[Block]:
    """Description and amount, then the quantity detail indented under it."""
    label = f"{line.description} ({fmt.iva_rate(line.iva_rate)})" if show_rate \
        else line.description
    blocks = row_block(label, fmt.money(line.gross_amount), columns)
    if line.sold_by_weight:
        blocks += text_block(
            f"  {fmt.quantity(line.quantity_milli, by_weight=True)} x "
            f"{fmt.money(line.unit_price)}/kg", columns)
    elif line.quantity_milli != 1000:
        blocks += text_block(
            f"  {fmt.quantity(line.quantity_milli, by_weight=False)} x "
            f"{fmt.money(line.unit_price)}", columns)
    shown = line.discount if discount is None else discount
    if shown:
        blocks += row_block("  " + _("Discount"), fmt.money(-shown), columns)
    return blocks


def lines_blocks(lines: tuple[ReceiptLine, ...], columns: int, *,
                 discount: Callable[[ReceiptLine], int] | None = None) -> list[Block]:
    # The rate is only worth a column when the sale mixes rates (the IVA block sums them).
    show_rate = len({line.iva_rate for line in lines}) > 1
    blocks: list[Block] = []
    for line in lines:
        blocks += sale_line_blocks(line, columns, show_rate=show_rate,
                                   discount=None if discount is None else discount(line))
    return blocks


def pair_block(left: str, right: str, columns: int) -> list[Block]:
    """Two short facts on one line, or on two lines when the paper is too narrow."""
    if len(left) + 1 + len(right) <= columns:
        return [Row(left, right)]
    return [*text_block(left, columns), *text_block(right, columns)]


def shows_iva_contained(store: StoreInfo) -> bool:
    """Only a Responsable Inscripto's tickets show IVA: a monotributista or exento seller
    charges none (their Factura C discriminates nothing)."""
    return store.iva_condition in ("Responsable Inscripto", "IVA Responsable Inscripto")


def iva_blocks(iva: Iterable[tuple[str, int]], columns: int) -> list[Block]:
    taxed = [(rate, tax) for rate, tax in iva if tax]
    if not taxed:
        return []
    blocks: list[Block] = [Separator(), *text_block(TRANSPARENCY, columns)]
    for rate, tax in taxed:
        blocks += row_block(f"IVA contenido {fmt.iva_rate(rate)}", fmt.money(tax), columns)
    if len(taxed) > 1:
        blocks += row_block("IVA contenido total", fmt.money(sum(t for _rate, t in taxed)), columns)
    return blocks


# -- fiscal comprobantes (ARCA) -----------------------------------------------------------------
def seller_blocks(store: StoreInfo, fiscal: FiscalReceipt, columns: int) -> list[Block]:
    """The seller as RG 1415 asks: legal name, address, CUIT, IIBB, IVA condition, start
    of activities (and the shop's own name and header lines)."""
    seller = fiscal.seller
    blocks: list[Block] = []
    if store.logo_path:
        blocks.append(Logo(store.logo_path))
    blocks += text_block(store.name or seller.legal_name, columns, align=Align.CENTER,
                         bold=True, double=True)
    if seller.legal_name and seller.legal_name != store.name:
        blocks += text_block(seller.legal_name, columns, align=Align.CENTER)
    if seller.address:
        blocks += text_block(seller.address, columns, align=Align.CENTER)
    blocks += text_block(f"CUIT {seller.cuit}", columns, align=Align.CENTER)
    if seller.iibb:
        blocks += text_block(f"Ingresos Brutos {seller.iibb}", columns, align=Align.CENTER)
    blocks += text_block(seller.iva_condition, columns, align=Align.CENTER)
    if seller.activities_start is not None:
        blocks += text_block("Inicio de actividades "
                             f"{seller.activities_start.strftime('%d/%m/%Y')}", columns,
                             align=Align.CENTER)
    for line in store.header_lines:
        blocks += text_block(line, columns, align=Align.CENTER)
    return blocks


def letter_box(fiscal: FiscalReceipt, columns: int) -> list[Block]:
    """The comprobante's letter and code between two rules: FACTURA B — Cód. 006. (Rules,
    not drawn box sides: every renderer draws a rule across the paper, while characters
    built into a box only line up in a fixed-width font.)"""
    return [Separator("="),
            *text_block(fiscal.name, columns, align=Align.CENTER, bold=True, double=True),
            *text_block(f"Cód. {fiscal.code}", columns, align=Align.CENTER, bold=True),
            Separator("=")]


def comprobante_blocks(fiscal: FiscalReceipt, columns: int) -> list[Block]:
    blocks = letter_box(fiscal, columns)
    blocks += pair_block(f"Nro. {fiscal.printed_number}",
                         f"Fecha {fiscal.day.strftime('%d/%m/%Y')}", columns)
    if fiscal.associated:
        blocks += text_block(f"Anula: {fiscal.associated}", columns)
    return blocks


def buyer_blocks(fiscal: FiscalReceipt, columns: int) -> list[Block]:
    if not fiscal.buyer_document:
        return text_block("A consumidor final", columns)
    blocks = text_block(f"Cliente: {fiscal.buyer_name}", columns)
    blocks += text_block(fiscal.buyer_document, columns)
    blocks += text_block(CONDITION_NAMES.get(fiscal.buyer_condition, ""), columns)
    return blocks


def fiscal_amount_blocks(fiscal: FiscalReceipt, columns: int) -> list[Block]:
    """A: net and IVA apart. B: the Ley 27.743 block. C: nothing (no IVA discriminated)."""
    if fiscal.discriminates_iva:
        blocks: list[Block] = [Separator()]
        blocks += row_block("Importe neto gravado", fmt.money(fiscal.net), columns)
        for iva_id, _base, amount in fiscal.iva:
            blocks += row_block(f"IVA {IVA_NAMES[iva_id]}", fmt.money(amount), columns)
        if fiscal.exempt:
            blocks += row_block("Importe exento", fmt.money(fiscal.exempt), columns)
        if fiscal.untaxed:
            blocks += row_block("Importe no gravado", fmt.money(fiscal.untaxed), columns)
        if fiscal.internal_taxes:
            blocks += row_block("Impuestos internos", fmt.money(fiscal.internal_taxes), columns)
        if fiscal.other_taxes:
            blocks += row_block("Otros tributos", fmt.money(fiscal.other_taxes), columns)
        return blocks
    if fiscal.consumer_transparency:
        return [Separator(), *text_block(TRANSPARENCY, columns),
                *row_block("IVA contenido", fmt.money(fiscal.iva_total), columns),
                *row_block("Otros impuestos nacionales indirectos",
                           fmt.money(fiscal.internal_taxes + fiscal.other_taxes), columns)]
    return []


# Under the QR: a CAE is ARCA's authorization of this very comprobante; a CAEA is a code
# ARCA granted for the fortnight, and the comprobante is informed to ARCA afterwards, so
# its ticket must not claim ARCA authorized it.
AUTHORIZATION_FOOTERS = {"CAE": "Comprobante autorizado por ARCA",
                         "CAEA": "Comprobante emitido con CAEA"}


def authorization_blocks(fiscal: FiscalReceipt, columns: int) -> list[Block]:
    kind = fiscal.authorization_kind
    return [*pair_block(f"{kind}: {fiscal.authorization_code}",
                        f"Vto. {fiscal.authorization_due.strftime('%d/%m/%Y')}", columns),
            Feed(), QrCode(fiscal.qr),
            *text_block(AUTHORIZATION_FOOTERS[kind], columns, align=Align.CENTER)]


def code_blocks(data: str, code: CodeKind, columns: int) -> list[Block]:
    # The number is printed as text under the code by us, not by the printer's HRI, so it
    # looks the same on every profile, in the PDF and in the preview.
    if code == "barcode":
        return [Feed(), Barcode(data), Text(data, Align.CENTER)]
    if code == "qr":
        return [Feed(), QrCode(data), Text(data, Align.CENTER)]
    return []


def closing_blocks(store: StoreInfo, columns: int, code_data: str, code: CodeKind,
                   fiscal: FiscalReceipt | None = None, *, footer: bool = True
                   ) -> list[Block]:
    blocks: list[Block] = [Separator()]
    for line in store.footer_lines if footer else ():
        blocks += text_block(line, columns, align=Align.CENTER)
    if fiscal is None:  # training: no comprobante was issued
        blocks += text_block(NOT_AN_INVOICE, columns, align=Align.CENTER)
    else:
        blocks += authorization_blocks(fiscal, columns)
        if code == "qr":  # one QR is ARCA's: the refund lookup code stays a barcode
            code = "barcode"
    blocks += code_blocks(code_data, code, columns)
    blocks.append(Cut())
    return blocks


def header_blocks(store: StoreInfo, fiscal: FiscalReceipt | None, columns: int
                  ) -> list[Block]:
    if fiscal is None:
        return [*store_block(store, columns), Separator()]
    return [*seller_blocks(store, fiscal, columns), Separator(),
            *comprobante_blocks(fiscal, columns), Separator()]


def ticket_label(ticket: str) -> str:
    return _("Ticket {ticket}").format(ticket=ticket)


def served_by(cashier: str, columns: int) -> list[Block]:
    return text_block(_("Served by: {name}").format(name=cashier), columns)


def signature_line(label: str, columns: int) -> Text:
    """``Firma: ______`` to the paper's edge, whatever the label's length in its language."""
    return Text(f"{label} " + "_" * max(columns - len(label) - 1, 4))


def receipt_document(sale: ReceiptSale, store: StoreInfo, columns: int, *,
                     code: CodeKind = "barcode", reprint: bool = False,
                     fiscal: FiscalReceipt | None = None) -> Document:
    """The customer's ticket for a completed sale: its comprobante when ``fiscal``."""
    blocks: list[Block] = [DrawerKick()] if sale.paid_in_cash and not reprint else []
    blocks += header_blocks(store, fiscal, columns)
    if reprint:
        blocks += text_block(_("*** REPRINT ***"), columns, align=Align.CENTER, bold=True)
    blocks += pair_block(ticket_label(sale.ticket), fmt.date_time(sale.completed_at), columns)
    if sale.cashier:
        blocks += served_by(sale.cashier, columns)
    if fiscal is not None:
        blocks += buyer_blocks(fiscal, columns)
    blocks.append(Separator())
    blocks += lines_blocks(sale.lines, columns, discount=sale.shown_discount)
    blocks.append(Separator())
    line_discounts = sale.item_discounts
    if line_discounts or sale.ticket_discount or sale.rounding:
        gross = sum(line.gross_amount for line in sale.lines)
        blocks += row_block(_("Subtotal"), fmt.money(gross), columns)
        if line_discounts:
            blocks += row_block(_("Item discounts"), fmt.money(-line_discounts), columns)
        if sale.ticket_discount:
            blocks += row_block(_("Discount"), fmt.money(-sale.ticket_discount), columns)
        if sale.rounding:
            blocks += row_block(_("Cash rounding"), fmt.money(-sale.rounding), columns)
    blocks += row_block(_("TOTAL"), fmt.money(sale.total), columns, bold=True, double=True)
    if fiscal is not None:
        blocks += fiscal_amount_blocks(fiscal, columns)
    elif shows_iva_contained(store):
        blocks += iva_blocks(((i.rate, i.tax) for i in sale.iva), columns)
    if sale.tenders:
        blocks.append(Separator())
        for tender in sale.tenders:
            blocks += row_block(fmt.tender(tender.kind), fmt.money(tender.amount), columns)
            if tender.reference:
                blocks += text_block(
                    "  " + _("Ref.: {reference}").format(reference=tender.reference), columns)
        if sale.change:
            blocks += row_block(_("Your change"), fmt.money(sale.change), columns, bold=True)
    blocks += closing_blocks(store, columns, sale.ticket, code, fiscal)
    title = ticket_label(sale.ticket) if fiscal is None else \
        f"{fiscal.name.title()} {fiscal.printed_number}"
    return Document(columns, tuple(blocks), title=title)


def refund_document(refund: ReceiptRefund, store: StoreInfo, columns: int, *,
                    code: CodeKind = "barcode", fiscal: FiscalReceipt | None = None
                    ) -> Document:
    """The slip for a refund: what came back, why, who authorised it, and a signature
    line; with ``fiscal``, its Nota de Crédito."""
    blocks: list[Block] = [DrawerKick()] if refund.paid_in_cash else []
    blocks += header_blocks(store, fiscal, columns)
    blocks += text_block(_("REFUND"), columns, align=Align.CENTER, bold=True, double=True)
    original = _("Original ticket {ticket}").format(ticket=refund.original_ticket)
    if refund.ticket:
        blocks += pair_block(_("Refund slip {ticket}").format(ticket=refund.ticket),
                             fmt.date_time(refund.completed_at), columns)
        blocks += text_block(original, columns)
    else:
        blocks += pair_block(original, fmt.date_time(refund.completed_at), columns)
    if refund.cashier:
        blocks += served_by(refund.cashier, columns)
    if refund.authorized_by:
        blocks += text_block(_("Authorized by: {name}").format(name=refund.authorized_by),
                             columns)
    if refund.reason:
        blocks += text_block(_("Reason: {reason}").format(reason=refund.reason), columns)
    blocks.append(Separator())
    blocks += lines_blocks(refund.lines, columns)
    blocks.append(Separator())
    blocks += row_block(_("TOTAL REFUNDED"), fmt.money(refund.total), columns, bold=True,
                        double=True)
    if fiscal is not None:
        blocks += fiscal_amount_blocks(fiscal, columns)
    elif shows_iva_contained(store):
        blocks += iva_blocks(((i.rate, i.tax) for i in refund.iva), columns)
    if refund.tenders:
        blocks.append(Separator())
        for tender in refund.tenders:
            blocks += row_block(
                _("Refunded in {tender}").format(tender=fmt.tender(tender.kind).lower()),
                fmt.money(tender.amount), columns)
    blocks += [Feed(2), signature_line(_("Signature:"), columns), Feed(),
               signature_line(_("Name in print:"), columns)]
    # The slip's code carries a "D" so scanning it can never be taken for the sale ticket
    # with the same number (refunds are numbered apart from sales).
    slip = f"{REFUND_CODE_PREFIX}{refund.ticket}" if refund.ticket else refund.original_ticket
    # No footer: the shop's words to a buyer ("¡Gracias por su compra!") read wrong on
    # the slip of money given back.
    blocks += closing_blocks(store, columns, slip, code, fiscal, footer=False)
    return Document(columns, tuple(blocks),
                    title=_("Refund {ticket}").format(ticket=refund.original_ticket))


REFUND_CODE_PREFIX = "D"


def report_document(report: Report, store: StoreInfo, columns: int) -> Document:
    """A shift report (X/Z) or any list of labelled values, on the receipt paper."""
    blocks: list[Block] = [*text_block(store.name, columns, align=Align.CENTER, bold=True)]
    if store.cuit:
        blocks += text_block(f"CUIT {store.cuit}", columns, align=Align.CENTER)
    blocks.append(Separator())
    blocks += text_block(report.title, columns, align=Align.CENTER, bold=True, double=True)
    if report.subtitle:
        blocks += text_block(report.subtitle, columns, align=Align.CENTER)
    if report.generated_at is not None:
        blocks += text_block(fmt.date_time(report.generated_at), columns, align=Align.CENTER)
    blocks.append(Separator())
    for row in report.rows:
        if row.separator:
            blocks.append(Separator())
        elif row.value:
            blocks += row_block(row.label, row.value, columns, bold=row.bold)
        else:
            blocks += text_block(row.label, columns, bold=row.bold)
    blocks += [Separator(), Cut()]
    return Document(columns, tuple(blocks), title=report.title)
