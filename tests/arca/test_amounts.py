"""ARCA's amounts and buyer as both ends keep them, turned into a Comprobante's fields."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pos_arca import AlicuotaIva, Comprobante, Tributo
from pos_arca.amounts import amount_fields, buyer_fields


def test_amounts_with_two_rates_and_an_internal_tax_become_arca_s_fields() -> None:
    amounts = {"net": 19_000, "iva": [{"id": 5, "base": 10_000, "amount": 2_100},
                                      {"id": 4, "base": 9_000, "amount": 945}],
               "exempt": 500, "untaxed": 300,
               "other_taxes": [{"id": 4, "description": "Impuestos internos", "base": 1_000,
                                "rate_bp": 850, "amount": 85}],
               "total": 22_930}
    buyer = {"doc_type": 96, "doc_number": 30111222, "name": "Ana", "iva_condition": 5}

    made = Comprobante(point_of_sale=2, cbte_tipo=6, number=7, date=date(2026, 7, 9),
                       **amount_fields(amounts), **buyer_fields(buyer))

    assert (made.total_centavos, made.neto_centavos, made.exento_centavos,
            made.no_gravado_centavos, made.iva_centavos, made.tributos_centavos) == (
        22_930, 19_000, 500, 300, 3_045, 85)
    assert made.iva == (AlicuotaIva(iva_id=5, base_centavos=10_000, importe_centavos=2_100),
                        AlicuotaIva(iva_id=4, base_centavos=9_000, importe_centavos=945))
    assert made.tributos == (Tributo(tributo_id=4, descripcion="Impuestos internos",
                                     base_centavos=1_000, alicuota=Decimal("8.5"),
                                     importe_centavos=85),)
    assert (made.doc_tipo, made.doc_nro, made.condicion_iva_receptor) == (96, 30111222, 5)
