"""Who buys: anonymous by default, or identified by DNI, CUIT or CUIL; RG 5700 threshold."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pos_common.i18n import current_language, explain, set_language
from pos_desktop.domain.cuit import InvalidCuil, InvalidCuit, normalize_cuil
from pos_desktop.domain.fiscal.buyer import (
    ANONYMOUS,
    DEFAULT_IDENTIFICATION_THRESHOLD,
    Buyer,
    identify_buyer,
    require_identification,
)
from pos_desktop.domain.fiscal.errors import IdentificationRequired, InvalidBuyer
from pos_desktop.domain.fiscal.parties import DocumentType, IvaCondition


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages are matched in English unless a test asks for Spanish; the language the
    session had is given back."""
    before = current_language()
    set_language("en")
    yield
    set_language(before)


@pytest.fixture
def spanish() -> None:
    set_language("es_AR")


def test_the_default_buyer_is_an_anonymous_final_consumer() -> None:
    assert (ANONYMOUS.document_type, ANONYMOUS.document_number, ANONYMOUS.condition) == (
        DocumentType.SIN_IDENTIFICAR, 0, IvaCondition.CONSUMIDOR_FINAL)
    assert int(ANONYMOUS.document_type) == 99 and int(ANONYMOUS.condition) == 5
    assert not ANONYMOUS.is_identified
    assert ANONYMOUS.printed_document == ""


@pytest.mark.parametrize(
    ("number", "value"),
    [("12.345.678", 12_345_678), ("1234567", 1_234_567), (" 30 111 222 ", 30_111_222),
     ("95123456", 95_123_456)],
)
def test_dni_of_seven_or_eight_digits(number: str, value: int) -> None:
    buyer = identify_buyer(DocumentType.DNI, number, name="Ana  Pérez")
    assert (buyer.document_type, buyer.document_number) == (DocumentType.DNI, value)
    assert buyer.condition is IvaCondition.CONSUMIDOR_FINAL
    assert buyer.name == "Ana Pérez"
    assert buyer.is_identified


def test_dni_is_printed_with_dots() -> None:
    assert identify_buyer(DocumentType.DNI, "12345678", name="Ana").printed_document == (
        "DNI 12.345.678")


@pytest.mark.parametrize("number", ["123456", "0123456", "123456789", "12a45678", "", "１２３４５６７８"])
def test_bad_dni_is_refused(number: str) -> None:
    with pytest.raises(InvalidBuyer):
        identify_buyer(DocumentType.DNI, number, name="Ana")


@pytest.mark.parametrize("number", ["20-12345678-6", "30712345671", "33-12345678-0", "27 12345678 0"])
def test_cuit_with_its_check_digit(number: str) -> None:
    buyer = identify_buyer(DocumentType.CUIT, number, name="ACME SA",
                           condition=IvaCondition.RESPONSABLE_INSCRIPTO)
    assert buyer.document_number == int(number.replace("-", "").replace(" ", ""))
    assert buyer.printed_document.startswith("CUIT ") and buyer.printed_document.count("-") == 2


@pytest.mark.parametrize("number", ["20-12345678-5", "2012345678", "10-12345678-6", "20-99999999-0"])
def test_bad_cuit_is_refused_saying_why(number: str) -> None:
    with pytest.raises(InvalidCuit):
        identify_buyer(DocumentType.CUIT, number, name="ACME SA")


@pytest.mark.parametrize("number", ["20-12345678-6", "23-12345678-5", "24-12345678-1", "27-12345678-0"])
def test_cuil_of_a_person(number: str) -> None:
    buyer = identify_buyer(DocumentType.CUIL, number, name="Ana Pérez")
    assert buyer.printed_document == f"CUIL {number}"


def test_a_company_prefix_is_no_cuil() -> None:
    with pytest.raises(InvalidCuil, match="20, 23, 24 or 27"):
        normalize_cuil("30-71234567-1")
    with pytest.raises(InvalidCuil, match="check digit"):
        identify_buyer(DocumentType.CUIL, "20-12345678-0", name="Ana")


def test_a_registered_taxpayer_is_identified_by_cuit() -> None:
    for condition in (IvaCondition.RESPONSABLE_INSCRIPTO, IvaCondition.MONOTRIBUTO,
                      IvaCondition.MONOTRIBUTISTA_SOCIAL,
                      IvaCondition.MONOTRIBUTO_TRABAJADOR_PROMOVIDO):
        with pytest.raises(InvalidBuyer, match="identified by CUIT"):
            identify_buyer(DocumentType.DNI, "12345678", name="Ana", condition=condition)
        with pytest.raises(InvalidBuyer, match="identified by CUIT"):
            identify_buyer(DocumentType.CUIL, "20-12345678-6", name="Ana", condition=condition)


def test_an_identified_buyer_has_a_name() -> None:
    with pytest.raises(InvalidBuyer, match="name"):
        identify_buyer(DocumentType.DNI, "12345678", name="   ")
    with pytest.raises(InvalidBuyer, match="too long"):
        identify_buyer(DocumentType.DNI, "12345678", name="x" * 121)


def test_an_anonymous_buyer_is_only_a_consumer_with_number_zero() -> None:
    with pytest.raises(InvalidBuyer):
        Buyer(DocumentType.SIN_IDENTIFICAR, 12345678, IvaCondition.CONSUMIDOR_FINAL)
    with pytest.raises(InvalidBuyer):
        Buyer(DocumentType.SIN_IDENTIFICAR, 0, IvaCondition.EXENTO)
    with pytest.raises(InvalidBuyer):
        identify_buyer(DocumentType.SIN_IDENTIFICAR, "0", name="x")


def test_buyer_values_are_checked_however_they_are_built() -> None:
    with pytest.raises(InvalidCuit):
        Buyer(DocumentType.CUIT, 20123456785, IvaCondition.RESPONSABLE_INSCRIPTO, "ACME")
    with pytest.raises(InvalidBuyer):
        Buyer(DocumentType.DNI, 999_999, IvaCondition.CONSUMIDOR_FINAL, "Ana")


def test_rg5700_identification_from_the_threshold() -> None:
    assert DEFAULT_IDENTIFICATION_THRESHOLD == 1_000_000_000  # ARS 10.000.000
    require_identification(ANONYMOUS, DEFAULT_IDENTIFICATION_THRESHOLD - 1)
    with pytest.raises(IdentificationRequired, match="RG 5700"):
        require_identification(ANONYMOUS, DEFAULT_IDENTIFICATION_THRESHOLD)
    dni = identify_buyer(DocumentType.DNI, "12345678", name="Ana")
    require_identification(dni, 5 * DEFAULT_IDENTIFICATION_THRESHOLD)


def test_the_threshold_is_a_setting() -> None:
    require_identification(ANONYMOUS, 2_000_000_000, threshold=3_000_000_000)
    with pytest.raises(IdentificationRequired):
        require_identification(ANONYMOUS, 50_000_000, threshold=50_000_000)


def test_the_threshold_message_reads_in_spanish(spanish: None) -> None:
    with pytest.raises(IdentificationRequired) as caught:
        require_identification(ANONYMOUS, 1_234_567_890)
    assert explain(caught.value) == (
        "Desde $ 10.000.000,00 el comprador debe identificarse con DNI, CUIT o CUIL "
        "(RG 5700): este comprobante es de $ 12.345.678,90. Identifique al comprador "
        "para continuar.")


def test_buyer_errors_read_in_spanish(spanish: None) -> None:
    with pytest.raises(InvalidBuyer) as caught:
        identify_buyer(DocumentType.DNI, "123", name="Ana")
    assert explain(caught.value) == "Los datos del comprador no son válidos: el DNI tiene 7 u 8 dígitos"
    # raised in no language: the log (str) has the English
    assert str(caught.value) == "The buyer's details are not valid: a DNI has 7 or 8 digits"


def test_conditions_have_arca_names_and_labels() -> None:
    assert sorted(int(c) for c in IvaCondition) == [1, 4, 5, 6, 7, 8, 9, 10, 13, 15, 16]
    assert IvaCondition.CONSUMIDOR_FINAL.arca_name == "Consumidor Final"
    assert IvaCondition.RESPONSABLE_INSCRIPTO.arca_name == "IVA Responsable Inscripto"
    assert all(c.arca_name and c.label for c in IvaCondition)
    assert [int(d) for d in DocumentType] == [80, 86, 96, 99]
