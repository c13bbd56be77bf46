"""ARCA's amounts of a comprobante, from the centavos the sale already keeps.

Input: what each line was paid (IVA-inclusive, after its discount, its share of the ticket
discount and of the cash rounding: ``Sale.totals().line_amounts``), its IVA rate and the
impuestos internos inside it. Output, integer centavos:

``ImpTotal = ImpTotConc + ImpNeto + ImpOpEx + ImpTrib + ImpIVA``, exactly, and equal to
the sum of the lines, so equal to the sale's total.

Rounding rule (the only division here): per rate, once, on the rate's gross ``g`` (the
lines' amounts at that rate less their impuestos internos):
``IVA = round_half_up(g × r / (100 + r))`` — the same figure ``tax.iva_contained`` gives the
receipt's "IVA contenido" and the Z — and ``BaseImp = g − IVA``. So ``BaseImp + IVA = g`` to
the centavo, and with ``IVA = g·r/(1+r) + e``, ``|e| ≤ ½``:
``BaseImp × r − IVA = −e·(1 + r)``, at most 0,635 centavos away: less than a centavo, inside
ARCA's margin for ``AlicIva`` (error 10051: 0,01 pesos absolute, or 0,01 % relative) in its
strictest reading. Rounding each line instead would add up to centavos of difference on
long tickets.

Per class:
- A and B discriminate IVA: taxed goods (0 % included) go to ``ImpNeto`` with one
  ``AlicIva`` per rate (its base > 0, ids unique: errors 10020, 10022), ``ImpIVA`` is their
  sum; exento goods go to ``ImpOpEx``, no gravado to ``ImpTotConc``;
- C discriminates nothing: no ``Iva`` array, ``ImpIVA``, ``ImpOpEx`` and ``ImpTotConc`` are 0
  and ``ImpNeto`` is the subtotal (errors 10043, 10044, 10047, 10048, 10071).

Impuestos internos go to ``ImpTrib`` as ``Tributo`` id 4 in every class, one entry per
percentage (fixed per-unit amounts together, with ``Alic`` 0); their ``BaseImp`` is what the
lines were paid. They are no part of the IVA base.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pos_desktop.domain.fiscal.kinds import ComprobanteClass
from pos_desktop.domain.refund import RefundPlan
from pos_desktop.domain.sale import Sale
from pos_desktop.domain.tax import InternalTax, IvaKind, IvaRate, iva_contained

INTERNAL_TAXES = 4
"""``Tributo.Id`` of impuestos internos (``FEParamGetTiposTributos``)."""


@dataclass(frozen=True, slots=True)
class TaxedAmount:
    """What a line was paid, its IVA rate, and the impuestos internos inside the amount
    (``internal_rate_bp``: their percentage, 0 for a fixed amount per unit)."""

    rate: IvaRate
    amount: int
    internal_tax: int = 0
    internal_rate_bp: int = 0

    def __post_init__(self) -> None:
        if self.amount < 0 or not 0 <= self.internal_tax <= self.amount:
            raise ValueError("a line amount and its internal tax are never negative")


@dataclass(frozen=True, slots=True)
class AlicIva:
    rate: IvaRate
    base: int  # BaseImp
    amount: int  # Importe

    @property
    def arca_id(self) -> int:
        arca_id = self.rate.arca_id
        if arca_id is None:
            raise ValueError(f"{self.rate} is not an IVA rate")
        return arca_id


@dataclass(frozen=True, slots=True)
class Tributo:
    tributo_id: int
    description: str
    base: int  # BaseImp
    rate_bp: int  # Alic, in basis points (2,5 % = 250)
    amount: int  # Importe


@dataclass(frozen=True, slots=True)
class ArcaAmounts:
    """The amounts of one comprobante of ``comprobante_class``, integer centavos."""

    comprobante_class: ComprobanteClass
    net: int  # ImpNeto (for class C: the subtotal)
    iva: int  # ImpIVA
    exempt: int  # ImpOpEx
    not_taxed: int  # ImpTotConc
    tributes: int  # ImpTrib
    alic_iva: tuple[AlicIva, ...] = ()
    tributos: tuple[Tributo, ...] = ()

    def __post_init__(self) -> None:
        if min(self.net, self.iva, self.exempt, self.not_taxed, self.tributes) < 0:
            raise ValueError("ARCA amounts are never negative")
        if self.tributes != sum(t.amount for t in self.tributos):
            raise ValueError("ImpTrib must be the sum of the tributos")
        if self.comprobante_class is ComprobanteClass.C:
            if self.alic_iva or self.iva or self.exempt or self.not_taxed:
                raise ValueError("a class C comprobante discriminates no IVA")
            return
        if self.iva != sum(a.amount for a in self.alic_iva):
            raise ValueError("ImpIVA must be the sum of the AlicIva amounts")
        if self.net != sum(a.base for a in self.alic_iva):
            raise ValueError("ImpNeto must be the sum of the AlicIva bases")
        if len({a.rate for a in self.alic_iva}) != len(self.alic_iva):
            raise ValueError("one AlicIva per rate")

    @property
    def total(self) -> int:
        """``ImpTotal``: the sum, by construction."""
        return self.not_taxed + self.net + self.exempt + self.tributes + self.iva


def arca_amounts(lines: Iterable[TaxedAmount], comprobante_class: ComprobanteClass) -> ArcaAmounts:
    """The amounts of a comprobante of ``comprobante_class`` for ``lines``."""
    gross: dict[IvaRate, int] = {}
    internal: dict[int, tuple[int, int]] = {}  # rate_bp -> (base, amount)
    for line in lines:
        gross[line.rate] = gross.get(line.rate, 0) + line.amount - line.internal_tax
        if line.internal_tax:
            base, amount = internal.get(line.internal_rate_bp, (0, 0))
            internal[line.internal_rate_bp] = (base + line.amount, amount + line.internal_tax)
    tributos = tuple(Tributo(INTERNAL_TAXES, "Impuestos Internos", base, bp, amount)
                     for bp, (base, amount) in sorted(internal.items()))
    tributes = sum(t.amount for t in tributos)
    if comprobante_class is ComprobanteClass.C:
        return ArcaAmounts(comprobante_class, sum(gross.values()), 0, 0, 0, tributes,
                           tributos=tributos)
    alic: list[AlicIva] = []
    by_kind = dict.fromkeys(IvaKind, 0)
    for rate in IvaRate:  # a fixed order: the same sale always gives the same request
        g = gross.get(rate, 0)
        if not g:
            continue  # ARCA takes no AlicIva with a zero base (error 10020)
        by_kind[rate.kind] += g
        if rate.kind is IvaKind.TAXED:
            iva = iva_contained(g, rate)
            alic.append(AlicIva(rate, g - iva, iva))
    return ArcaAmounts(
        comprobante_class,
        net=sum(a.base for a in alic),
        iva=sum(a.amount for a in alic),
        exempt=by_kind[IvaKind.EXEMPT],
        not_taxed=by_kind[IvaKind.NOT_TAXED],
        tributes=tributes,
        alic_iva=tuple(alic),
        tributos=tributos,
    )


def iva_fits_rate(alic: AlicIva) -> bool:
    """ARCA's check of an ``AlicIva`` (error 10051), in its strictest reading:
    ``BaseImp × rate`` less than a centavo away from ``Importe``. (ARCA's manual allows
    0,01 pesos or 0,01 %; our stand-in, ``pos_arca``, refuses a whole centavo. The rule of
    this module stays under 0,635 centavos, inside both.)"""
    return abs(alic.base * alic.rate.per_thousand - alic.amount * 1000) < 1000  # 1/1000 ¢


def sale_lines(sale: Sale,
               internal_taxes: Mapping[str, InternalTax] | None = None) -> list[TaxedAmount]:
    """A sale's lines as they were paid (``Sale.totals()``: after every discount and the
    cash rounding). ``internal_taxes``: the impuestos internos of the products that have
    them, by SKU."""
    taxes = internal_taxes or {}
    amounts = sale.totals().line_amounts
    lines: list[TaxedAmount] = []
    for line in sale.lines:
        amount = amounts[line.line_no]
        tax = taxes.get(line.product.sku)
        lines.append(_taxed(line.product.iva_rate, amount, line.quantity_milli, tax))
    return lines


def refund_lines(plan: RefundPlan,
                 internal_taxes: Mapping[str, InternalTax] | None = None) -> list[TaxedAmount]:
    """A refund's lines (the money given back for each), for its Nota de Crédito."""
    taxes = internal_taxes or {}
    return [
        _taxed(IvaRate(line.original.iva_rate), line.amount, line.quantity_milli,
               taxes.get(line.original.sku))
        for line in plan.lines
    ]


def _taxed(rate: IvaRate, amount: int, quantity_milli: int,
           tax: InternalTax | None) -> TaxedAmount:
    if tax is None:
        return TaxedAmount(rate, amount)
    return TaxedAmount(rate, amount, tax.of(amount, quantity_milli), tax.percent_bp)
