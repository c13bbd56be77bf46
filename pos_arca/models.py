"""Typed inputs and outputs of the ARCA client. Amounts are integer centavos."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from pos_arca.errors import ArcaMessage
from pos_arca.fortnight import Fortnight

_Date = date  # the comprobantes below have a field named date


class Environment(StrEnum):
    HOMOLOGACION = "homologacion"
    PRODUCCION = "produccion"

    @property
    def wsaa_url(self) -> str:
        return _URLS[self][0]

    @property
    def wsfe_url(self) -> str:
        return _URLS[self][1]


_URLS = {
    Environment.HOMOLOGACION: ("https://wsaahomo.afip.gov.ar/ws/services/LoginCms",
                               "https://wswhomo.afip.gov.ar/wsfev1/service.asmx"),
    Environment.PRODUCCION: ("https://wsaa.afip.gov.ar/ws/services/LoginCms",
                             "https://servicios1.afip.gov.ar/wsfev1/service.asmx"),
}


@dataclass(frozen=True)
class Timeouts:
    """Seconds. Short on purpose: the till falls back to CAEA instead of waiting."""

    connect: float = 3.0
    read: float = 6.0


@dataclass(frozen=True)
class AccessTicket:
    """WSAA's ticket (TA). ``token`` and ``sign`` are credentials: never logged or shown."""

    token: str = field(repr=False)
    sign: str = field(repr=False)
    generated_at: datetime
    expires_at: datetime
    source: str = ""
    destination: str = ""

    def valid_at(self, moment: datetime) -> bool:
        """Not expired at ``moment``. generationTime is ARCA's clock, which may run ahead of
        the till's, so it is not compared."""
        return moment < self.expires_at


# Comprobante request ------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AlicuotaIva:
    iva_id: int  # 3 = 0 %, 4 = 10,5 %, 5 = 21 %, 6 = 27 %, 8 = 5 %, 9 = 2,5 %
    base_centavos: int
    importe_centavos: int


@dataclass(frozen=True, kw_only=True)
class Tributo:
    tributo_id: int  # FEParamGetTiposTributos: 4 = impuestos internos, 99 = otro...
    descripcion: str
    base_centavos: int
    alicuota: Decimal  # percent, e.g. Decimal("1.00")
    importe_centavos: int


@dataclass(frozen=True, kw_only=True)
class ComprobanteAsociado:
    """The comprobante a Nota de Crédito refunds (CbtesAsoc)."""

    cbte_tipo: int
    point_of_sale: int
    number: int
    cuit: int | None = None
    date: date | None = None


@dataclass(frozen=True, kw_only=True)
class Comprobante:
    """One comprobante as FECAESolicitar and FECAEARegInformativo take it."""

    point_of_sale: int
    cbte_tipo: int  # 1 A, 3 NC A, 6 B, 8 NC B, 11 C, 13 NC C
    number: int
    date: date  # CbteFch, the Argentine date
    total_centavos: int  # ImpTotal
    concepto: int = 1  # 1 productos, 2 servicios, 3 ambos
    doc_tipo: int = 99  # 80 CUIT, 86 CUIL, 96 DNI, 99 sin identificar
    doc_nro: int = 0
    #: RG 5616: 1 RI, 4 Exento, 5 Consumidor Final, 6 Monotributo. None leaves it out.
    condicion_iva_receptor: int | None = 5
    no_gravado_centavos: int = 0  # ImpTotConc
    neto_centavos: int = 0  # ImpNeto
    exento_centavos: int = 0  # ImpOpEx
    tributos_centavos: int = 0  # ImpTrib
    iva_centavos: int = 0  # ImpIVA
    iva: tuple[AlicuotaIva, ...] = ()
    tributos: tuple[Tributo, ...] = ()
    asociados: tuple[ComprobanteAsociado, ...] = ()
    moneda: str = "PES"
    cotizacion: Decimal = Decimal(1)
    service_from: _Date | None = None
    service_to: _Date | None = None
    payment_due: _Date | None = None


# Results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaeAuthorization:
    point_of_sale: int
    cbte_tipo: int
    number: int
    cae: str  # 14 digits
    due_date: date  # CAEFchVto
    processed_at: str  # FchProceso as ARCA gives it (yyyymmddhhmiss)
    observations: tuple[ArcaMessage, ...] = ()
    events: tuple[ArcaMessage, ...] = ()


@dataclass(frozen=True)
class ComprobanteRecord:
    """What FECompConsultar returns about a comprobante ARCA holds."""

    point_of_sale: int
    cbte_tipo: int
    number: int
    date: date
    concepto: int
    doc_tipo: int
    doc_nro: int
    condicion_iva_receptor: int | None
    total_centavos: int
    neto_centavos: int
    iva_centavos: int
    resultado: str  # A
    authorization_code: str  # CAE or CAEA
    emission_kind: str  # "CAE" or "CAEA"
    due_date: _Date | None
    processed_at: str
    observations: tuple[ArcaMessage, ...] = ()


@dataclass(frozen=True)
class PointOfSale:
    number: int
    emission_type: str  # as ARCA words it: "CAE - Ri Iva", "CAEA - Ri Iva"...
    blocked: bool
    retired_on: date | None

    @property
    def is_caea(self) -> bool:
        return self.emission_type.upper().startswith("CAEA")


@dataclass(frozen=True)
class Caea:
    code: str  # 14 digits
    fortnight: Fortnight
    valid_from: date
    valid_to: date
    inform_deadline: date  # FchTopeInf
    processed_on: str
    observations: tuple[ArcaMessage, ...] = ()


@dataclass(frozen=True)
class CaeaInformed:
    """One CAEA comprobante ARCA accepted through FECAEARegInformativo."""

    point_of_sale: int
    cbte_tipo: int
    number: int
    caea: str
    processed_at: str
    observations: tuple[ArcaMessage, ...] = ()


@dataclass(frozen=True)
class CaeaUnused:
    """A point of sale informed as idle (sin movimiento) for a CAEA."""

    caea: str
    point_of_sale: int
    processed_on: str


@dataclass(frozen=True)
class ServerStatus:
    app_server: str
    db_server: str
    auth_server: str

    @property
    def ok(self) -> bool:
        return self.app_server == self.db_server == self.auth_server == "OK"
