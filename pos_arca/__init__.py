"""ARCA (ex AFIP) web services for Super POS: WSAA login and WSFEv1 (CAE and CAEA).

Self-contained: imports only the standard library and third-party libraries, so the till and
head office can both use it. The stand-in of ARCA for tests and the demo is
:mod:`pos_arca.standin`; certificates for it are made by :mod:`pos_arca.testing`.
"""

import importlib
from typing import TYPE_CHECKING, Any

from pos_arca.clock import Clock, ManualClock, OffsetClock, SystemClock, argentine_date
from pos_arca.errors import (
    ArcaAlreadyAuthenticated,
    ArcaAuthError,
    ArcaConfigError,
    ArcaError,
    ArcaLoginUnavailable,
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
from pos_arca.wsaa_codes import WsaaFaultKind

if TYPE_CHECKING:
    from pos_arca.wsaa import WsaaClient
    from pos_arca.wsfe import WsfeClient

# The two clients pull zeep, lxml, requests and httpx (0,8 s of the till's start-up when
# imported with the rest); the till imports this package for its errors, clock and models
# on every start, fiscal or not, so the clients load when first named.
_LAZY = {"WsaaClient": "pos_arca.wsaa", "WsfeClient": "pos_arca.wsfe"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pos_arca' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)

__all__ = [
    "AccessTicket", "AlicuotaIva", "ArcaAlreadyAuthenticated", "ArcaAuthError",
    "ArcaConfigError", "ArcaError", "ArcaLoginUnavailable", "ArcaMessage", "ArcaNotSent",
    "ArcaOutcomeUnknown", "ArcaRejected", "ArcaUnreachable", "CaeAuthorization", "Caea",
    "CaeaInformed", "CaeaUnused", "Clock", "Comprobante", "ComprobanteAsociado",
    "ComprobanteRecord", "Environment", "Fortnight", "ManualClock", "OffsetClock", "PointOfSale",
    "ServerStatus", "SystemClock", "Timeouts", "Tributo", "WsaaClient", "WsaaFaultKind",
    "WsfeClient", "argentine_date",
]
