"""What the fiscal rules build, ARCA accepts: every comprobante the domain can make passes
the ARCA stand-in's own checks of a FECAEDetRequest (amounts, AlicIva, class C, receptor
condition against the class, DocTipo on class A, RG 5700, CbtesAsoc), read as the SOAP
client writes it. Two readings of ARCA's manual, held to agree."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from pos_arca import models
from pos_arca.standin import rules
from pos_arca.wsfe_codec import detail
from pos_desktop.domain.fiscal.amounts import TaxedAmount
from pos_desktop.domain.fiscal.buyer import ANONYMOUS, Buyer
from pos_desktop.domain.fiscal.comprobante import (
    Comprobante,
    issue_credit_note,
    issue_invoice,
)
from pos_desktop.domain.fiscal.errors import IdentificationRequired
from pos_desktop.domain.fiscal.numbering import ComprobanteNumber, PointOfSale
from pos_desktop.domain.fiscal.parties import (
    DocumentType,
    IvaCondition,
    Seller,
    SellerCondition,
)
from pos_desktop.domain.tax import IvaRate

AT = datetime(2025, 7, 1, 23, 40, tzinfo=ZoneInfo("America/Argentina/Buenos_Aires"))
SETTINGS = rules.RuleSettings(identification_threshold=Decimal("10000000"),
                              product_window_days=5, service_window_days=10)


def request_of(c: Comprobante) -> Any:
    """The domain's comprobante as the client's model, then as the XML ARCA reads."""
    amounts = c.amounts
    model = models.Comprobante(
        point_of_sale=c.point_of_sale.number, cbte_tipo=int(c.kind), number=c.number.value,
        date=c.issued_on, total_centavos=amounts.total, doc_tipo=int(c.buyer.document_type),
        doc_nro=c.buyer.document_number, condicion_iva_receptor=int(c.buyer.condition),
        no_gravado_centavos=amounts.not_taxed, neto_centavos=amounts.net,
        exento_centavos=amounts.exempt, tributos_centavos=amounts.tributes,
        iva_centavos=amounts.iva,
        iva=tuple(models.AlicuotaIva(iva_id=a.arca_id, base_centavos=a.base,
                                     importe_centavos=a.amount) for a in amounts.alic_iva),
        tributos=tuple(models.Tributo(tributo_id=t.tributo_id, descripcion=t.description,
                                      base_centavos=t.base, alicuota=Decimal(t.rate_bp) / 100,
                                      importe_centavos=t.amount) for t in amounts.tributos),
        asociados=() if c.associated is None else (models.ComprobanteAsociado(
            cbte_tipo=int(c.associated.kind), point_of_sale=c.associated.point_of_sale.number,
            number=c.associated.number.value, cuit=int(c.associated.cuit),
            date=c.associated.issued_on),),
    )
    return element("FECAEDetRequest", detail(model))


def element(name: str, value: Any) -> Any:
    node = etree.Element(name)
    if isinstance(value, dict):
        for key, inner in value.items():
            if inner is None:
                continue
            for item in inner if isinstance(inner, list) else [inner]:
                node.append(element(key, item))
    else:
        node.text = str(value)
    return node


def arca_says(c: Comprobante) -> list[int]:
    det = request_of(c)
    found = (rules.check_amounts(det, int(c.kind)) + rules.check_receptor(det, int(c.kind), SETTINGS)
             + rules.check_associated(det, int(c.kind))
             + rules.check_date_window(det, c.issued_on, SETTINGS))
    return [m.code for m in found]


buyers = st.sampled_from([
    ANONYMOUS,
    Buyer(DocumentType.DNI, 12_345_678, IvaCondition.CONSUMIDOR_FINAL, "Ana Pérez"),
    Buyer(DocumentType.CUIL, 20_123_456_786, IvaCondition.CONSUMIDOR_FINAL, "Ana Pérez"),
    *[Buyer(DocumentType.CUIT, 30_712_345_671, condition, "ACME SA") for condition in IvaCondition],
])
line = st.builds(
    lambda rate, amount, tax_bp: TaxedAmount(rate, amount, amount * tax_bp // 10_000, tax_bp),
    st.sampled_from(list(IvaRate)), st.integers(1, 2_000_000_000), st.sampled_from([0, 0, 800]))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(list(SellerCondition)), buyers, st.lists(line, min_size=1, max_size=8))
def test_every_invoice_and_its_credit_note_pass_arcas_checks(
    seller_condition: SellerCondition, buyer: Buyer, lines: list[TaxedAmount]
) -> None:
    seller = Seller("20-26756539-3", seller_condition)
    try:
        invoice = issue_invoice(seller=seller, point_of_sale=PointOfSale(3),
                                number=ComprobanteNumber(41), issued_at=AT, lines=lines,
                                buyer=buyer)
    except IdentificationRequired:
        # The domain refuses it, and ARCA would have too (10069 in the stand-in).
        assert not buyer.is_identified and sum(x.amount for x in lines) >= 1_000_000_000
        return
    assert arca_says(invoice) == []
    note = issue_credit_note(original=invoice.as_associated(), seller=seller,
                             point_of_sale=PointOfSale(3), number=ComprobanteNumber(7),
                             issued_at=AT + timedelta(days=2), lines=lines[:1], buyer=buyer)
    assert arca_says(note) == []


def test_the_oracle_is_not_blind() -> None:
    invoice = issue_invoice(seller=Seller("20-26756539-3", SellerCondition.RESPONSABLE_INSCRIPTO),
                            point_of_sale=PointOfSale(3), number=ComprobanteNumber(41),
                            issued_at=AT, lines=[TaxedAmount(IvaRate.GENERAL, 12_100)])
    det = request_of(invoice)
    det.find("Iva/AlicIva/Importe").text = "21.02"
    assert 10051 in [m.code for m in rules.check_amounts(det, 6)]
    det.find("CondicionIVAReceptorId").text = "1"
    assert 10243 in [m.code for m in rules.check_receptor(det, 6, SETTINGS)]
