"""ARCA's WSFEv1 codes we know: ARCA's own wording (Spanish) and a short English explanation.

One table for both ends: the client explains what ARCA said, the stand-in says it the same way.
``source`` tells how sure we are of each code:

- ``"example"``: seen in ARCA's recorded answers (``shared/afip/examples``) or the issue text;
- ``"public"``: found in several public integrations of ARCA's services, not in ARCA's manual;
- ``"guess"``: we could not find ARCA's real code; a plausible one we picked. Replace it when
  homologación shows the real one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ArcaCode:
    code: int
    message: str
    explanation: str
    source: str


def _table(*codes: ArcaCode) -> dict[int, ArcaCode]:
    return {c.code: c for c in codes}


CODES: dict[int, ArcaCode] = _table(
    # "Tratamiento de errores en el WS" of ARCA's WSFEv1 manual: every operation may answer
    # these (in Errors, HTTP 200); the texts are the manual's, not recorded answers.
    ArcaCode(500, "Error interno de aplicacion.",
             "ARCA's application failed (its own error, not the request's).", "public"),
    ArcaCode(501, "Error interno de base de datos.",
             "ARCA's database failed (its own error, not the request's).", "public"),
    ArcaCode(502, "Error interno de base de datos - Autorizador CAE / Regimen CAEA - "
                  "Transaccion Activa",
             "ARCA was busy with another transaction (its own error, not the request's).",
             "public"),
    ArcaCode(600, "ValidacionDeToken: No validaron las firmas digitales o el token expiro.",
             "ARCA did not accept the access ticket (token/sign unknown or expired).", "public"),
    ArcaCode(601, "CUIT representada no incluida en Token",
             "The CUIT in the request is not the one the access ticket was issued to.", "public"),
    ArcaCode(602, "No existen datos en nuestros registros para los parametros ingresados.",
             "ARCA has no record for what was asked.", "example"),
    ArcaCode(10007, "El campo CbteTipo no es valido.",
             "Unknown comprobante type.", "guess"),
    ArcaCode(10013, "Para comprobantes clase A el DocTipo debe ser 80 (CUIT).",
             "A Factura A needs the buyer's CUIT.", "public"),
    ArcaCode(10015, "Fecha de comprobante invalida: para el concepto informado puede ser hasta "
                    "{days} dias anteriores o posteriores a la fecha de envio.",
             "The comprobante date is outside ARCA's window for its concept.", "guess"),
    ArcaCode(10016, "El numero o fecha del comprobante no se corresponde con el proximo a "
                    "autorizar. Consultar metodo FECompUltimoAutorizado.",
             "The number is not ARCA's last authorized + 1, or the date is earlier than the "
             "last authorized comprobante's.", "example"),
    ArcaCode(10019, "El campo Id en AlicIva no es valido. Consultar metodo FEParamGetTiposIva.",
             "Unknown IVA rate id.", "guess"),
    ArcaCode(10023, "La suma de los campos Importe en IVA debe ser igual al valor ingresado en "
                    "ImpIVA.",
             "The IVA amounts do not add up to ImpIVA.", "public"),
    ArcaCode(10029, "La suma de los importes de Tributos debe ser igual al valor ingresado en "
                    "ImpTrib.",
             "The other taxes do not add up to ImpTrib.", "guess"),
    ArcaCode(10040, "Para Notas de Credito y Debito es obligatorio informar los comprobantes "
                    "asociados (CbtesAsoc).",
             "A credit note must name the comprobante it refunds.", "guess"),
    ArcaCode(10043, "El campo ImpTotConc (Importe Total del Concepto) para comprobantes tipo C "
                    "debe ser igual a cero (0).",
             "A type C comprobante has no non-taxed amount apart.", "public"),
    ArcaCode(10044, "El campo ImpOpEx (importe exento) para comprobantes tipo C debe ser igual "
                    "a cero (0).",
             "A type C comprobante has no exempt amount apart.", "public"),
    ArcaCode(10047, "El campo ImpIVA (Importe de IVA) para comprobantes tipo C debe ser igual a "
                    "cero (0).",
             "A type C comprobante carries no IVA.", "public"),
    ArcaCode(10048, "El campo 'Importe Total' ImpTotal, debe ser igual a la suma de ImpTotConc "
                    "+ ImpNeto + ImpOpEx + ImpTrib + ImpIVA.",
             "The total is not the sum of its parts.", "public"),
    ArcaCode(10051, "Los importes informados en AlicIVA no se corresponden con los porcentajes.",
             "An IVA amount is not its base times its rate (to the centavo).", "public"),
    ArcaCode(10061, "La suma de los campos BaseImp en AlicIva debe ser igual al valor ingresado "
                    "en ImpNeto.",
             "The IVA bases do not add up to ImpNeto.", "public"),
    ArcaCode(10069, "Para comprobantes cuyo importe total sea igual o superior a {threshold} es "
                    "obligatorio identificar al receptor (DocTipo y DocNro).",
             "Above the RG 5700 threshold the buyer must be identified (DNI, CUIT or CUIL).",
             "guess"),
    ArcaCode(10070, "Si ImpNeto es mayor a 0 el objeto IVA es obligatorio.",
             "A taxed amount needs its IVA breakdown.", "public"),
    ArcaCode(10071, "Para comprobantes tipo C el objeto IVA no debe informarse.",
             "A type C comprobante has no IVA breakdown.", "public"),
    ArcaCode(10242, "El campo Condicion Frente al IVA del receptor no es valido. Consultar "
                    "metodo FEParamGetCondicionIvaReceptor.",
             "Unknown buyer IVA condition (CondicionIVAReceptorId).", "example"),
    ArcaCode(10243, "La Condicion Frente al IVA del receptor no corresponde a la clase del "
                    "comprobante.",
             "The buyer's IVA condition does not fit the comprobante class (A, B or C).",
             "example"),
    ArcaCode(10246, "Campo Condicion Frente al IVA del receptor es obligatorio conforme a lo "
                    "reglamentado por la Resolucion General Nro 5616. Para mas informacion "
                    "consular metodo FEParamGetCondicionIvaReceptor",
             "The buyer's IVA condition (RG 5616) is missing.", "example"),
    ArcaCode(11002, "El punto de venta no se encuentra habilitado a usar en el presente WS. Ver "
                    "metodo FEParamGetPtosVenta",
             "The point of sale is not registered for this kind of emission (CAE or CAEA).",
             "public"),
    ArcaCode(782, "El <CAEA> es obligatorio informarlo.",
             "A CAEA comprobante was informed without its CAEA.", "example"),
    ArcaCode(783, "El CAEA informado no existe o no corresponde a la CUIT.",
             "The CAEA is not one ARCA granted to this CUIT.", "guess"),
    ArcaCode(784, "La fecha del comprobante no esta comprendida en la vigencia del CAEA.",
             "The comprobante date is outside the CAEA's fortnight.", "guess"),
    ArcaCode(785, "El campo CbteFchHsGen es obligatorio para puntos de venta CAEA y debe tener "
                  "el formato yyyymmddhhmiss.",
             "CAEA comprobantes need the moment they were issued (CbteFchHsGen).", "guess"),
    ArcaCode(786, "Vencio el plazo para informar comprobantes del CAEA (FchTopeInf).",
             "The deadline to inform this CAEA's comprobantes has passed.", "guess"),
    ArcaCode(787, "El punto de venta fue informado sin movimiento para el CAEA.",
             "This point of sale was already informed as idle for the CAEA.", "guess"),
    ArcaCode(1200, "El codigo de autorizacion debe ser del tipo CAEA",
             "The code is not a CAEA ARCA granted to this CUIT.", "example"),
    ArcaCode(1201, "Existen comprobantes informados para el punto de venta con el CAEA.",
             "The point of sale informed comprobantes with this CAEA: it was not idle.", "guess"),
    ArcaCode(1202, "El punto de venta ya fue informado sin movimiento para el CAEA.",
             "The point of sale was already informed as idle for this CAEA.", "guess"),
    ArcaCode(15003, "CUIT sin puntos de venta bajo el regimen CAEA.",
             "The CUIT has no CAEA point of sale registered.", "public"),
    ArcaCode(15004, "El campo <Periodo> debe tener el formato AAAAMM, donde AAAA indica el año y "
                    "MM el mes en números.",
             "The period must be YYYYMM.", "example"),
    ArcaCode(15005, "Campo Orden: Debe ser igual a 1 o 2.",
             "The fortnight order must be 1 or 2.", "public"),
    ArcaCode(15006, "Fecha de envío podrá ser desde 5 días corridos anteriores al inicio hasta "
                    "el último dia de cada quincena. Del {first} hasta {last}",
             "A CAEA can be asked from 5 days before its fortnight starts until its last day.",
             "example"),
    ArcaCode(15008, "Existe un CAEA otorgado para la CUIT solicitante con el periodo y orden "
                    "informado. Consultar el metodo FECAEAConsultar.",
             "ARCA already granted this fortnight's CAEA: ask for it with FECAEAConsultar.",
             "public"),
)

SERVER_CODES = frozenset({500, 501, 502})
AUTH_CODES = frozenset({600, 601})
NOT_FOUND = 602


def message(code: int, **values: object) -> str:
    """ARCA's text for ``code`` with its placeholders filled."""
    return CODES[code].message.format(**values)


def explanation(code: int) -> str:
    known = CODES.get(code)
    return known.explanation if known else "ARCA refused the request (see ARCA's message)."
