"""Who takes part in a comprobante: IVA conditions, document types and the seller.

``IvaCondition`` is ARCA's ``CondicionIVAReceptorId`` table (RG 5616,
``FEParamGetCondicionIvaReceptor``). Each member has ARCA's own Spanish name, printed on
the comprobante as the law names it, and an English source label for the screens
(translated to Spanish by the catalogue like every other string).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from pos_common.i18n import N_
from pos_desktop.domain.cuit import normalize_cuit


class IvaCondition(IntEnum):
    """The buyer's condition towards IVA (``CondicionIVAReceptorId``)."""

    RESPONSABLE_INSCRIPTO = 1
    EXENTO = 4
    CONSUMIDOR_FINAL = 5
    MONOTRIBUTO = 6
    NO_CATEGORIZADO = 7
    PROVEEDOR_DEL_EXTERIOR = 8
    CLIENTE_DEL_EXTERIOR = 9
    IVA_LIBERADO = 10
    MONOTRIBUTISTA_SOCIAL = 13
    IVA_NO_ALCANZADO = 15
    MONOTRIBUTO_TRABAJADOR_PROMOVIDO = 16

    @property
    def arca_name(self) -> str:
        """ARCA's name for it, in Spanish, as printed on the comprobante."""
        return _ARCA_NAMES[self]

    @property
    def label(self) -> str:
        """English source string for screens; translate with ``_()`` when shown."""
        return _LABELS[self]


_ARCA_NAMES = {
    IvaCondition.RESPONSABLE_INSCRIPTO: "IVA Responsable Inscripto",
    IvaCondition.EXENTO: "IVA Sujeto Exento",
    IvaCondition.CONSUMIDOR_FINAL: "Consumidor Final",
    IvaCondition.MONOTRIBUTO: "Responsable Monotributo",
    IvaCondition.NO_CATEGORIZADO: "Sujeto No Categorizado",
    IvaCondition.PROVEEDOR_DEL_EXTERIOR: "Proveedor del Exterior",
    IvaCondition.CLIENTE_DEL_EXTERIOR: "Cliente del Exterior",
    IvaCondition.IVA_LIBERADO: "IVA Liberado – Ley N° 19.640",
    IvaCondition.MONOTRIBUTISTA_SOCIAL: "Monotributista Social",
    IvaCondition.IVA_NO_ALCANZADO: "IVA No Alcanzado",
    IvaCondition.MONOTRIBUTO_TRABAJADOR_PROMOVIDO:
        "Monotributo Trabajador Independiente Promovido",
}
_LABELS = {
    IvaCondition.RESPONSABLE_INSCRIPTO: N_("Registered VAT taxpayer (Responsable Inscripto)"),
    IvaCondition.EXENTO: N_("VAT exempt (Exento)"),
    IvaCondition.CONSUMIDOR_FINAL: N_("Final consumer (Consumidor Final)"),
    IvaCondition.MONOTRIBUTO: N_("Simplified regime (Monotributo)"),
    IvaCondition.NO_CATEGORIZADO: N_("Not categorised (Sujeto No Categorizado)"),
    IvaCondition.PROVEEDOR_DEL_EXTERIOR: N_("Foreign supplier (Proveedor del Exterior)"),
    IvaCondition.CLIENTE_DEL_EXTERIOR: N_("Foreign customer (Cliente del Exterior)"),
    IvaCondition.IVA_LIBERADO: N_("VAT released, Law 19.640 (IVA Liberado)"),
    IvaCondition.MONOTRIBUTISTA_SOCIAL: N_("Social simplified regime (Monotributista Social)"),
    IvaCondition.IVA_NO_ALCANZADO: N_("Outside the scope of VAT (IVA No Alcanzado)"),
    IvaCondition.MONOTRIBUTO_TRABAJADOR_PROMOVIDO:
        N_("Promoted independent worker (Monotributo Trabajador Independiente Promovido)"),
}


class SellerCondition(StrEnum):
    """The shop's own condition. The values are the store settings' stored values."""

    RESPONSABLE_INSCRIPTO = "Responsable Inscripto"
    MONOTRIBUTO = "Monotributo"
    EXENTO = "Exento"

    @property
    def arca_name(self) -> str:
        return _SELLER_ARCA_NAMES[self]

    @property
    def label(self) -> str:
        return _SELLER_LABELS[self]


_SELLER_ARCA_NAMES = {
    SellerCondition.RESPONSABLE_INSCRIPTO: "IVA Responsable Inscripto",
    SellerCondition.MONOTRIBUTO: "Responsable Monotributo",
    SellerCondition.EXENTO: "IVA Sujeto Exento",
}
_SELLER_LABELS = {
    SellerCondition.RESPONSABLE_INSCRIPTO: N_("Registered VAT taxpayer (Responsable Inscripto)"),
    SellerCondition.MONOTRIBUTO: N_("Simplified regime (Monotributo)"),
    SellerCondition.EXENTO: N_("VAT exempt (Exento)"),
}


class DocumentType(IntEnum):
    """``DocTipo``: how the buyer is identified."""

    CUIT = 80
    CUIL = 86
    DNI = 96
    SIN_IDENTIFICAR = 99

    @property
    def label(self) -> str:
        return _DOCUMENT_LABELS[self]


_DOCUMENT_LABELS = {
    DocumentType.CUIT: "CUIT",
    DocumentType.CUIL: "CUIL",
    DocumentType.DNI: "DNI",
    DocumentType.SIN_IDENTIFICAR: N_("Not identified"),
}

_DIGITS = re.compile(r"\D")


@dataclass(frozen=True, slots=True)
class Seller:
    """The shop as the comprobante names it. ``cuit`` is 11 digits, no dashes."""

    cuit: str
    condition: SellerCondition

    def __post_init__(self) -> None:
        # normalize_cuit raises InvalidCuit saying what is wrong; keep the digits only.
        object.__setattr__(self, "cuit", _DIGITS.sub("", normalize_cuit(self.cuit)))

    @property
    def cuit_number(self) -> int:
        return int(self.cuit)
