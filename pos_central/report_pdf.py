"""The daily report as an A4 PDF (reportlab), with an embedded TrueType font that has
every Spanish character (á, ñ, ¿, …). The font ships in ``pos_common/fonts``; the system's
DejaVu is the fallback."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from pos_central.conflicts import ALERT_NAMES, HELD_NAMES
from pos_central.report import RATE_NAMES, TENDER_NAMES, money
from pos_common import FONTS_DIR

FONT_DIRS = (
    FONTS_DIR,
    Path("/usr/share/fonts/truetype/dejavu"),
)
REGULAR, BOLD = "CentralDejaVuSans", "CentralDejaVuSans-Bold"


class FontMissing(RuntimeError):
    """No TrueType font with Spanish characters was found."""


@cache
def register_fonts() -> None:
    for directory in FONT_DIRS:
        regular, bold = directory / "DejaVuSans.ttf", directory / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont(REGULAR, str(regular)))
            pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
            pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD)
            return
    raise FontMissing(
        "No se encontró DejaVuSans.ttf (pos_common/fonts o /usr/share/fonts/truetype/dejavu)"
    )


def _table(rows: list[list[str]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), REGULAR, 8),
                ("FONT", (0, 0), (-1, 0), BOLD, 8),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _story(report: dict[str, Any]) -> list[Flowable]:
    title = ParagraphStyle("title", fontName=BOLD, fontSize=14, spaceAfter=4 * mm)
    heading = ParagraphStyle(
        "heading", fontName=BOLD, fontSize=10, spaceBefore=4 * mm, spaceAfter=2 * mm
    )
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=8, leading=10)
    totals = report["totals"]
    story: list[Flowable] = [
        Paragraph(
            f"Reporte {'mensual' if 'last_date' in report else 'diario'} del {report['date']} "
            f"— importes en {report['currency']}",
            title,
        ),
        Paragraph(
            f"Ventas: {totals['sales_count']} por {money(totals['sales_total'])} · "
            f"Devoluciones: {totals['refunds_count']} por {money(totals['refunds_total'])} · "
            f"Neto: {money(totals['net_sales'])} · Ingresos de caja: {money(totals['cash_in'])} · "
            f"Retiros de caja: {money(totals['cash_out'])} · "
            f"Redondeo efectivo: {money(totals['cash_rounding'])}",
            body,
        ),
        Paragraph("Por tienda y caja", heading),
    ]
    rows = [
        [
            "Tienda / caja",
            "Ventas",
            "Importe",
            "Devol.",
            "Importe",
            "Ingresos",
            "Retiros",
            "Seq",
            "Faltan",
            "Cortes",
        ]
    ]
    for store in report["stores"]:
        rows.append(
            [
                f"Tienda {store['store_id']}",
                str(store["sales_count"]),
                money(store["sales_total"]),
                str(store["refunds_count"]),
                money(store["refunds_total"]),
                money(store["cash_in"]),
                money(store["cash_out"]),
                "",
                "",
                "",
            ]
        )
        for t in store["terminals"]:
            gaps = ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in t["gaps"]) or "—"
            rows.append(
                [
                    f"   Caja {t['terminal_id']}",
                    str(t["sales_count"]),
                    money(t["sales_total"]),
                    str(t["refunds_count"]),
                    money(t["refunds_total"]),
                    money(t["cash_in"]),
                    money(t["cash_out"]),
                    f"{t['contiguous_seq']}/{t['max_seq']}",
                    gaps,
                    str(len(t["journal_breaks"])) if t["journal_breaks"] else "—",
                ]
            )
    widths_mm = (30, 13, 27, 13, 22, 20, 20, 14, 14, 13)  # 186 mm: A4 inside the margins
    story.append(_table(rows, [w * mm for w in widths_mm]))
    story.append(
        Paragraph(
            "Seq: último número de evento recibido sin huecos / mayor recibido. "
            "Faltan: números que la central todavía no recibió de esa caja. "
            "Cortes: entradas del diario de la caja cuyo hash anterior no coincide "
            "(detalle al final).",
            body,
        )
    )
    story.append(Paragraph("Por medio de pago (ventas netas de vuelto)", heading))
    tender_rows = [["Medio", "Ventas", "Devoluciones", "Neto"]]
    tender_rows += [
        [
            TENDER_NAMES.get(r["kind"], r["kind"]),
            money(r["sales"]),
            money(r["refunds"]),
            money(r["net"]),
        ]
        for r in totals["by_tender"]
    ]
    story.append(_table(tender_rows, [40 * mm, 40 * mm, 40 * mm, 40 * mm]))
    story.append(Paragraph("IVA por tasa", heading))
    iva_rows = [["Tasa", "Ventas bruto", "Neto", "IVA", "Devol. bruto", "IVA devol.", "IVA neto"]]
    iva_rows += [
        [
            RATE_NAMES.get(r["rate"], r["rate"]),
            money(r["sales_gross"]),
            money(r["sales_net"]),
            money(r["sales_tax"]),
            money(r["refunds_gross"]),
            money(r["refunds_tax"]),
            money(r["net_tax"]),
        ]
        for r in totals["iva"]
    ]
    story.append(_table(iva_rows, [18 * mm, 28 * mm, 28 * mm, 25 * mm, 25 * mm, 22 * mm, 24 * mm]))
    shifts = [
        (s["store_id"], t["terminal_id"], z)
        for s in report["stores"]
        for t in s["terminals"]
        for z in t["shifts"]
    ]
    if shifts:
        story.append(Paragraph("Cierres Z del día", heading))
        z_rows = [["Tienda", "Caja", "Z", "Esperado", "Contado", "Diferencia"]]
        z_rows += [
            [
                store,
                terminal,
                str(z["z_number"]),
                money(z["expected_cash"]),
                money(z["counted_cash"]),
                money(z["over_short"]),
            ]
            for store, terminal, z in shifts
        ]
        story.append(_table(z_rows, [25 * mm, 20 * mm, 15 * mm, 35 * mm, 35 * mm, 35 * mm]))
    breaks = [
        (s["store_id"], t["terminal_id"], b)
        for s in report["stores"]
        for t in s["terminals"]
        for b in t["journal_breaks"]
    ]
    if breaks:
        story.append(Paragraph("Cortes en la cadena del diario (revisar la caja)", heading))
        for store, terminal, b in breaks:
            story.append(
                Paragraph(
                    f"Tienda {store}, caja {terminal}, seq {b['seq']}: se esperaba "
                    f"{b['expected_prev_hash'][:16]}…, llegó {b['found_prev_hash'][:16]}…",
                    body,
                )
            )
    if report.get("alerts"):
        story.append(Paragraph("Alertas del día (pos-central report conflicts)", heading))
        for alert in report["alerts"]:
            story.append(
                Paragraph(
                    f"{ALERT_NAMES.get(alert['kind'], alert['kind'])} — tienda "
                    f"{alert['store_id']}, caja {alert['terminal_id']}, seq {alert['seq']}: "
                    f"{escape(alert['detail'])}",
                    body,
                )
            )
    for item in report.get("suspended", []):
        story.append(
            Paragraph(
                f"Caja {item['store_id']}/{item['terminal_id']} SUSPENDIDA: dos cajas usan esa "
                f"identidad; sus ventas quedan en cuarentena. {escape(item['detail'])}",
                body,
            )
        )
    if report.get("held"):
        story.append(Paragraph("En espera (no aplicados, no perdidos)", heading))
        for row in report["held"]:
            story.append(
                Paragraph(
                    f"Tienda {row['store_id']}, caja {row['terminal_id']}: {row['events']} "
                    f"eventos, {HELD_NAMES.get(row['reason'], row['reason'])}; ventas "
                    f"{money(row['sales_total'])}, devoluciones {money(row['refunds_total'])}",
                    body,
                )
            )
    return story


def write_pdf(report: dict[str, Any], path: Path) -> None:
    register_fonts()
    document = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"Reporte diario {report['date']}",
        author="Super POS central",
    )
    document.build(_story(report))
