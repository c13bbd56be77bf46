"""Comprobantes and helpers shared by the ARCA tests."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from pos_arca import AlicuotaIva, Clock, Comprobante, argentine_date


def today(clock: Clock) -> date:
    return argentine_date(clock)


def factura_b(number: int, day: date, **changes: Any) -> Comprobante:
    """A consumer's Factura B of $ 121,00 (21 % IVA) on point of sale 1."""
    base = Comprobante(
        point_of_sale=1, cbte_tipo=6, number=number, date=day, total_centavos=12100,
        neto_centavos=10000, iva_centavos=2100,
        iva=(AlicuotaIva(iva_id=5, base_centavos=10000, importe_centavos=2100),))
    return dataclasses.replace(base, **changes)


def factura_c(number: int, day: date, **changes: Any) -> Comprobante:
    base = Comprobante(point_of_sale=1, cbte_tipo=11, number=number, date=day,
                       total_centavos=5000, neto_centavos=5000)
    return dataclasses.replace(base, **changes)

