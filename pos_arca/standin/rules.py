"""ARCA's rules for one comprobante (FECAEDetRequest / FECAEADetRequest), each with ARCA's code.

Pure functions over the request's XML; they return ARCA's observations (detail-level reasons
for a rejection). Numbering and dates against the last authorized comprobante are checked by
the service, which knows the state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from lxml import etree

from pos_arca import codes
from pos_arca.errors import ArcaMessage
from pos_arca.standin.soap import child, children, text

IVA_RATES = {3: Decimal("0"), 4: Decimal("10.5"), 5: Decimal("21"), 6: Decimal("27"),
             8: Decimal("5"), 9: Decimal("2.5")}
CLASS_A, CLASS_B, CLASS_C = {1, 2, 3}, {6, 7, 8}, {11, 12, 13}
CREDIT_NOTES = {3, 8, 13}
KNOWN_TYPES = CLASS_A | CLASS_B | CLASS_C | {51, 52, 53}
#: RG 5616 receptor conditions (FEParamGetCondicionIvaReceptor) and the classes they fit.
RECEPTOR_CONDITIONS = {1, 4, 5, 6, 7, 8, 9, 10, 13, 15, 16}
RECEPTOR_FOR_CLASS = {"A": {1, 6, 13, 16}, "B": {4, 5, 7, 8, 9, 10, 15},
                      "C": RECEPTOR_CONDITIONS}
UNIDENTIFIED = 99
CENTAVO = Decimal("0.01")


def letter(cbte_tipo: int) -> str:
    if cbte_tipo in CLASS_A or cbte_tipo in {51, 52, 53}:
        return "A"
    return "B" if cbte_tipo in CLASS_B else "C"


def amount(det: etree._Element, name: str) -> Decimal:
    value = text(det, name)
    try:
        return Decimal(value) if value else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def integer(det: etree._Element | None, name: str, default: int = 0) -> int:
    value = text(det, name)
    try:
        return int(value) if value else default
    except ValueError:
        return default


def parse_day(value: str | None) -> date | None:
    try:
        return datetime.strptime(value or "", "%Y%m%d").date()
    except ValueError:
        return None


def _obs(code: int, **values: object) -> ArcaMessage:
    return ArcaMessage(code, codes.message(code, **values))


@dataclass(frozen=True)
class RuleSettings:
    identification_threshold: Decimal
    product_window_days: int
    service_window_days: int


def check_amounts(det: etree._Element, cbte_tipo: int) -> list[ArcaMessage]:
    found: list[ArcaMessage] = []
    total, no_gravado = amount(det, "ImpTotal"), amount(det, "ImpTotConc")
    neto, exento = amount(det, "ImpNeto"), amount(det, "ImpOpEx")
    trib, iva = amount(det, "ImpTrib"), amount(det, "ImpIVA")
    if total != no_gravado + neto + exento + trib + iva:
        found.append(_obs(10048))
    alicuotas = children(child(det, "Iva"), "AlicIva")
    if letter(cbte_tipo) == "C":
        if child(det, "Iva") is not None:
            found.append(_obs(10071))
        if iva != 0:
            found.append(_obs(10047))
        if no_gravado != 0:
            found.append(_obs(10043))
        if exento != 0:
            found.append(_obs(10044))
    else:
        if neto > 0 and not alicuotas:
            found.append(_obs(10070))
        found += _check_alicuotas(alicuotas, neto, iva)
    tributos = children(child(det, "Tributos"), "Tributo")
    if sum((amount(t, "Importe") for t in tributos), Decimal(0)) != trib:
        found.append(_obs(10029))
    return found


def _check_alicuotas(alicuotas: list[etree._Element], neto: Decimal, iva: Decimal
                     ) -> list[ArcaMessage]:
    found: list[ArcaMessage] = []
    bases = importes = Decimal(0)
    for alicuota in alicuotas:
        rate = IVA_RATES.get(integer(alicuota, "Id", -1))
        base, importe = amount(alicuota, "BaseImp"), amount(alicuota, "Importe")
        bases += base
        importes += importe
        if rate is None:
            found.append(_obs(10019))
        elif abs(importe - base * rate / 100) >= CENTAVO:
            # To the centavo: either rounding of the exact product is accepted, nothing else.
            found.append(_obs(10051))
    if alicuotas and bases != neto:
        found.append(_obs(10061))
    if alicuotas and importes != iva:
        found.append(_obs(10023))
    return found


def check_receptor(det: etree._Element, cbte_tipo: int, settings: RuleSettings
                   ) -> list[ArcaMessage]:
    found: list[ArcaMessage] = []
    condition_text = text(det, "CondicionIVAReceptorId")
    if condition_text is None:
        found.append(_obs(10246))
    else:
        condition = integer(det, "CondicionIVAReceptorId", -1)
        if condition not in RECEPTOR_CONDITIONS:
            found.append(_obs(10242))
        elif condition not in RECEPTOR_FOR_CLASS[letter(cbte_tipo)]:
            found.append(_obs(10243))
    doc_tipo, doc_nro = integer(det, "DocTipo"), integer(det, "DocNro")
    if letter(cbte_tipo) == "A" and doc_tipo != 80:
        found.append(_obs(10013))
    unidentified = doc_tipo == UNIDENTIFIED or doc_nro == 0
    threshold = settings.identification_threshold
    if unidentified and amount(det, "ImpTotal") >= threshold:
        found.append(_obs(10069, threshold=f"$ {threshold:,.2f}"))
    return found


def check_date_window(det: etree._Element, today: date, settings: RuleSettings
                      ) -> list[ArcaMessage]:
    """CbteFch within ARCA's window around the day it is sent (CAE only)."""
    day = parse_day(text(det, "CbteFch"))
    days = (settings.product_window_days if integer(det, "Concepto", 1) == 1
            else settings.service_window_days)
    if day is None or abs((day - today).days) > days:
        return [_obs(10015, days=days)]
    return []


def check_associated(det: etree._Element, cbte_tipo: int) -> list[ArcaMessage]:
    if cbte_tipo in CREDIT_NOTES and not children(child(det, "CbtesAsoc"), "CbteAsoc"):
        return [_obs(10040)]
    return []


def due_date(day: date, validity_days: int) -> date:
    return day + timedelta(days=validity_days)
