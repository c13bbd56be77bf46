"""A comprobante's amounts and buyer from the plain mapping both ends keep them in.

The till's fiscal block and head office's rows hold ARCA's own figures under these keys
(integer centavos): ``net`` (ImpNeto), ``iva`` ([{id, base, amount}], AlicIva), ``exempt``
(ImpOpEx), ``untaxed`` (ImpTotConc), ``other_taxes`` ([{id, description, base, rate_bp,
amount}], Tributos), ``total`` (ImpTotal); the buyer as ``doc_type``, ``doc_number``,
``iva_condition``. One translation, so the CAE the till asks for and the CAEA comprobante
head office informs are the same request.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pos_arca.models import AlicuotaIva, Tributo


def amount_fields(amounts: Mapping[str, Any]) -> dict[str, Any]:
    """``Comprobante`` keyword arguments for the amounts (IVA and Tributos included)."""
    return {
        "total_centavos": int(amounts["total"]),
        "no_gravado_centavos": int(amounts["untaxed"]),
        "neto_centavos": int(amounts["net"]),
        "exento_centavos": int(amounts["exempt"]),
        "tributos_centavos": sum(int(t["amount"]) for t in amounts["other_taxes"]),
        "iva_centavos": sum(int(a["amount"]) for a in amounts["iva"]),
        "iva": tuple(AlicuotaIva(iva_id=int(a["id"]), base_centavos=int(a["base"]),
                                 importe_centavos=int(a["amount"])) for a in amounts["iva"]),
        "tributos": tuple(Tributo(tributo_id=int(t["id"]), descripcion=str(t["description"]),
                                  base_centavos=int(t["base"]),
                                  alicuota=Decimal(int(t["rate_bp"])) / 100,
                                  importe_centavos=int(t["amount"]))
                          for t in amounts["other_taxes"]),
    }


def buyer_fields(buyer: Mapping[str, Any]) -> dict[str, Any]:
    """``Comprobante`` keyword arguments for the buyer (DocTipo, DocNro, RG 5616)."""
    return {"doc_tipo": int(buyer["doc_type"]), "doc_nro": int(buyer["doc_number"]),
            "condicion_iva_receptor": int(buyer["iva_condition"])}
