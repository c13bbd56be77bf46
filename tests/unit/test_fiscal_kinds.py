"""Which comprobante for whom: Factura A/B/C, Notas de Crédito, and what ARCA takes together."""

from __future__ import annotations

import pytest

from pos_desktop.domain.fiscal.buyer import ANONYMOUS, CUIT_ONLY, Buyer
from pos_desktop.domain.fiscal.errors import BuyerDoesNotFit, FiscalError
from pos_desktop.domain.fiscal.kinds import (
    ComprobanteClass,
    ComprobanteType,
    check_buyer_fits,
    check_seller_issues,
    credit_note_type,
    invoice_type,
)
from pos_desktop.domain.fiscal.parties import DocumentType, IvaCondition, SellerCondition

C = IvaCondition
RI, MONO, EXENTO = (SellerCondition.RESPONSABLE_INSCRIPTO, SellerCondition.MONOTRIBUTO,
                    SellerCondition.EXENTO)

# Every pair, written out: the table a reviewer checks against the law.
EXPECTED = {
    (RI, C.RESPONSABLE_INSCRIPTO): 1,
    (RI, C.MONOTRIBUTO): 1,
    (RI, C.MONOTRIBUTISTA_SOCIAL): 1,
    (RI, C.MONOTRIBUTO_TRABAJADOR_PROMOVIDO): 1,
    (RI, C.CONSUMIDOR_FINAL): 6,
    (RI, C.EXENTO): 6,
    (RI, C.NO_CATEGORIZADO): 6,
    (RI, C.PROVEEDOR_DEL_EXTERIOR): 6,
    (RI, C.CLIENTE_DEL_EXTERIOR): 6,
    (RI, C.IVA_LIBERADO): 6,
    (RI, C.IVA_NO_ALCANZADO): 6,
    **{(MONO, c): 11 for c in IvaCondition},
    **{(EXENTO, c): 11 for c in IvaCondition},
}

# ARCA's FEParamGetCondicionIvaReceptor: the classes each condition may receive.
ARCA_CMP_CLASE = {
    1: "A/M/C", 6: "A/M/C", 13: "A/M/C", 16: "A/M/C",
    4: "B/C", 5: "B/C", 7: "B/C", 8: "B/C", 9: "B/C", 10: "B/C", 15: "B/C",
}


def a_buyer(condition: IvaCondition) -> Buyer:
    if condition is IvaCondition.CONSUMIDOR_FINAL:
        return ANONYMOUS
    return Buyer(DocumentType.CUIT, 30712345671, condition, "ACME SA")


@pytest.mark.parametrize(("pair", "code"), EXPECTED.items(), ids=lambda v: str(v))
def test_the_type_follows_seller_and_buyer(
    pair: tuple[SellerCondition, IvaCondition], code: int
) -> None:
    seller, buyer = pair
    assert int(invoice_type(seller, buyer)) == code


def test_every_pair_is_in_the_table() -> None:
    assert len(EXPECTED) == len(SellerCondition) * len(IvaCondition)


@pytest.mark.parametrize("pair", EXPECTED, ids=str)
def test_the_chosen_type_is_one_arca_accepts(pair: tuple[SellerCondition, IvaCondition]) -> None:
    seller, condition = pair
    kind = invoice_type(seller, condition)
    check_seller_issues(seller, kind)
    check_buyer_fits(kind, a_buyer(condition))
    assert kind.letter in ARCA_CMP_CLASE[int(condition)].split("/")


@pytest.mark.parametrize("kind", list(ComprobanteType), ids=str)
@pytest.mark.parametrize("condition", list(IvaCondition), ids=str)
def test_buyer_fits_exactly_as_arca_checks_10243(
    kind: ComprobanteType, condition: IvaCondition
) -> None:
    arca_accepts = kind.letter in ARCA_CMP_CLASE[int(condition)].split("/")
    if arca_accepts:
        check_buyer_fits(kind, a_buyer(condition))
    else:
        with pytest.raises(BuyerDoesNotFit):
            check_buyer_fits(kind, a_buyer(condition))


def test_class_a_buyers_are_always_identified_by_cuit_10013() -> None:
    # Every condition ARCA takes on class A is one a Buyer identifies only by CUIT.
    assert {c for c in IvaCondition if "A" in ARCA_CMP_CLASE[int(c)]} == CUIT_ONLY
    cuil_buyer = Buyer(DocumentType.CUIL, 20123456786, IvaCondition.CONSUMIDOR_FINAL, "Ana")
    check_buyer_fits(ComprobanteType.FACTURA_B, cuil_buyer)
    check_buyer_fits(ComprobanteType.FACTURA_C, cuil_buyer)


def test_credit_notes_are_of_the_originals_class() -> None:
    assert credit_note_type(ComprobanteType.FACTURA_A) is ComprobanteType.NOTA_DE_CREDITO_A
    assert credit_note_type(ComprobanteType.FACTURA_B) is ComprobanteType.NOTA_DE_CREDITO_B
    assert credit_note_type(ComprobanteType.FACTURA_C) is ComprobanteType.NOTA_DE_CREDITO_C
    assert [int(credit_note_type(t)) for t in (ComprobanteType.FACTURA_A,
            ComprobanteType.FACTURA_B, ComprobanteType.FACTURA_C)] == [3, 8, 13]
    with pytest.raises(FiscalError):
        credit_note_type(ComprobanteType.NOTA_DE_CREDITO_B)


def test_a_seller_issues_only_its_classes() -> None:
    with pytest.raises(FiscalError):
        check_seller_issues(MONO, ComprobanteType.FACTURA_B)
    with pytest.raises(FiscalError):
        check_seller_issues(RI, ComprobanteType.FACTURA_C)
    check_seller_issues(EXENTO, ComprobanteType.NOTA_DE_CREDITO_C)


def test_printed_letter_box() -> None:
    kind = ComprobanteType.FACTURA_B
    assert (kind.printed_name, kind.code, kind.letter) == ("FACTURA B", "006", ComprobanteClass.B)
    assert ComprobanteType.NOTA_DE_CREDITO_C.printed_name == "NOTA DE CRÉDITO C"
    assert ComprobanteType.NOTA_DE_CREDITO_C.code == "013"


def test_seller_conditions_are_the_settings_values() -> None:
    assert SellerCondition("Responsable Inscripto") is RI
    assert SellerCondition("Monotributo") is MONO
    assert SellerCondition("Exento") is EXENTO
