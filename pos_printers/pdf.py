"""PDF output with reportlab: the 80 mm receipt (same ``Document`` as the printer) and an
A4 invoice-style sheet of a sale.

Fonts are the DejaVu TTFs shipped in ``pos_common/fonts`` and embedded (subset) in every
PDF, so Spanish text (ñ, á, ¿, €) renders and extracts the same on any machine, whatever
fonts it has installed.
"""

from __future__ import annotations

import io
from functools import lru_cache

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode import code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from pos_common import FONTS_DIR
from pos_common.i18n import _
from pos_printers import formatting as fmt
from pos_printers import raster
from pos_printers.document import (
    Align,
    Barcode,
    Block,
    Document,
    Feed,
    Logo,
    QrCode,
    Row,
    Separator,
    Text,
)
from pos_printers.layout import NOT_AN_INVOICE, TRANSPARENCY
from pos_printers.model import ReceiptSale, StoreInfo

REGULAR = "PosDejaVuSans"
BOLD = "PosDejaVuSans-Bold"
MM = float(mm)
RECEIPT_WIDTH = 80 * MM
RECEIPT_MARGIN = 4 * MM
CODE_HEIGHT = 14 * MM
QR_SIZE = 26 * MM
LOGO_MAX_HEIGHT = 25 * MM


@lru_cache(maxsize=1)
def register_fonts() -> None:
    """Register the bundled TTFs once per process (parsing them is the slow part)."""
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD)


# --- 80 mm receipt --------------------------------------------------------------------


def _font_size(columns: int) -> float:
    # DejaVu Sans averages ~0.55 em per character of receipt text; keep the widest
    # line of the paper inside the printable width.
    return min(9.0, float((RECEIPT_WIDTH - 2 * RECEIPT_MARGIN) / (columns * 0.55)))


def _block_height(block: Block, size: float, logo_height: float) -> float:
    line = size * 1.35
    if isinstance(block, Text | Row):
        return float(line * (1.7 if block.double else 1.0))
    if isinstance(block, Separator):
        return float(line * 0.8)
    if isinstance(block, Feed):
        return float(line * block.lines)
    if isinstance(block, Barcode):
        return CODE_HEIGHT + 2
    if isinstance(block, QrCode):
        return QR_SIZE
    if isinstance(block, Logo):
        return logo_height
    return 0.0


def _logo_size(path: str) -> tuple[ImageReader, float, float] | None:
    image = raster.load_logo(path, 10_000)  # validated the same way as for the printer
    if image is None:
        return None
    width = min(RECEIPT_WIDTH - 2 * RECEIPT_MARGIN, image.width * 0.35)
    height = width * image.height / image.width
    if height > LOGO_MAX_HEIGHT:
        width, height = width * LOGO_MAX_HEIGHT / height, LOGO_MAX_HEIGHT
    return ImageReader(path), width, height


def receipt_pdf(document: Document) -> bytes:
    """The receipt on an 80 mm wide page as tall as the ticket."""
    register_fonts()
    size = _font_size(document.columns)
    logos = {b.path: _logo_size(b.path) for b in document.blocks if isinstance(b, Logo)}
    logo_height = max((v[2] for v in logos.values() if v), default=0.0)
    height = sum(_block_height(b, size, logo_height) for b in document.blocks) \
        + 2 * RECEIPT_MARGIN
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(RECEIPT_WIDTH, height), invariant=True,
                    pageCompression=1, initialFontName=REGULAR)
    canvas.setTitle(document.title)
    canvas.setAuthor("Super POS")
    left, right = RECEIPT_MARGIN, RECEIPT_WIDTH - RECEIPT_MARGIN
    y = height - RECEIPT_MARGIN
    for block in document.blocks:
        h = _block_height(block, size, logo_height)
        baseline = y - h + size * 0.35
        if isinstance(block, Text):
            font_size = size * (1.6 if block.double else 1.0)
            canvas.setFont(BOLD if block.bold else REGULAR, font_size)
            if block.align is Align.CENTER:
                canvas.drawCentredString(RECEIPT_WIDTH / 2, baseline, block.text.strip())
            elif block.align is Align.RIGHT:
                canvas.drawRightString(right, baseline, block.text)
            else:
                indent = len(block.text) - len(block.text.lstrip())
                canvas.drawString(left + indent * size * 0.5, baseline, block.text.lstrip())
        elif isinstance(block, Row):
            font_size = size * (1.6 if block.double else 1.0)
            canvas.setFont(BOLD if block.bold else REGULAR, font_size)
            indent = len(block.left) - len(block.left.lstrip())
            canvas.drawString(left + indent * size * 0.5, baseline, block.left.lstrip())
            canvas.drawRightString(right, baseline, block.right)
        elif isinstance(block, Separator):
            canvas.setDash(1, 2)
            canvas.setLineWidth(0.4)
            canvas.line(left, y - h / 2, right, y - h / 2)
            canvas.setDash()
        elif isinstance(block, Barcode):
            bars = code128.Code128(block.data, barHeight=CODE_HEIGHT, barWidth=0.28 * mm,
                                   humanReadable=False, quiet=False)
            bars.drawOn(canvas, (RECEIPT_WIDTH - bars.width) / 2, y - h)
        elif isinstance(block, QrCode):
            _draw_qr(canvas, block.data, (RECEIPT_WIDTH - QR_SIZE) / 2, y - h, QR_SIZE)
        elif isinstance(block, Logo) and logos.get(block.path):
            reader, width, logo_h = logos[block.path]  # type: ignore[misc]
            canvas.drawImage(reader, (RECEIPT_WIDTH - width) / 2, y - logo_h, width, logo_h,
                             mask="auto")
        y -= h
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    widget = QrCodeWidget(data, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)


# --- A4 invoice-style sheet -----------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=REGULAR, fontSize=9.5, leading=12)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10,
                                textColor=colors.HexColor("#444444")),
        "store": ParagraphStyle("store", parent=base, fontName=BOLD, fontSize=16, leading=20),
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=13, leading=16,
                                alignment=2),
        "right": ParagraphStyle("right", parent=base, alignment=2),
        "center": ParagraphStyle("center", parent=base, alignment=1),
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def invoice_pdf(sale: ReceiptSale, store: StoreInfo) -> bytes:
    """An A4 sheet of the sale for the customer's records (not a fiscal invoice)."""
    register_fonts()
    st = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=16 * mm,
                            title=_("Sale {ticket}").format(ticket=sale.ticket), author=store.name,
                            invariant=True, initialFontName=REGULAR)
    store_lines = [f"CUIT {store.cuit}", store.address, f"IVA {store.iva_condition}",
                   *store.header_lines]
    left = [Paragraph(_escape(store.name), st["store"])] + [
        Paragraph(_escape(x), st["small"]) for x in store_lines if x]
    right = [Paragraph(_escape(_("Sale receipt")), st["title"]),
             Paragraph(_escape(_("Ticket {ticket}")).format(ticket=f"<b>{sale.ticket}</b>"),
                       st["right"]),
             Paragraph(fmt.date_time(sale.completed_at), st["right"]),
             Paragraph(_escape(_("Served by: {name}").format(name=sale.cashier)), st["right"])]
    header = Table([[left, right]], colWidths=[100 * mm, 74 * mm])
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("FONT", (0, 0), (-1, -1), REGULAR, 9.5),
                                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black)]))
    story: list[object] = [header, Spacer(1, 6 * mm), _lines_table(sale, st),
                           Spacer(1, 4 * mm), _totals_table(sale, st), Spacer(1, 6 * mm)]
    story += _iva_section(sale, st)
    story += [Spacer(1, 4 * mm), _tenders_table(sale, st), Spacer(1, 8 * mm)]
    story += [Paragraph(_escape(x), st["center"]) for x in store.footer_lines]
    story.append(Paragraph(NOT_AN_INVOICE, st["center"]))
    story.append(Spacer(1, 4 * mm))
    story.append(_BarcodeFlowable(sale.ticket))
    doc.build(story)
    return buffer.getvalue()


def _lines_table(sale: ReceiptSale, st: dict[str, ParagraphStyle]) -> Table:
    rows: list[list[object]] = [[_("Qty"), _("Description"), _("Unit price"), "IVA",
                                 _("Amount")]]
    for line in sale.lines:
        unit = fmt.money(line.unit_price) + ("/kg" if line.sold_by_weight else "")
        rows.append([fmt.quantity(line.quantity_milli, by_weight=line.sold_by_weight),
                     Paragraph(_escape(line.description), st["base"]), unit,
                     fmt.iva_rate(line.iva_rate),
                     fmt.money(line.gross_amount)])
        if sale.shown_discount(line):
            rows.append(["", Paragraph(_escape(_("Discount")), st["small"]), "", "",
                         fmt.money(-sale.shown_discount(line))])
    table = Table(rows, colWidths=[20 * mm, 82 * mm, 28 * mm, 14 * mm, 30 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), REGULAR, 9.5),
        ("FONT", (0, 0), (-1, 0), BOLD, 9.5),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
        ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
        ("ALIGN", (0, 0), (0, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f3f3f3")]),
    ]))
    return table


def _totals_table(sale: ReceiptSale, st: dict[str, ParagraphStyle]) -> Table:
    rows: list[list[str]] = []
    line_discounts = sale.item_discounts
    if line_discounts or sale.ticket_discount or sale.rounding:
        rows.append([_("Subtotal"), fmt.money(sum(line.gross_amount for line in sale.lines))])
        if line_discounts:
            rows.append([_("Item discounts"), fmt.money(-line_discounts)])
        if sale.ticket_discount:
            rows.append([_("Discount"), fmt.money(-sale.ticket_discount)])
        if sale.rounding:
            rows.append([_("Cash rounding"), fmt.money(-sale.rounding)])
    rows.append([_("TOTAL"), fmt.money(sale.total)])
    table = Table(rows, colWidths=[50 * mm, 34 * mm], hAlign="RIGHT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), REGULAR, 10),
        ("FONT", (0, -1), (-1, -1), BOLD, 13),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
        ("TOPPADDING", (0, -1), (-1, -1), 5),
    ]))
    return table


def _iva_section(sale: ReceiptSale, st: dict[str, ParagraphStyle]) -> list[object]:
    taxed = [i for i in sale.iva if i.tax]
    if not taxed:
        return []
    # Ley 27.743's block, its table included: Spanish on every till (layout.py says why).
    rows = [["Alícuota", "Neto", "IVA contenido", "Total"]] + [
        [fmt.iva_rate(i.rate), fmt.money(i.net), fmt.money(i.tax), fmt.money(i.gross)]
        for i in sale.iva]
    table = Table(rows, colWidths=[24 * mm, 34 * mm, 34 * mm, 34 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), REGULAR, 9),
        ("FONT", (0, 0), (-1, 0), BOLD, 9),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
    ]))
    return [Paragraph(TRANSPARENCY, st["small"]), Spacer(1, 1.5 * mm), table]


def _tenders_table(sale: ReceiptSale, st: dict[str, ParagraphStyle]) -> Table:
    rows: list[list[str]] = [[_("Payment"), _("Amount")]]
    for tender in sale.tenders:
        label = fmt.tender(tender.kind)
        if tender.reference:
            label += " (" + _("ref. {reference}").format(reference=tender.reference) + ")"
        rows.append([label, fmt.money(tender.amount)])
    if sale.change:
        rows.append([_("Your change"), fmt.money(sale.change)])
    table = Table(rows, colWidths=[80 * mm, 34 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), REGULAR, 9.5),
        ("FONT", (0, 0), (-1, 0), BOLD, 9.5),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
    ]))
    return table


class _BarcodeFlowable(code128.Code128):  # type: ignore[misc]
    """The ticket number as CODE128 under the sheet, for the refund scanner."""

    def __init__(self, data: str) -> None:
        super().__init__(data, barHeight=12 * mm, barWidth=0.33 * mm, humanReadable=True,
                         fontName=REGULAR, fontSize=8)
        self.hAlign = "CENTER"
