"""Our typed comprobantes to zeep's dicts and ARCA's answers back: centavos <-> ARCA's decimals.

Amounts leave as exact two-decimal ``Decimal`` strings (zeep writes ``str(value)``), never as
floats; they come back from zeep as floats and are rounded to the centavo.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pos_arca.errors import ArcaMessage
from pos_arca.models import Comprobante, ComprobanteRecord

_CENTAVO = Decimal("0.01")


def pesos(centavos: int) -> Decimal:
    return (Decimal(centavos) / 100).quantize(_CENTAVO)


def centavos(value: Any) -> int:
    if value is None:
        return 0
    return int((Decimal(str(value)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def ymd(day: date | None) -> str | None:
    return day.strftime("%Y%m%d") if day is not None else None


def parse_ymd(value: str | None) -> date | None:
    if not value or value == "NULL":
        return None
    return datetime.strptime(value, "%Y%m%d").date()


def detail(comprobante: Comprobante) -> dict[str, Any]:
    """FECAEDetRequest's fields (FECAEADetRequest adds CAEA and CbteFchHsGen)."""
    c = comprobante
    det: dict[str, Any] = {
        "Concepto": c.concepto, "DocTipo": c.doc_tipo, "DocNro": c.doc_nro,
        "CbteDesde": c.number, "CbteHasta": c.number, "CbteFch": ymd(c.date),
        "ImpTotal": pesos(c.total_centavos), "ImpTotConc": pesos(c.no_gravado_centavos),
        "ImpNeto": pesos(c.neto_centavos), "ImpOpEx": pesos(c.exento_centavos),
        "ImpTrib": pesos(c.tributos_centavos), "ImpIVA": pesos(c.iva_centavos),
        "FchServDesde": ymd(c.service_from), "FchServHasta": ymd(c.service_to),
        "FchVtoPago": ymd(c.payment_due), "MonId": c.moneda, "MonCotiz": c.cotizacion,
        "CondicionIVAReceptorId": c.condicion_iva_receptor,
    }
    if c.asociados:
        det["CbtesAsoc"] = {"CbteAsoc": [
            {"Tipo": a.cbte_tipo, "PtoVta": a.point_of_sale, "Nro": a.number,
             "Cuit": str(a.cuit) if a.cuit else None, "CbteFch": ymd(a.date)}
            for a in c.asociados]}
    if c.tributos:
        det["Tributos"] = {"Tributo": [
            {"Id": t.tributo_id, "Desc": t.descripcion, "BaseImp": pesos(t.base_centavos),
             "Alic": t.alicuota, "Importe": pesos(t.importe_centavos)} for t in c.tributos]}
    if c.iva:
        det["Iva"] = {"AlicIva": [
            {"Id": a.iva_id, "BaseImp": pesos(a.base_centavos),
             "Importe": pesos(a.importe_centavos)} for a in c.iva]}
    return det


def messages(container: Any, item: str) -> tuple[ArcaMessage, ...]:
    """Errors/Err, Observaciones/Obs or Events/Evt as ArcaMessages."""
    if container is None:
        return ()
    entries = getattr(container, item, None) or []
    return tuple(ArcaMessage(int(e.Code), str(e.Msg or "")) for e in entries)


def record(found: Any) -> ComprobanteRecord:
    day = parse_ymd(found.CbteFch)
    assert day is not None
    return ComprobanteRecord(
        point_of_sale=int(found.PtoVta), cbte_tipo=int(found.CbteTipo),
        number=int(found.CbteDesde), date=day, concepto=int(found.Concepto),
        doc_tipo=int(found.DocTipo), doc_nro=int(found.DocNro),
        condicion_iva_receptor=(int(found.CondicionIVAReceptorId)
                                if found.CondicionIVAReceptorId is not None else None),
        total_centavos=centavos(found.ImpTotal), neto_centavos=centavos(found.ImpNeto),
        iva_centavos=centavos(found.ImpIVA), resultado=str(found.Resultado or ""),
        authorization_code=str(found.CodAutorizacion or ""),
        emission_kind=str(found.EmisionTipo or ""), due_date=parse_ymd(found.FchVto),
        processed_at=str(found.FchProceso or ""),
        observations=messages(found.Observaciones, "Obs"))
