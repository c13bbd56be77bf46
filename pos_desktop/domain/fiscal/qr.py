"""The RG 4892 QR of an authorized comprobante.

``https://www.afip.gob.ar/fe/qr/?p=`` + base64 of a JSON object, fields and types as ARCA's
specification (``/fe/qr/especificaciones.asp``) and pyafipws' ``pyqr.py`` write them:
``ver`` 1, ``fecha`` "YYYY-MM-DD" (the Argentine date), ``cuit`` (number, 11 digits),
``ptoVta``, ``tipoCmp``, ``nroCmp`` (numbers), ``importe`` (decimal, up to 13 integer
digits and 2 decimals), ``moneda`` "PES", ``ctz`` 1, ``tipoDocRec`` and ``nroDocRec``
(numbers; 99 and 0 for an anonymous consumer, as the request said), ``tipoCodAut`` "E"
(CAE) or "A" (CAEA), ``codAut`` (number, 14 digits).

``importe`` is written from the centavos as a JSON number with two decimals (``1488.63``),
never through float: JSON numbers are decimal text, and a reader that keeps decimals reads
back exactly the comprobante's total.
"""

from __future__ import annotations

import base64
import json
from decimal import Decimal
from typing import Any

from pos_common.i18n import N_
from pos_desktop.domain.fiscal.comprobante import Comprobante
from pos_desktop.domain.fiscal.errors import FiscalError
from pos_desktop.domain.money import format_decimal_pesos

QR_URL = "https://www.afip.gob.ar/fe/qr/?p="
QR_VERSION = 1
CURRENCY = "PES"


def qr_json(comprobante: Comprobante) -> str:
    """The JSON the QR carries, compact, in the specification's field order."""
    authorization = comprobante.authorization
    if authorization is None:
        raise FiscalError(reason=N_("a comprobante gets its QR once ARCA authorized it"))
    fields: list[tuple[str, str]] = [
        ("ver", str(QR_VERSION)),
        ("fecha", json.dumps(comprobante.issued_on.isoformat())),
        ("cuit", str(comprobante.seller.cuit_number)),
        ("ptoVta", str(comprobante.point_of_sale.number)),
        ("tipoCmp", str(int(comprobante.kind))),
        ("nroCmp", str(comprobante.number.value)),
        ("importe", format_decimal_pesos(comprobante.total)),
        ("moneda", json.dumps(CURRENCY)),
        ("ctz", "1"),
        ("tipoDocRec", str(int(comprobante.buyer.document_type))),
        ("nroDocRec", str(comprobante.buyer.document_number)),
        ("tipoCodAut", json.dumps(authorization.kind.qr_code)),
        ("codAut", str(int(authorization.code))),
    ]
    return "{" + ",".join(f'"{name}":{value}' for name, value in fields) + "}"


def qr_url(comprobante: Comprobante) -> str:
    """What the printed QR encodes."""
    payload = base64.b64encode(qr_json(comprobante).encode("ascii")).decode("ascii")
    return QR_URL + payload


def read_qr_url(url: str) -> dict[str, Any]:
    """The JSON of a QR URL, decimals kept exact (``importe`` as ``Decimal``): for checking
    a printed receipt against its comprobante."""
    if not url.startswith(QR_URL):
        raise ValueError("not an ARCA comprobante QR")
    data: dict[str, Any] = json.loads(base64.b64decode(url[len(QR_URL):], validate=True),
                                      parse_float=Decimal)
    return data
