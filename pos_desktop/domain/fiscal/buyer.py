"""The buyer of a comprobante.

By default an anonymous consumer (``DocTipo`` 99, ``DocNro`` 0, condition 5). Identified,
by DNI (7 or 8 digits), CUIT or CUIL (11 digits with their check digit), with a name and
an IVA condition. Rules a ``Buyer`` always keeps:

- a registered taxpayer (Responsable Inscripto or any Monotributo) is identified by CUIT:
  they are the buyers of a Factura A, and ARCA takes a Factura A only with ``DocTipo`` 80
  (error 10013); a DNI or CUIL cannot say who they are for IVA;
- an anonymous buyer is a consumer: "sin identificar" means nothing else.

RG 5700: from a threshold (a setting; ARS 10.000.000 when written) a consumer must be
identified; ``require_identification`` says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pos_common.i18n import N_, format_money
from pos_desktop.domain.cuit import normalize_cuil, normalize_cuit
from pos_desktop.domain.fiscal.errors import IdentificationRequired, InvalidBuyer
from pos_desktop.domain.fiscal.parties import DocumentType, IvaCondition

DEFAULT_IDENTIFICATION_THRESHOLD = 1_000_000_000
"""RG 5700/2025: ARS 10.000.000 in centavos. A setting: ARCA moves it."""

MAX_NAME = 120
_SEPARATORS = re.compile(r"[\s.\-/]")

CUIT_ONLY = frozenset({
    IvaCondition.RESPONSABLE_INSCRIPTO,
    IvaCondition.MONOTRIBUTO,
    IvaCondition.MONOTRIBUTISTA_SOCIAL,
    IvaCondition.MONOTRIBUTO_TRABAJADOR_PROMOVIDO,
})
"""Conditions only a CUIT can identify (the buyers of a Factura A)."""


@dataclass(frozen=True, slots=True)
class Buyer:
    """``document_number`` is ``DocNro`` as ARCA takes it (0 when not identified)."""

    document_type: DocumentType
    document_number: int
    condition: IvaCondition
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", " ".join(self.name.split()))
        if self.document_type is DocumentType.SIN_IDENTIFICAR:
            if self.document_number != 0 or self.condition is not IvaCondition.CONSUMIDOR_FINAL:
                raise InvalidBuyer(reason=N_("a buyer who is not identified is a final consumer"))
            return
        _check_number(self.document_type, self.document_number)
        if self.condition in CUIT_ONLY and self.document_type is not DocumentType.CUIT:
            raise InvalidBuyer(reason=N_(
                "a Responsable Inscripto or Monotributo buyer is identified by CUIT"))
        if not self.name:
            raise InvalidBuyer(reason=N_("enter the buyer's name or company name"))
        if len(self.name) > MAX_NAME:
            raise InvalidBuyer(reason=N_("the name is too long (120 characters at most)"))

    @property
    def is_identified(self) -> bool:
        return self.document_type is not DocumentType.SIN_IDENTIFICAR

    @property
    def printed_document(self) -> str:
        """``CUIT 20-12345678-6``, ``DNI 12.345.678``; empty when not identified."""
        if not self.is_identified:
            return ""
        digits = str(self.document_number)
        if self.document_type is DocumentType.DNI:
            return f"DNI {self.document_number:,}".replace(",", ".")
        return f"{self.document_type.label} {digits[:2]}-{digits[2:10]}-{digits[10]}"


ANONYMOUS = Buyer(DocumentType.SIN_IDENTIFICAR, 0, IvaCondition.CONSUMIDOR_FINAL)


def identify_buyer(document_type: DocumentType, number: str, *, name: str,
                   condition: IvaCondition = IvaCondition.CONSUMIDOR_FINAL) -> Buyer:
    """The buyer from what the cashier typed (dots, dashes and spaces allowed)."""
    if document_type is DocumentType.SIN_IDENTIFICAR:
        raise InvalidBuyer(reason=N_("choose DNI, CUIT or CUIL"))
    if document_type is DocumentType.DNI:
        digits = _SEPARATORS.sub("", number or "")
        if not digits:
            raise InvalidBuyer(reason=N_("enter the DNI number"))
        if not digits.isdigit() or not digits.isascii():
            raise InvalidBuyer(reason=N_("a DNI has only digits"))
        value = int(digits)
    else:
        normalize = normalize_cuit if document_type is DocumentType.CUIT else normalize_cuil
        value = int(_SEPARATORS.sub("", normalize(number)))
    return Buyer(document_type, value, condition, name)


def require_identification(buyer: Buyer, total: int, *,
                           threshold: int = DEFAULT_IDENTIFICATION_THRESHOLD) -> None:
    """RG 5700: from ``threshold`` centavos the buyer must be identified."""
    if total >= threshold and not buyer.is_identified:
        raise IdentificationRequired(threshold=format_money(threshold),
                                     total=format_money(total))


def _check_number(document_type: DocumentType, number: int) -> None:
    if document_type is DocumentType.DNI:
        if not 1_000_000 <= number <= 99_999_999:
            raise InvalidBuyer(reason=N_("a DNI has 7 or 8 digits"))
    elif document_type is DocumentType.CUIT:
        normalize_cuit(str(number))  # raises InvalidCuit saying what is wrong
    else:
        normalize_cuil(str(number))
