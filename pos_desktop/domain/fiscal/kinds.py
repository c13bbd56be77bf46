"""Which comprobante: class (A, B, C) and type (Factura, Nota de Crédito) from who sells to whom.

The class follows the seller and the buyer (RG 1415, RG 5003, ARCA's
``FEParamGetCondicionIvaReceptor`` table):

- a Monotributo or Exento seller issues class C, to anyone;
- a Responsable Inscripto issues class A to the buyers who take IVA credit or are in the
  Monotributo (Responsable Inscripto, Monotributo, Monotributista Social, Monotributo
  Trabajador Independiente Promovido: ARCA's "A/M/C" conditions) and class B to everyone
  else (consumer, anonymous, exento, no categorizado, IVA liberado, no alcanzado, and the
  foreign customer or supplier: the till does not issue Factura E, an export comprobante
  of another web service, so a tourist gets a Factura B, which ARCA accepts for them).

ARCA rejects a condition that does not fit the class (error 10243): A takes only the A/M/C
conditions, B only the B/C ones, C takes all. ``check_buyer_fits`` holds the till to that,
before anything is sent; ``Buyer`` keeps ``DocTipo`` 80 on class A (error 10013).

A refund is the Nota de Crédito of the original's class (3, 8, 13), whatever the buyer's
condition is now: it cancels that comprobante.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

from pos_common.i18n import N_
from pos_desktop.domain.fiscal.buyer import Buyer
from pos_desktop.domain.fiscal.errors import BuyerDoesNotFit, FiscalError
from pos_desktop.domain.fiscal.parties import IvaCondition, SellerCondition


class ComprobanteClass(StrEnum):
    A = "A"
    B = "B"
    C = "C"


class ComprobanteType(IntEnum):
    """``CbteTipo``."""

    FACTURA_A = 1
    NOTA_DE_CREDITO_A = 3
    FACTURA_B = 6
    NOTA_DE_CREDITO_B = 8
    FACTURA_C = 11
    NOTA_DE_CREDITO_C = 13

    @property
    def letter(self) -> ComprobanteClass:
        return _CLASS[self]

    @property
    def is_credit_note(self) -> bool:
        return self in _CREDIT_NOTES.values()

    @property
    def code(self) -> str:
        """The three-digit code printed in the letter box: ``006``."""
        return f"{int(self):03d}"

    @property
    def printed_name(self) -> str:
        """The legal name printed on the comprobante, in Spanish: ``FACTURA B``."""
        kind = "NOTA DE CRÉDITO" if self.is_credit_note else "FACTURA"
        return f"{kind} {self.letter}"

    @property
    def label(self) -> str:
        """English source string for screens; translate with ``_()`` when shown."""
        return _LABELS[self]


_CLASS = {
    ComprobanteType.FACTURA_A: ComprobanteClass.A,
    ComprobanteType.NOTA_DE_CREDITO_A: ComprobanteClass.A,
    ComprobanteType.FACTURA_B: ComprobanteClass.B,
    ComprobanteType.NOTA_DE_CREDITO_B: ComprobanteClass.B,
    ComprobanteType.FACTURA_C: ComprobanteClass.C,
    ComprobanteType.NOTA_DE_CREDITO_C: ComprobanteClass.C,
}
_INVOICES = {
    ComprobanteClass.A: ComprobanteType.FACTURA_A,
    ComprobanteClass.B: ComprobanteType.FACTURA_B,
    ComprobanteClass.C: ComprobanteType.FACTURA_C,
}
_CREDIT_NOTES = {
    ComprobanteClass.A: ComprobanteType.NOTA_DE_CREDITO_A,
    ComprobanteClass.B: ComprobanteType.NOTA_DE_CREDITO_B,
    ComprobanteClass.C: ComprobanteType.NOTA_DE_CREDITO_C,
}
_LABELS = {
    ComprobanteType.FACTURA_A: N_("Invoice A (Factura A)"),
    ComprobanteType.NOTA_DE_CREDITO_A: N_("Credit note A (Nota de Crédito A)"),
    ComprobanteType.FACTURA_B: N_("Invoice B (Factura B)"),
    ComprobanteType.NOTA_DE_CREDITO_B: N_("Credit note B (Nota de Crédito B)"),
    ComprobanteType.FACTURA_C: N_("Invoice C (Factura C)"),
    ComprobanteType.NOTA_DE_CREDITO_C: N_("Credit note C (Nota de Crédito C)"),
}

CONDITIONS_BY_CLASS: dict[ComprobanteClass, frozenset[IvaCondition]] = {
    ComprobanteClass.A: frozenset({
        IvaCondition.RESPONSABLE_INSCRIPTO,
        IvaCondition.MONOTRIBUTO,
        IvaCondition.MONOTRIBUTISTA_SOCIAL,
        IvaCondition.MONOTRIBUTO_TRABAJADOR_PROMOVIDO,
    }),
    ComprobanteClass.B: frozenset({
        IvaCondition.EXENTO,
        IvaCondition.CONSUMIDOR_FINAL,
        IvaCondition.NO_CATEGORIZADO,
        IvaCondition.PROVEEDOR_DEL_EXTERIOR,
        IvaCondition.CLIENTE_DEL_EXTERIOR,
        IvaCondition.IVA_LIBERADO,
        IvaCondition.IVA_NO_ALCANZADO,
    }),
    ComprobanteClass.C: frozenset(IvaCondition),
}
"""The buyer conditions ARCA accepts on each class (its ``Cmp_Clase`` column)."""

CLASSES_BY_SELLER: dict[SellerCondition, frozenset[ComprobanteClass]] = {
    SellerCondition.RESPONSABLE_INSCRIPTO: frozenset({ComprobanteClass.A, ComprobanteClass.B}),
    SellerCondition.MONOTRIBUTO: frozenset({ComprobanteClass.C}),
    SellerCondition.EXENTO: frozenset({ComprobanteClass.C}),
}


def comprobante_class(seller: SellerCondition, buyer: IvaCondition) -> ComprobanteClass:
    if seller is not SellerCondition.RESPONSABLE_INSCRIPTO:
        return ComprobanteClass.C
    if buyer in CONDITIONS_BY_CLASS[ComprobanteClass.A]:
        return ComprobanteClass.A
    return ComprobanteClass.B


def invoice_type(seller: SellerCondition, buyer: IvaCondition) -> ComprobanteType:
    """The Factura a sale calls for: 1 (A), 6 (B) or 11 (C)."""
    return _INVOICES[comprobante_class(seller, buyer)]


def credit_note_type(original: ComprobanteType) -> ComprobanteType:
    """The Nota de Crédito that refunds ``original``: 3, 8 or 13, of its class."""
    if original.is_credit_note:
        raise FiscalError(reason=N_("a credit note cannot be refunded with another credit note"))
    return _CREDIT_NOTES[original.letter]


def check_seller_issues(seller: SellerCondition, kind: ComprobanteType) -> None:
    if kind.letter not in CLASSES_BY_SELLER[seller]:
        raise FiscalError(reason=_SELLER_REASON[seller])


_SELLER_REASON = {
    SellerCondition.RESPONSABLE_INSCRIPTO: N_("a Responsable Inscripto issues class A or B"),
    SellerCondition.MONOTRIBUTO: N_("a Monotributo or Exento seller issues class C"),
    SellerCondition.EXENTO: N_("a Monotributo or Exento seller issues class C"),
}


def check_buyer_fits(kind: ComprobanteType, buyer: Buyer) -> None:
    """What ARCA checks of the buyer against the class (error 10243). ``DocTipo`` 80 on
    class A (error 10013) needs no check here: ``Buyer`` identifies the conditions class A
    takes by CUIT only (``buyer.CUIT_ONLY``)."""
    if buyer.condition not in CONDITIONS_BY_CLASS[kind.letter]:
        raise BuyerDoesNotFit(comprobante=kind.label, reason=_CONDITION_REASON[kind.letter])


_CONDITION_REASON = {  # no class C: it takes every condition
    ComprobanteClass.A: N_("class A is only for Responsable Inscripto or Monotributo buyers"),
    ComprobanteClass.B: N_("class B is not for Responsable Inscripto or Monotributo buyers"),
}
