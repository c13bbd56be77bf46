"""What a fiscal receipt prints beyond the sale: the comprobante (type, number, date,
CAE or CAEA and its due date, the RG 4892 QR), the seller as RG 1415 asks and the buyer.

Read from the print job as the till writes it: ``{"sale": <payload whose "fiscal" block is
authorized>, "fiscal_print": {"qr": ..., "seller": {...}, "buyer_document": ...}}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from pos_common.messages import N_, TranslatableError
from pos_printers.errors import InvalidReceiptData

# The comprobante's own words stay Spanish whatever the till's language: they are ARCA's
# names of its tables (FEParamGetTiposCbte, FEParamGetTiposIva, the receptor's
# CondicionIVAReceptorId of RG 5616, ../shared/afip/README.md), printed as RG 1415 asks, and
# the document is read by ARCA, the buyer's accountant and an inspector in Spanish. A
# translated "INVOICE B" or "Final consumer" would not be the comprobante the law names.
TYPE_NAMES = {1: "FACTURA A", 3: "NOTA DE CRÉDITO A", 6: "FACTURA B",
              8: "NOTA DE CRÉDITO B", 11: "FACTURA C", 13: "NOTA DE CRÉDITO C"}
IVA_NAMES = {3: "0%", 4: "10,5%", 5: "21%", 6: "27%", 8: "5%", 9: "2,5%"}
CONDITION_NAMES = {1: "IVA Responsable Inscripto", 4: "IVA Sujeto Exento",
                   5: "Consumidor Final", 6: "Responsable Monotributo",
                   7: "Sujeto No Categorizado", 8: "Proveedor del Exterior",
                   9: "Cliente del Exterior", 10: "IVA Liberado – Ley N° 19.640",
                   13: "Monotributista Social", 15: "IVA No Alcanzado",
                   16: "Monotributo Trabajador Independiente Promovido"}
SELLER_CONDITIONS = {"Responsable Inscripto": "IVA Responsable Inscripto",
                     "Monotributo": "Responsable Monotributo", "Exento": "IVA Sujeto Exento"}
INTERNAL_TAXES = 4


@dataclass(frozen=True, slots=True)
class FiscalSeller:
    legal_name: str
    address: str
    cuit: str
    iibb: str
    iva_condition: str
    activities_start: date | None


@dataclass(frozen=True, slots=True)
class FiscalReceipt:
    cbte_tipo: int
    point_of_sale: int
    number: int
    day: date
    authorization_kind: str  # CAE | CAEA
    authorization_code: str
    authorization_due: date
    qr: str
    seller: FiscalSeller
    buyer_name: str
    buyer_document: str  # "CUIT 20-12345678-6"; empty when not identified
    buyer_condition: int
    net: int
    iva: tuple[tuple[int, int, int], ...]  # (AlicIva id, base, amount)
    exempt: int
    untaxed: int
    internal_taxes: int
    other_taxes: int
    associated: str | None  # a credit note's original: "FACTURA B 00001-00000012"

    @property
    def letter(self) -> str:
        return TYPE_NAMES[self.cbte_tipo][-1]

    @property
    def name(self) -> str:
        return TYPE_NAMES[self.cbte_tipo]

    @property
    def code(self) -> str:
        return f"{self.cbte_tipo:03d}"

    @property
    def printed_number(self) -> str:
        return f"{self.point_of_sale:05d}-{self.number:08d}"

    @property
    def discriminates_iva(self) -> bool:
        """A Factura A shows net and IVA apart; B and C show only the total."""
        return self.letter == "A"

    @property
    def consumer_transparency(self) -> bool:
        """Ley 27.743: a Responsable Inscripto's consumer ticket (class B) shows the IVA
        contained and the other national indirect taxes."""
        return self.letter == "B"

    @property
    def iva_total(self) -> int:
        return sum(amount for _, _, amount in self.iva)


def _date(value: Any, what: str | TranslatableError) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidReceiptData(N_("Invalid date in {where}: {value}."), where=what,
                                 value=repr(value)) from None


def fiscal_receipt(data: Mapping[str, Any]) -> FiscalReceipt | None:
    """The comprobante of a receipt job, or None (a training receipt, no comprobante)."""
    sale = data.get("sale", data)
    block = sale.get("fiscal") if isinstance(sale, Mapping) else None
    extra = data.get("fiscal_print")
    if not block:
        return None
    authorization = block.get("authorization")
    if authorization is None or not isinstance(extra, Mapping):
        raise InvalidReceiptData(N_("A comprobante prints once ARCA has authorized it."))
    kind = str(authorization["kind"])  # CAE or CAEA: the payload's schema refuses any other
    seller, amounts, buyer = extra.get("seller", {}), block["amounts"], block["buyer"]
    start = seller.get("activities_start")
    associated = block.get("associated")
    original = None
    if associated and associated.get("number"):
        original = (f"{TYPE_NAMES[int(associated['type'])]} "
                    f"{int(associated['point_of_sale']):05d}-{int(associated['number']):08d}")
    other = amounts.get("other_taxes", ())
    return FiscalReceipt(
        cbte_tipo=int(block["type"]), point_of_sale=int(block["point_of_sale"]),
        number=int(block["number"]), day=_date(block["cbte_fch"], N_("the comprobante")),
        authorization_kind=kind,
        authorization_code=str(authorization["code"]),
        authorization_due=_date(authorization["due"], TranslatableError(
            N_("the due date of the {kind}"), kind=kind)),
        qr=str(extra.get("qr", "")),
        seller=FiscalSeller(
            legal_name=str(seller.get("legal_name", "")), address=str(seller.get("address", "")),
            cuit=str(seller.get("cuit", "")), iibb=str(seller.get("iibb", "")),
            iva_condition=SELLER_CONDITIONS.get(str(seller.get("iva_condition", "")),
                                                str(seller.get("iva_condition", ""))),
            activities_start=_date(start, N_("the start of activities")) if start else None),
        buyer_name=str(buyer.get("name", "")), buyer_document=str(extra.get("buyer_document", "")),
        buyer_condition=int(buyer["iva_condition"]), net=int(amounts["net"]),
        iva=tuple((int(a["id"]), int(a["base"]), int(a["amount"])) for a in amounts["iva"]),
        exempt=int(amounts["exempt"]), untaxed=int(amounts["untaxed"]),
        internal_taxes=sum(int(t["amount"]) for t in other if int(t["id"]) == INTERNAL_TAXES),
        other_taxes=sum(int(t["amount"]) for t in other if int(t["id"]) != INTERNAL_TAXES),
        associated=original,
    )
