"""The month's sales for the accountant: ARCA's "Libro IVA Digital — Ventas" import files.

Two fixed-width text files (Windows-1252, CRLF), as ARCA's *Anexo I — Diseños de
registro* lays them out (RG 4597): ``LIBRO_IVA_DIGITAL_VENTAS_CBTE`` (266 characters per
comprobante) and ``LIBRO_IVA_DIGITAL_VENTAS_ALICUOTAS`` (62 per IVA rate of each
comprobante). The layout was checked against public implementations of that annex (we
could not read ARCA's PDF from here): field order, widths and the 13+2 digit amounts
without a decimal point. ``--csv`` writes the same columns as CSV.

Only comprobantes ARCA authorized enter the book (their CbteFch in the month); a credit
note's amounts are positive like every other (its type says it subtracts). Impuestos
internos (Tributo 4) go to their own column; other tributos to "otros tributos".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pos_central.database import connect
from pos_central.ingest.apply import database_errors

INTERNAL_TAXES = 4
ENCODING = "cp1252"

_QUERY = """
SELECT a.cbte_fch, a.cbte_tipo, a.point_of_sale, a.number, a.buyer, d.total, d.untaxed,
    d.exempt, d.amounts, d.seller_cuit, d.seller_condition
FROM fiscal_authorizations a JOIN fiscal_documents d USING (document_kind, document_id)
WHERE a.cbte_fch >= %(first)s AND a.cbte_fch < %(after)s
    AND (%(cuit)s::text IS NULL OR d.seller_cuit = %(cuit)s)
ORDER BY a.cbte_fch, a.cbte_tipo, a.point_of_sale, a.number"""


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    width: int
    numeric: bool = True


CBTE_FIELDS = (
    Field("fecha", 8), Field("tipo", 3), Field("punto_de_venta", 5), Field("numero", 20),
    Field("numero_hasta", 20), Field("codigo_documento", 2),
    Field("numero_documento", 20, numeric=False), Field("comprador", 30, numeric=False),
    Field("importe_total", 15), Field("no_gravado", 15), Field("percepcion_no_categorizados", 15),
    Field("exento", 15), Field("percepciones_nacionales", 15), Field("percepciones_iibb", 15),
    Field("percepciones_municipales", 15), Field("impuestos_internos", 15),
    Field("moneda", 3, numeric=False), Field("tipo_de_cambio", 10),
    Field("cantidad_alicuotas", 1), Field("codigo_operacion", 1, numeric=False),
    Field("otros_tributos", 15), Field("vencimiento_pago", 8),
)
ALICUOTA_FIELDS = (
    Field("tipo", 3), Field("punto_de_venta", 5), Field("numero", 20),
    Field("neto_gravado", 15), Field("alicuota", 4), Field("impuesto", 15),
)
CBTE_WIDTH = sum(f.width for f in CBTE_FIELDS)  # 266
ALICUOTA_WIDTH = sum(f.width for f in ALICUOTA_FIELDS)  # 62


def _cell(field: Field, value: Any) -> str:
    text = str(value)
    if field.numeric:
        if not text.isdigit() or len(text) > field.width:
            raise ValueError(f"{field.name}: {value!r} does not fit {field.width} digits")
        return text.rjust(field.width, "0")
    text = text.encode(ENCODING, "replace").decode(ENCODING)[: field.width]
    return text.ljust(field.width) if field.name != "numero_documento" else text.rjust(
        field.width, "0")


def line(fields: Sequence[Field], values: dict[str, Any]) -> str:
    return "".join(_cell(f, values[f.name]) for f in fields)


def _operation(amounts: dict[str, Any], cbte_tipo: int) -> str:
    """Código de operación: blank when taxed; E all exento; N all no gravado."""
    if amounts["iva"]:
        return " "
    if amounts["untaxed"] and not amounts["exempt"]:
        return "N"
    return "E"


def records(rows: Iterable[tuple[Any, ...]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    cbtes: list[dict[str, Any]] = []
    alicuotas: list[dict[str, Any]] = []
    for (day, cbte_tipo, pos, number, buyer, total, untaxed, exempt, amounts, _cuit,
         _condition) in rows:
        internal = sum(t["amount"] for t in amounts["other_taxes"] if t["id"] == INTERNAL_TAXES)
        other = sum(t["amount"] for t in amounts["other_taxes"] if t["id"] != INTERNAL_TAXES)
        anonymous = buyer["doc_type"] == 99
        cbtes.append({
            "fecha": day.strftime("%Y%m%d"), "tipo": cbte_tipo, "punto_de_venta": pos,
            "numero": number, "numero_hasta": number, "codigo_documento": buyer["doc_type"],
            "numero_documento": buyer["doc_number"],
            "comprador": "CONSUMIDOR FINAL" if anonymous else buyer["name"],
            "importe_total": total, "no_gravado": untaxed,
            "percepcion_no_categorizados": 0, "exento": exempt,
            "percepciones_nacionales": 0, "percepciones_iibb": 0,
            "percepciones_municipales": 0, "impuestos_internos": internal, "moneda": "PES",
            "tipo_de_cambio": 1_000_000, "cantidad_alicuotas": len(amounts["iva"]),
            "codigo_operacion": _operation(amounts, cbte_tipo), "otros_tributos": other,
            "vencimiento_pago": "00000000",
        })
        for alicuota in amounts["iva"]:
            alicuotas.append({"tipo": cbte_tipo, "punto_de_venta": pos, "numero": number,
                              "neto_gravado": alicuota["base"], "alicuota": alicuota["id"],
                              "impuesto": alicuota["amount"]})
    return cbtes, alicuotas


def month_span(month: str) -> tuple[date, date]:
    first = date.fromisoformat(f"{month}-01")
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, after


def read_month(db_url: str, month: str, cuit: str | None = None
               ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    first, after = month_span(month)
    with database_errors(), connect(db_url) as db:
        rows = db.execute(_QUERY, {"first": first, "after": after, "cuit": cuit}).fetchall()
    return records(rows)


def fixed_width(fields: Sequence[Field], values: Sequence[dict[str, Any]]) -> bytes:
    text = "".join(line(fields, v) + "\r\n" for v in values)
    return text.encode(ENCODING)


def as_csv(fields: Sequence[Field], values: Sequence[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([f.name for f in fields])
    writer.writerows([[v[f.name] for f in fields] for v in values])
    return out.getvalue().encode("utf-8-sig")


def write_month(db_url: str, month: str, folder: Path, *, cuit: str | None = None,
                csv_format: bool = False) -> tuple[Path, Path, int]:
    """Write the month's two files into ``folder``; returns their paths and how many
    comprobantes they hold."""
    cbtes, alicuotas = read_month(db_url, month, cuit)
    folder.mkdir(parents=True, exist_ok=True)
    period = month.replace("-", "")
    ext, render = (".csv", as_csv) if csv_format else (".txt", fixed_width)
    paths = (folder / f"LIBRO_IVA_DIGITAL_VENTAS_CBTE_{period}{ext}",
             folder / f"LIBRO_IVA_DIGITAL_VENTAS_ALICUOTAS_{period}{ext}")
    paths[0].write_bytes(render(CBTE_FIELDS, cbtes))
    paths[1].write_bytes(render(ALICUOTA_FIELDS, alicuotas))
    return paths[0], paths[1], len(cbtes)
