"""ARCA (ex AFIP) web services for Super POS: WSAA login and WSFEv1 (CAE and CAEA).

Self-contained: imports only the standard library and third-party libraries, so the till and
head office can both use it. The stand-in of ARCA for tests and the demo is
:mod:`pos_arca.standin`; certificates for it are made by :mod:`pos_arca.testing`.
"""

from pos_arca.clock import Clock, ManualClock, OffsetClock, SystemClock, argentine_date
from pos_arca.errors import (
    ArcaAlreadyAuthenticated,
    ArcaAuthError,
    ArcaConfigError,
    ArcaError,
    ArcaMessage,
    ArcaNotSent,
    ArcaOutcomeUnknown,
    ArcaRejected,
    ArcaUnreachable,
)
from pos_arca.fortnight import Fortnight
from pos_arca.models import (
    AccessTicket,
    AlicuotaIva,
    Caea,
    CaeaInformed,
    CaeaUnused,
    CaeAuthorization,
    Comprobante,
    ComprobanteAsociado,
    ComprobanteRecord,
    Environment,
    PointOfSale,
    ServerStatus,
    Timeouts,
    Tributo,
)
from pos_arca.wsaa import WsaaClient
from pos_arca.wsfe import WsfeClient

__all__ = [
    "AccessTicket", "AlicuotaIva", "ArcaAlreadyAuthenticated", "ArcaAuthError",
    "ArcaConfigError", "ArcaError", "ArcaMessage", "ArcaNotSent", "ArcaOutcomeUnknown",
    "ArcaRejected", "ArcaUnreachable", "CaeAuthorization", "Caea", "CaeaInformed", "CaeaUnused",
    "Clock", "Comprobante", "ComprobanteAsociado", "ComprobanteRecord", "Environment",
    "Fortnight", "ManualClock", "OffsetClock", "PointOfSale", "ServerStatus", "SystemClock",
    "Timeouts", "Tributo", "WsaaClient", "WsfeClient", "argentine_date",
]
