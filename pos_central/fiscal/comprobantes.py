"""CAEA comprobantes as the ingest applied them, and as FECAEARegInformativo takes them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import psycopg

from pos_arca import Comprobante, ComprobanteAsociado
from pos_arca.amounts import amount_fields, buyer_fields


@dataclass(frozen=True)
class CaeaDocument:
    document_kind: str  # sale | refund
    document_id: str
    cuit: str
    caea: str
    point_of_sale: int
    cbte_tipo: int
    number: int
    cbte_fch: date
    issued_at: datetime  # CbteFchHsGen: when the till issued it
    buyer: Mapping[str, Any]
    amounts: Mapping[str, Any]
    associated: Mapping[str, Any] | None
    associated_day: date | None
    store_id: str
    terminal_id: str
    event_id: str
    seq: int
    state: str | None  # None (never sent), sending, informed, rejected

    @property
    def label(self) -> str:
        return f"{self.point_of_sale:05d}-{self.number:08d} (tipo {self.cbte_tipo})"


PENDING = """
SELECT a.document_kind, a.document_id::text, d.seller_cuit, a.authorization_code,
    a.point_of_sale, a.cbte_tipo, a.number, a.cbte_fch, a.issued_at, a.buyer, d.amounts,
    a.associated, o.cbte_fch, a.store_id, a.terminal_id, a.event_id::text, e.seq, r.state
FROM fiscal_authorizations a
JOIN fiscal_documents d USING (document_kind, document_id)
JOIN processed_events e ON e.event_id = a.event_id
LEFT JOIN caea_reports r USING (document_kind, document_id)
LEFT JOIN fiscal_authorizations o ON o.document_kind = 'sale'
    AND o.document_id = (a.associated->>'sale_id')::uuid
WHERE a.authorization_kind = 'CAEA' AND d.seller_cuit = %s
    AND r.state IS DISTINCT FROM 'informed'
ORDER BY a.point_of_sale, a.cbte_tipo, a.number
"""


def pending_documents(db: psycopg.Connection[Any], cuit: str) -> list[CaeaDocument]:
    """The CUIT's CAEA comprobantes ARCA has not taken yet, in (point of sale, type,
    number) order."""
    return [CaeaDocument(*row) for row in db.execute(PENDING, (cuit,))]


def comprobante(doc: CaeaDocument) -> Comprobante:
    """The request for ``doc``, from the fiscal block the till sent (ARCA's amounts)."""
    original = doc.associated
    return Comprobante(
        point_of_sale=doc.point_of_sale, cbte_tipo=doc.cbte_tipo, number=doc.number,
        date=doc.cbte_fch, **amount_fields(doc.amounts), **buyer_fields(doc.buyer),
        asociados=() if original is None or original.get("number") is None else (
            ComprobanteAsociado(cbte_tipo=int(original["type"]),
                                point_of_sale=int(original["point_of_sale"]),
                                number=int(original["number"]), cuit=int(doc.cuit),
                                date=doc.associated_day),),
    )
