"""The X and Z as data (the figures and the Z's local extras; the ``shift.closed`` payload
is built in ``pos_desktop.store.wire``) and as documents: rows for the receipt printer
(the printers' generic report job) and an A4 PDF.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pos_common.i18n import _, format_minus, format_money
from pos_common.labels import rate_label as rate_label
from pos_common.labels import tender_label
from pos_desktop.domain.denominations import count_total, denomination_label
from pos_desktop.domain.money import CURRENCY
from pos_desktop.domain.shift import ShiftFigures
from pos_desktop.services.clock import local_now


def store_heading(settings: Any) -> dict[str, str]:
    """The shop's name and CUIT (from the settings), kept with a Z so its page says whose
    it is even after the shop is renamed."""
    return {"store_name": str(settings.get("store.name", "") or ""),
            "store_cuit": str(settings.get("store.cuit", "") or "")}


def _iva_rows(rows: Any) -> list[dict[str, Any]]:
    return [{"rate": r.rate, "gross": r.gross, "net": r.net, "tax": r.tax} for r in rows]


def figures_dict(figures: ShiftFigures) -> dict[str, Any]:
    """Everything on an X (JSON-able), including what the wire payload has no room for."""
    data = asdict(figures)
    data["opened_by"] = figures.opened_by.as_dict()
    data["sales_by_iva"] = _iva_rows(figures.sales_by_iva)
    data["refunds_by_iva"] = _iva_rows(figures.refunds_by_iva)
    data["expected_cash"] = figures.expected_cash
    data["currency"] = CURRENCY
    return data


def _row(label: str, value: str = "", bold: bool = False) -> dict[str, Any]:
    return {"label": label, "value": value, "bold": bold}


SEP: dict[str, Any] = {"separator": True}


def report_document(report: Mapping[str, Any], *, x: bool = False) -> dict[str, Any]:
    """The printers' generic report job (``pos_printers.model.Report``) for an X or a Z.

    ``report`` is ``figures_dict`` for an X, or the stored Z (payload + ``local``).
    """
    m = format_money
    # Outside the f-strings below: pybabel extracts no _() written inside one.
    gross, net, iva = _("gross"), _("net"), _("IVA")
    local = report if x else report["local"]
    rows: list[dict[str, Any]] = [
        _row(_("Shift opened"), str(local["opened_at"])[:16].replace("T", " ")),
        _row(_("Opened by"), local["opened_by"]["name"]),
    ]
    if not x:
        rows += [_row(_("Closed by"), report["closed_by"]["name"])]
        if local.get("approved_by"):
            rows.append(_row(_("Approved by"), local["approved_by"]["name"]))
    rows += [SEP, _row(_("Sales"), m(local["sales"]), True),
             _row(_("Tickets"), str(local["sales_count"])),
             _row(_("First ticket"), local["first_ticket"] or "—"),
             _row(_("Last ticket"), local["last_ticket"] or "—"),
             _row(_("Discounts given"), m(local["discounts"])),
             _row(_("Cash rounding"), m(local.get("rounding", 0))),
             _row(_("Refunds"), f"{local['refunds_count']}  {m(local['refunds'])}"),
             _row(_("Voided sales"), str(local["voided_sales"])),
             _row(_("Voided lines"), str(local["voided_lines"])),
             _row(_("Supervisor overrides"), str(local["overrides"])),
             SEP, _row(_("By tender"), bold=True)]
    for t in local["by_tender"]:
        rows.append(_row(tender_label(t["kind"]), m(t["sales"])))
        if t["refunds"]:
            rows.append(_row("  " + _("refunded"), format_minus(t["refunds"])))
    rows += [SEP, _row(_("IVA on sales"), bold=True)]
    for r in local["sales_by_iva"]:
        rows.append(_row(f"{rate_label(r['rate'])} {gross}", m(r["gross"])))
        rows.append(_row(f"  {net} / {iva}", f"{m(r['net'])} / {m(r['tax'])}"))
    if local["refunds_by_iva"]:
        rows += [_row(_("IVA on refunds"), bold=True)]
        for r in local["refunds_by_iva"]:
            rows.append(_row(f"{rate_label(r['rate'])} {gross}",
                             format_minus(r["gross"])))
    rows += [SEP, _row(_("By cashier"), bold=True)]
    for c in local["by_cashier"]:
        rows.append(_row(f"{c['name']} ({c['sales_count']})", m(c["sales"])))
        if c["refunds_count"]:
            rows.append(_row("  " + _("refunds") + f" ({c['refunds_count']})",
                             format_minus(c["refunds"])))
    rows += [SEP, _row(_("Cash drawer"), bold=True),
             _row(_("Float"), m(local["float"])),
             _row(_("Cash sales"), m(_cash(local)["sales"])),
             _row(_("Cash refunds"), format_minus(_cash(local)["refunds"])),
             _row(_("Cash in"), m(local["cash_in"])),
             _row(_("Cash out"), format_minus(local["cash_out"])),
             _row(_("Expected cash"), m(local["expected_cash"]), True)]
    if not x:
        over = report["over_short"]
        label = _("Over") if over > 0 else _("Short") if over < 0 else _("Even")
        rows += [_row(_("Counted cash"), m(report["counted_cash"]), True)]
        rows += _count_rows(local.get("counts") or {})
        rows += [_row(label, m(over), True)]
        if local.get("reason"):
            rows.append(_row(_("Reason") + ": " + local["reason"]))
        rows += [SEP, _row(_("Journal head") + f" #{report['journal']['seq']}"),
                 _row(report["journal"]["hash"][:32]), _row(report["journal"]["hash"][32:])]
    if x and report.get("fiscal_notes"):  # what ARCA's side asks the manager to see to
        rows += [SEP, _row(_("ARCA"), bold=True)]
        rows += [_row(note) for note in report["fiscal_notes"]]
    title = _("X report (no reset)") if x else _("Z close no. {n}").format(
        n=f"{report['z_number']:06d}")
    subtitle = (_("Terminal {terminal}").format(terminal=local.get("terminal_id", ""))
                if not x else "")
    return {"title": title, "subtitle": subtitle,
            "generated_at": local_now() if x else report["closed_at"], "rows": rows}


def _count_rows(counts: Mapping[str, int]) -> list[dict[str, Any]]:
    """The drawer count piece by piece: what the manager signs for."""
    return [_row(f"  {denomination_label(code)} × {pieces}",
                 format_money(count_total({code: pieces}))) for code, pieces in counts.items()]


def _cash(local: Mapping[str, Any]) -> dict[str, Any]:
    return next((t for t in local["by_tender"] if t["kind"] == "cash"),
                {"kind": "cash", "sales": 0, "refunds": 0})


def render_pdf(report: dict[str, Any], *, x: bool = False) -> bytes:
    """The X or Z on an A4 page (DejaVu fonts embedded, so accents always render)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from pos_printers.pdf import BOLD, REGULAR, register_fonts

    register_fonts()
    doc_data = report_document(report, x=x)
    base = ParagraphStyle("base", fontName=REGULAR, fontSize=10, leading=13)
    title = ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=16, leading=20)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                            topMargin=18 * mm, bottomMargin=18 * mm, title=doc_data["title"],
                            author="Super POS", invariant=True)
    local = report if x else report.get("local", {})
    story: list[Any] = []
    if local.get("store_name"):  # whose report it is, as on the printed one
        story.append(Paragraph(_esc(local["store_name"]), title))
    if local.get("store_cuit"):
        story.append(Paragraph(_esc(_("CUIT {cuit}").format(cuit=local["store_cuit"])), base))
    story.append(Paragraph(_esc(doc_data["title"]), title))
    if doc_data["subtitle"]:
        story.append(Paragraph(_esc(doc_data["subtitle"]), base))
    story.append(Paragraph(_esc(str(doc_data["generated_at"])[:19].replace("T", " ")), base))
    story.append(Spacer(1, 6 * mm))
    data: list[list[str]] = []
    style: list[tuple[Any, ...]] = [("FONTNAME", (0, 0), (-1, -1), REGULAR),
                                    ("FONTSIZE", (0, 0), (-1, -1), 10),
                                    ("ALIGN", (1, 0), (1, -1), "RIGHT")]
    for i, row in enumerate(doc_data["rows"]):
        if row.get("separator"):
            data.append(["", ""])
            style.append(("LINEBELOW", (0, i), (-1, i), 0.5, colors.grey))
            continue
        data.append([row["label"], row["value"]])
        if row.get("bold"):
            style.append(("FONTNAME", (0, i), (-1, i), BOLD))
    table = Table(data, colWidths=[110 * mm, 60 * mm])
    table.setStyle(TableStyle(style))
    story.append(table)
    doc.build(story)
    return buffer.getvalue()


def write_pdf(report: dict[str, Any], target: Path, *, x: bool = False) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".pdf.tmp")
    tmp.write_bytes(render_pdf(report, x=x))
    tmp.replace(target)  # never leave half a PDF where the manager looks for it
    return target


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
