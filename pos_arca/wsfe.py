"""WSFEv1 client: zeep over the WSDL shipped in this package, the address given by the caller.

One method per ARCA operation (the ARCA name is in each docstring). Amounts go in and come out
as integer centavos. A refusal raises :class:`ArcaRejected`; no answer raises
:class:`ArcaNotSent` or :class:`ArcaOutcomeUnknown` (see :mod:`pos_arca.errors`).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Protocol

from zeep.exceptions import Error as ZeepError
from zeep.exceptions import Fault

from pos_arca import codes
from pos_arca.errors import (
    ArcaAuthError,
    ArcaMessage,
    ArcaNotSent,
    ArcaOutcomeUnknown,
    ArcaRejected,
)
from pos_arca.fortnight import Fortnight
from pos_arca.models import (
    AccessTicket,
    Caea,
    CaeaInformed,
    CaeaUnused,
    CaeAuthorization,
    Comprobante,
    ComprobanteRecord,
    Environment,
    PointOfSale,
    ServerStatus,
    Timeouts,
)
from pos_arca.transport import soap_client
from pos_arca.wsfe_codec import detail, messages, parse_ymd, record

log = logging.getLogger(__name__)
_BINDING = "{http://ar.gov.afip.dif.FEV1/}ServiceSoap"


class TicketSource(Protocol):
    def ticket(self) -> AccessTicket: ...


class WsfeClient:
    def __init__(self, *, cuit: int, credentials: TicketSource,
                 environment: Environment = Environment.HOMOLOGACION, url: str | None = None,
                 timeouts: Timeouts | None = None) -> None:
        self.cuit = cuit
        self.credentials = credentials
        self.url = url or environment.wsfe_url
        client, self._transport = soap_client("wsfev1.wsdl", timeouts or Timeouts())
        self._soap = client.create_service(_BINDING, self.url)  # type: ignore[no-untyped-call]

    def __repr__(self) -> str:
        return f"WsfeClient(cuit={self.cuit}, url={self.url!r})"

    # Plumbing -------------------------------------------------------------------------------
    def _call(self, operation: str, *, auth: bool = True, **arguments: Any) -> Any:
        if auth:
            try:
                ticket = self.credentials.ticket()
            except ArcaOutcomeUnknown as lost:
                # The login's answer was lost; this request itself never left.
                raise ArcaNotSent("WSAA's login did not answer", operation=lost.operation,
                                  detail=lost.explanation) from None
            arguments["Auth"] = {"Token": ticket.token, "Sign": ticket.sign, "Cuit": self.cuit}
        self._transport.operation = operation
        try:
            return getattr(self._soap, operation)(**arguments)
        except Fault as fault:
            # asmx answers a request it could not read with soap:Client: nothing was done.
            # A soap:Server fault may come after the work: we cannot tell, so unknown.
            if "Client" in str(fault.code or ""):
                raise ArcaRejected("ARCA could not read the request", operation=operation,
                                   errors=(ArcaMessage(0, str(fault.message)),)) from None
            raise ArcaOutcomeUnknown("ARCA failed while handling the request",
                                     operation=operation, detail=str(fault.message)) from None
        except ZeepError as error:
            raise ArcaOutcomeUnknown("ARCA's answer could not be read", operation=operation,
                                     detail=type(error).__name__) from None

    @staticmethod
    def _refuse_on_errors(operation: str, result: Any) -> None:
        errors = messages(result.Errors, "Err")
        if not errors:
            return
        if any(e.code in codes.SERVER_CODES for e in errors):
            # ARCA's own failure (application, database, a transaction in the way), not a
            # verdict on the request: the work may or may not be done, as after a 5xx.
            raise ArcaOutcomeUnknown("ARCA failed while handling the request",
                                     operation=operation, detail=str(errors[0]))
        if any(e.code in codes.AUTH_CODES for e in errors):
            first = errors[0]
            raise ArcaAuthError(codes.explanation(first.code), code=first.code, text=first.text)
        raise ArcaRejected(codes.explanation(errors[0].code), operation=operation, errors=errors)

    # Status and numbering -------------------------------------------------------------------
    def dummy(self) -> ServerStatus:
        """FEDummy: are ARCA's application, database and authentication servers up?"""
        result = self._call("FEDummy", auth=False)
        return ServerStatus(str(result.AppServer), str(result.DbServer), str(result.AuthServer))

    def last_authorized(self, point_of_sale: int, cbte_tipo: int) -> int:
        """FECompUltimoAutorizado: ARCA's last number for (point of sale, type); 0 if none."""
        result = self._call("FECompUltimoAutorizado", PtoVta=point_of_sale, CbteTipo=cbte_tipo)
        self._refuse_on_errors("FECompUltimoAutorizado", result)
        return int(result.CbteNro)

    def points_of_sale(self) -> tuple[PointOfSale, ...]:
        """FEParamGetPtosVenta: the CUIT's points of sale and their emission type."""
        result = self._call("FEParamGetPtosVenta")
        errors = messages(result.Errors, "Err")
        if any(e.code == codes.NOT_FOUND for e in errors):
            return ()
        self._refuse_on_errors("FEParamGetPtosVenta", result)
        return tuple(PointOfSale(int(p.Nro), str(p.EmisionTipo), p.Bloqueado == "S",
                                 parse_ymd(p.FchBaja))
                     for p in (result.ResultGet.PtoVenta if result.ResultGet else []))

    # CAE ------------------------------------------------------------------------------------
    def authorize(self, comprobante: Comprobante) -> CaeAuthorization:
        """FECAESolicitar for one comprobante: its CAE, or ArcaRejected (the number stays free).

        On ArcaOutcomeUnknown, call :meth:`consult` for the same number before anything else.
        """
        request = {"FeCabReq": {"CantReg": 1, "PtoVta": comprobante.point_of_sale,
                                "CbteTipo": comprobante.cbte_tipo},
                   "FeDetReq": {"FECAEDetRequest": [detail(comprobante)]}}
        result = self._call("FECAESolicitar", FeCAEReq=request)
        errors = messages(result.Errors, "Err")
        details = result.FeDetResp.FECAEDetResponse if result.FeDetResp else []
        answer = details[0] if details else None
        observations = messages(answer.Observaciones, "Obs") if answer is not None else ()
        if answer is None or answer.Resultado != "A":
            self._refuse_on_errors("FECAESolicitar", result)
            first = (errors or observations or (ArcaMessage(0, ""),))[0]
            raise ArcaRejected(codes.explanation(first.code), operation="FECAESolicitar",
                               errors=errors, observations=observations)
        due = parse_ymd(answer.CAEFchVto)
        if not answer.CAE or due is None:
            raise ArcaOutcomeUnknown("ARCA approved but sent no CAE", operation="FECAESolicitar")
        log.info("CAE for %s-%s type %s: due %s", comprobante.point_of_sale, comprobante.number,
                 comprobante.cbte_tipo, due)
        return CaeAuthorization(
            point_of_sale=comprobante.point_of_sale, cbte_tipo=comprobante.cbte_tipo,
            number=int(answer.CbteDesde), cae=str(answer.CAE), due_date=due,
            processed_at=str(result.FeCabResp.FchProceso or ""), observations=observations,
            events=messages(result.Events, "Evt"))

    def consult(self, point_of_sale: int, cbte_tipo: int, number: int
                ) -> ComprobanteRecord | None:
        """FECompConsultar: what ARCA holds for that number, or None if nothing (602)."""
        result = self._call("FECompConsultar", FeCompConsReq={
            "CbteTipo": cbte_tipo, "CbteNro": number, "PtoVta": point_of_sale})
        if any(e.code == codes.NOT_FOUND for e in messages(result.Errors, "Err")):
            return None
        self._refuse_on_errors("FECompConsultar", result)
        return record(result.ResultGet)

    def recover(self, comprobante: Comprobante) -> CaeAuthorization | None:
        """After ArcaOutcomeUnknown: did ARCA authorize this comprobante? (FECompConsultar)

        Returns its authorization if ARCA holds this very comprobante under its number, None if
        ARCA holds nothing there (then it is safe to authorize it again). Raises ArcaRejected
        if ARCA holds a different comprobante under that number.
        """
        found = self.consult(comprobante.point_of_sale, comprobante.cbte_tipo, comprobante.number)
        if found is None:
            return None
        same = (found.date == comprobante.date and found.total_centavos ==
                comprobante.total_centavos and found.doc_tipo == comprobante.doc_tipo and
                found.doc_nro == comprobante.doc_nro)
        if not same or found.due_date is None:
            raise ArcaRejected("ARCA holds a different comprobante under this number",
                               operation="FECompConsultar")
        return CaeAuthorization(
            point_of_sale=found.point_of_sale, cbte_tipo=found.cbte_tipo, number=found.number,
            cae=found.authorization_code, due_date=found.due_date,
            processed_at=found.processed_at, observations=found.observations)

    # CAEA -----------------------------------------------------------------------------------
    def request_caea(self, fortnight: Fortnight) -> Caea:
        """FECAEASolicitar: the fortnight's CAEA (15006 outside its window, 15008 if granted)."""
        result = self._call("FECAEASolicitar", Periodo=fortnight.period, Orden=fortnight.order)
        self._refuse_on_errors("FECAEASolicitar", result)
        return self._caea(result, fortnight)

    def consult_caea(self, fortnight: Fortnight) -> Caea | None:
        """FECAEAConsultar: the CAEA ARCA granted for the fortnight, or None."""
        result = self._call("FECAEAConsultar", Periodo=fortnight.period, Orden=fortnight.order)
        if any(e.code == codes.NOT_FOUND for e in messages(result.Errors, "Err")):
            return None
        self._refuse_on_errors("FECAEAConsultar", result)
        return self._caea(result, fortnight)

    @staticmethod
    def _caea(result: Any, fortnight: Fortnight) -> Caea:
        got = result.ResultGet
        valid_from, valid_to = parse_ymd(got.FchVigDesde), parse_ymd(got.FchVigHasta)
        deadline = parse_ymd(got.FchTopeInf)
        if valid_from is None or valid_to is None or deadline is None:
            raise ArcaOutcomeUnknown("ARCA's CAEA answer lacks its dates",
                                     operation="FECAEASolicitar")
        return Caea(code=str(got.CAEA), fortnight=fortnight, valid_from=valid_from,
                    valid_to=valid_to, inform_deadline=deadline,
                    processed_on=str(got.FchProceso or ""),
                    observations=messages(got.Observaciones, "Obs"))

    def inform_caea(self, comprobante: Comprobante, *, caea: str, issued_at: datetime
                    ) -> CaeaInformed:
        """FECAEARegInformativo for one comprobante issued with ``caea`` at ``issued_at``.

        After ArcaOutcomeUnknown, :meth:`consult` tells whether ARCA took it (its record then
        has ``emission_kind == "CAEA"``); :meth:`recover` is for CAE comprobantes.
        """
        det = detail(comprobante) | {"CAEA": caea,
                                     "CbteFchHsGen": issued_at.strftime("%Y%m%d%H%M%S")}
        request = {"FeCabReq": {"CantReg": 1, "PtoVta": comprobante.point_of_sale,
                                "CbteTipo": comprobante.cbte_tipo},
                   "FeDetReq": {"FECAEADetRequest": [det]}}
        result = self._call("FECAEARegInformativo", FeCAEARegInfReq=request)
        errors = messages(result.Errors, "Err")
        details = result.FeDetResp.FECAEADetResponse if result.FeDetResp else []
        answer = details[0] if details else None
        observations = messages(answer.Observaciones, "Obs") if answer is not None else ()
        if answer is None or answer.Resultado != "A":
            self._refuse_on_errors("FECAEARegInformativo", result)
            first = (errors or observations or (ArcaMessage(0, ""),))[0]
            raise ArcaRejected(codes.explanation(first.code), operation="FECAEARegInformativo",
                               errors=errors, observations=observations)
        return CaeaInformed(point_of_sale=comprobante.point_of_sale,
                            cbte_tipo=comprobante.cbte_tipo, number=int(answer.CbteDesde),
                            caea=caea, processed_at=str(result.FeCabResp.FchProceso or ""),
                            observations=observations)

    def inform_caea_unused(self, point_of_sale: int, caea: str) -> CaeaUnused:
        """FECAEASinMovimientoInformar: the point of sale issued nothing with this CAEA."""
        result = self._call("FECAEASinMovimientoInformar", PtoVta=point_of_sale, CAEA=caea)
        self._refuse_on_errors("FECAEASinMovimientoInformar", result)
        if result.Resultado != "A":
            raise ArcaRejected("ARCA did not take the sin-movimiento",
                               operation="FECAEASinMovimientoInformar")
        return CaeaUnused(caea=caea, point_of_sale=point_of_sale,
                          processed_on=str(result.FchProceso or ""))

    def consult_caea_unused(self, caea: str, point_of_sale: int = 0) -> tuple[CaeaUnused, ...]:
        """FECAEASinMovimientoConsultar: points of sale informed idle for ``caea`` (0 = all)."""
        result = self._call("FECAEASinMovimientoConsultar", CAEA=caea, PtoVta=point_of_sale)
        if any(e.code == codes.NOT_FOUND for e in messages(result.Errors, "Err")):
            return ()
        self._refuse_on_errors("FECAEASinMovimientoConsultar", result)
        entries = result.ResultGet.FECAEASinMov if result.ResultGet else []
        return tuple(CaeaUnused(caea=str(e.CAEA), point_of_sale=int(e.PtoVta),
                                processed_on=str(e.FchProceso or "")) for e in entries)
