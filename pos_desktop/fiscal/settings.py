"""What the till's fiscal adapter needs to know, read from the settings table.

==============================  ==================================================
setting                         meaning
==============================  ==================================================
``fiscal.mode``                 ``arca`` (comprobantes authorized by ARCA) or ``none``
                                (training: "Documento no válido como factura")
``fiscal.environment``          ``homologacion`` (ARCA's testing servers) or ``produccion``
``fiscal.point_of_sale``        this till's CAE point of sale (1–99998)
``fiscal.caea_point_of_sale``   this till's CAEA point of sale (issue 12), or none
``fiscal.caea_missing``         offline with no valid CAEA: ``pending`` (the sale goes on,
                                its comprobante waits for ARCA) or ``refuse``
``fiscal.wsaa_url``             WSAA's address; empty: ARCA's for the environment
``fiscal.wsfe_url``             WSFEv1's address; empty: ARCA's for the environment
``fiscal.timeout_seconds``      how long to wait for ARCA's answer once a request left
``fiscal.certificate``          the taxpayer's certificate (PEM text; not a secret)
``fiscal.key_file``             a key file readable only by the till's user, or empty:
                                the key is in the OS keyring (``fiscal.private_key``)
``fiscal.identification_threshold``  RG 5700: from this total the buyer is identified
==============================  ==================================================

The CUIT is the store's (``store.cuit``) and must be the certificate's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pos_arca import Environment, Timeouts
from pos_desktop.domain.fiscal.buyer import DEFAULT_IDENTIFICATION_THRESHOLD
from pos_desktop.domain.fiscal.caea import MissingCaeaAction
from pos_desktop.domain.fiscal.parties import SellerCondition

#: ARCA's last number per CAEA (point of sale, type) when last asked (``"2/6": 41``): written
#: by the worker at start-up and after every reconnection, read by the checkout and status.
CAEA_ARCA_LAST_KEY = "fiscal.caea_arca_last"
MODE_ARCA = "arca"
MODE_NONE = "none"
DEFAULT_TIMEOUT = 4
CONNECT_TIMEOUT = 3.0


@dataclass(frozen=True, slots=True)
class FiscalSettings:
    mode: str = MODE_NONE
    environment: Environment = Environment.HOMOLOGACION
    cuit: str = ""  # 11 digits
    seller_condition: SellerCondition = SellerCondition.RESPONSABLE_INSCRIPTO
    point_of_sale: int | None = None
    caea_point_of_sale: int | None = None
    caea_missing: MissingCaeaAction = MissingCaeaAction.PENDING
    wsaa_url: str = ""
    wsfe_url: str = ""
    timeout_seconds: float = DEFAULT_TIMEOUT
    certificate_pem: str = ""
    key_file: str = ""
    identification_threshold: int = DEFAULT_IDENTIFICATION_THRESHOLD

    @property
    def arca(self) -> bool:
        """Comprobantes are issued (fiscal mode ARCA)."""
        return self.mode == MODE_ARCA

    @property
    def problems(self) -> list[str]:
        """What is missing for ARCA mode (English source strings, translated on display)."""
        missing = []
        if not self.cuit:
            missing.append("store.cuit")
        if not self.point_of_sale:
            missing.append("fiscal.point_of_sale")
        if not self.certificate_pem:
            missing.append("fiscal.certificate")
        return missing

    @property
    def timeouts(self) -> Timeouts:
        return Timeouts(connect=CONNECT_TIMEOUT, read=float(self.timeout_seconds))

    @property
    def effective_wsaa_url(self) -> str:
        return self.wsaa_url or self.environment.wsaa_url

    @property
    def effective_wsfe_url(self) -> str:
        return self.wsfe_url or self.environment.wsfe_url


def _int_or_none(value: Any) -> int | None:
    if value in (None, "", 0):
        return None
    return int(value)


def load_fiscal_settings(stored: Mapping[str, Any]) -> FiscalSettings:
    """Settings from the table's values; unknown or missing values take their defaults."""
    digits = "".join(c for c in str(stored.get("store.cuit") or "") if c.isdigit())
    try:
        condition = SellerCondition(str(stored.get("store.iva_condition") or
                                        SellerCondition.RESPONSABLE_INSCRIPTO.value))
    except ValueError:
        condition = SellerCondition.RESPONSABLE_INSCRIPTO
    try:
        environment = Environment(str(stored.get("fiscal.environment") or "homologacion"))
    except ValueError:
        environment = Environment.HOMOLOGACION
    threshold = stored.get("fiscal.identification_threshold")
    try:
        missing = MissingCaeaAction(str(stored.get("fiscal.caea_missing") or "pending"))
    except ValueError:
        missing = MissingCaeaAction.PENDING
    return FiscalSettings(
        mode=MODE_ARCA if stored.get("fiscal.mode") == MODE_ARCA else MODE_NONE,
        environment=environment,
        cuit=digits,
        seller_condition=condition,
        point_of_sale=_int_or_none(stored.get("fiscal.point_of_sale")),
        caea_point_of_sale=_int_or_none(stored.get("fiscal.caea_point_of_sale")),
        caea_missing=missing,
        wsaa_url=str(stored.get("fiscal.wsaa_url") or "").strip(),
        wsfe_url=str(stored.get("fiscal.wsfe_url") or "").strip(),
        timeout_seconds=float(stored.get("fiscal.timeout_seconds") or DEFAULT_TIMEOUT),
        certificate_pem=str(stored.get("fiscal.certificate") or ""),
        key_file=str(stored.get("fiscal.key_file") or "").strip(),
        identification_threshold=int(threshold) if threshold not in (None, "")
        else DEFAULT_IDENTIFICATION_THRESHOLD,
    )
