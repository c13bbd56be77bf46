"""The fiscal block: a comprobante as it travels (``sale.completed`` v3, ``sale.refunded``
v2), is stored with its sale at the till, and is read back by the fiscal worker.

    {"type": 6, "point_of_sale": 1, "number": null, "cbte_fch": null, "issued_at": null,
     "seller": {"cuit": "30712345671", "iva_condition": "Responsable Inscripto"},
     "buyer": {"doc_type": 99, "doc_number": 0, "name": "", "iva_condition": 5},
     "amounts": {"net": 10000, "iva": [{"id": 5, "base": 10000, "amount": 2100}],
                 "exempt": 0, "untaxed": 0, "other_taxes": [], "total": 12100},
     "associated": null, "authorization": null}

``number``, ``cbte_fch``, ``issued_at`` and ``authorization`` are null while the
comprobante waits for ARCA (CAE); a CAEA comprobante (issue 12) carries them at once.
``associated`` is a credit note's original: the sale, and its comprobante's type, point of
sale and number (number null while the original itself waits). Amounts are centavos:
``total = untaxed + net + exempt + Σ other_taxes + Σ iva``, ARCA's ``ImpTotal``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from pos_desktop.domain.fiscal.amounts import AlicIva, ArcaAmounts, Tributo
from pos_desktop.domain.fiscal.authorization import Authorization, AuthorizationKind
from pos_desktop.domain.fiscal.buyer import Buyer
from pos_desktop.domain.fiscal.dates import argentine_date
from pos_desktop.domain.fiscal.kinds import ComprobanteType
from pos_desktop.domain.fiscal.numbering import PointOfSale
from pos_desktop.domain.fiscal.parties import DocumentType, IvaCondition, Seller, SellerCondition
from pos_desktop.domain.fiscal.pending import PendingComprobante
from pos_desktop.domain.tax import IvaRate

Block = dict[str, Any]
_RATE_BY_ID = {rate.arca_id: rate for rate in IvaRate if rate.arca_id is not None}


def amounts_block(amounts: ArcaAmounts) -> Block:
    return {
        "net": amounts.net,
        "iva": [{"id": a.arca_id, "base": a.base, "amount": a.amount} for a in amounts.alic_iva],
        "exempt": amounts.exempt,
        "untaxed": amounts.not_taxed,
        "other_taxes": [{"id": t.tributo_id, "description": t.description, "base": t.base,
                         "rate_bp": t.rate_bp, "amount": t.amount} for t in amounts.tributos],
        "total": amounts.total,
    }


def buyer_block(buyer: Buyer) -> Block:
    return {"doc_type": int(buyer.document_type), "doc_number": buyer.document_number,
            "name": buyer.name, "iva_condition": int(buyer.condition)}


def authorization_block(authorization: Authorization) -> Block:
    return {"kind": authorization.kind.value, "code": authorization.code,
            "due": authorization.due.isoformat()}


def fiscal_block(pending: PendingComprobante, *, associated: Block | None = None) -> Block:
    """The block of a comprobante waiting for its number and authorization."""
    return {
        "type": int(pending.kind),
        "point_of_sale": pending.point_of_sale.number,
        "number": None,
        "cbte_fch": None,
        "issued_at": None,
        "seller": {"cuit": pending.seller.cuit, "iva_condition": pending.seller.condition.value},
        "buyer": buyer_block(pending.buyer),
        "amounts": amounts_block(pending.amounts),
        "associated": associated,
        "authorization": None,
    }


def authorized_block(block: Mapping[str, Any], *, number: int, issued_at: str,
                     authorization: Authorization, buyer: Buyer | None = None,
                     kind: ComprobanteType | None = None,
                     associated: Block | None = None) -> Block:
    """``block`` with its number, date, moment and authorization (and the buyer and type
    when a rejection was corrected)."""
    moment = datetime.fromisoformat(issued_at)
    done = {**block, "number": number, "cbte_fch": argentine_date(moment).isoformat(),
            "issued_at": issued_at, "authorization": authorization_block(authorization)}
    if buyer is not None:
        done["buyer"] = buyer_block(buyer)
    if kind is not None:
        done["type"] = int(kind)
    if associated is not None:
        done["associated"] = associated
    return done


def read_amounts(raw: Mapping[str, Any], kind: ComprobanteType) -> ArcaAmounts:
    return ArcaAmounts(
        kind.letter,
        net=int(raw["net"]),
        iva=sum(int(a["amount"]) for a in raw["iva"]),
        exempt=int(raw["exempt"]),
        not_taxed=int(raw["untaxed"]),
        tributes=sum(int(t["amount"]) for t in raw["other_taxes"]),
        alic_iva=tuple(AlicIva(_RATE_BY_ID[int(a["id"])], int(a["base"]), int(a["amount"]))
                       for a in raw["iva"]),
        tributos=tuple(Tributo(int(t["id"]), str(t["description"]), int(t["base"]),
                               int(t["rate_bp"]), int(t["amount"])) for t in raw["other_taxes"]),
    )


def read_buyer(raw: Mapping[str, Any]) -> Buyer:
    return Buyer(DocumentType(int(raw["doc_type"])), int(raw["doc_number"]),
                 IvaCondition(int(raw["iva_condition"])), str(raw.get("name") or ""))


def read_pending(block: Mapping[str, Any]) -> PendingComprobante:
    """The comprobante a block describes (checked again as it is rebuilt)."""
    kind = ComprobanteType(int(block["type"]))
    seller = block["seller"]
    return PendingComprobante(
        kind, PointOfSale(int(block["point_of_sale"])),
        Seller(str(seller["cuit"]), SellerCondition(str(seller["iva_condition"]))),
        read_buyer(block["buyer"]), read_amounts(block["amounts"], kind))


def read_authorization(block: Mapping[str, Any]) -> Authorization | None:
    raw = block.get("authorization")
    if not raw:
        return None
    return Authorization(AuthorizationKind(str(raw["kind"])), str(raw["code"]),
                         date.fromisoformat(str(raw["due"])))
