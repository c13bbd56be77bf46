"""WSAA's fault codes: ARCA's text (Spanish), what each means for a till, and an explanation.

One table for both ends, as :mod:`pos_arca.codes` is for WSFEv1: the client sorts a fault
into a :class:`WsaaFaultKind`, the stand-in answers with the same code and text. The codes
and texts are the ones WSAA's technical specification (1.2.x) lists for ``loginCms``;
``coe.alreadyAuthenticated``'s text is from a recorded answer. WSAA sends them as SOAP
faults (Apache Axis, HTTP 500) with the code as ``ns1:<code>``.

What a kind means for the till:

- ``UNAVAILABLE``: WSAA cannot log anyone in now; nothing is wrong on our side: retry later;
- ``ALREADY_AUTHENTICATED``: WSAA holds a valid ticket for this certificate that we do not
  have (another process or machine logged in with it): retry when that ticket expires;
- every other kind is ours to fix (the certificate, its key, its association with the
  service, the till's clock, the request we build): the manager must see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class WsaaFaultKind(StrEnum):
    UNAVAILABLE = "unavailable"
    ALREADY_AUTHENTICATED = "already_authenticated"
    CERTIFICATE_EXPIRED = "certificate_expired"
    CERTIFICATE_NOT_YET_VALID = "certificate_not_yet_valid"
    CERTIFICATE_UNTRUSTED = "certificate_untrusted"
    NOT_AUTHORIZED = "not_authorized"
    SIGNATURE = "signature"
    CLOCK = "clock"
    REQUEST = "request"

    @property
    def transient(self) -> bool:
        """True when nothing on our side is wrong: the same login works later."""
        return self in (WsaaFaultKind.UNAVAILABLE, WsaaFaultKind.ALREADY_AUTHENTICATED)


@dataclass(frozen=True)
class WsaaCode:
    code: str
    message: str
    kind: WsaaFaultKind
    explanation: str


_K = WsaaFaultKind
_LISTED = (
    WsaaCode("coe.notAuthorized", "Computador no autorizado a acceder al servicio",
             _K.NOT_AUTHORIZED, "the certificate is not authorized for this service (associate "
             "it with the service in ARCA's Administrador de Relaciones)"),
    WsaaCode("coe.alreadyAuthenticated",
             "El CEE ya posee un TA valido para el acceso al WSN solicitado",
             _K.ALREADY_AUTHENTICATED, "WSAA already issued a ticket for this certificate"),
    WsaaCode("cms.bad", "El CMS no es valido", _K.SIGNATURE, "WSAA could not read the signed "
             "login request"),
    WsaaCode("cms.bad.base64", "No se puede decodificar el BASE64", _K.SIGNATURE,
             "WSAA could not decode the signed login request"),
    WsaaCode("cms.cert.notFound", "No se ha encontrado certificado de firma en el CMS",
             _K.SIGNATURE, "the signed login request carries no certificate"),
    WsaaCode("cms.sign.invalid", "Firma inválida o algoritmo no soportado", _K.SIGNATURE,
             "the signature does not verify: is the private key the certificate's?"),
    WsaaCode("cms.cert.expired", "Certificado expirado", _K.CERTIFICATE_EXPIRED,
             "the certificate has expired"),
    WsaaCode("cms.cert.invalid", "Certificado con fecha de generación posterior a la actual",
             _K.CERTIFICATE_NOT_YET_VALID, "the certificate is not valid yet"),
    WsaaCode("cms.cert.untrusted", "Certificado no emitido por AC de confianza",
             _K.CERTIFICATE_UNTRUSTED, "the certificate was not issued by ARCA for this "
             "environment (a homologación certificate in producción, or the reverse?)"),
    WsaaCode("xml.bad", "No se ha podido interpretar el XML contra el SCHEMA", _K.REQUEST,
             "WSAA could not read the login request"),
    WsaaCode("xml.source.invalid",
             "El atributo 'source' no se corresponde con el DN del Certificado", _K.REQUEST,
             "the login request's source is not the certificate's"),
    WsaaCode("xml.destination.invalid",
             "El atributo 'destination' no se corresponde con el DN del WSAA", _K.REQUEST,
             "the login request's destination is not this WSAA"),
    WsaaCode("xml.version.notSupported", "La versión del documento no es soportada",
             _K.REQUEST, "WSAA does not take this version of the login request"),
    WsaaCode("xml.generationTime.invalid", "El tiempo de generación es posterior a la hora "
             "actual o posee más de 24 horas de antiguedad", _K.CLOCK,
             "the login request's generation time is in the future or over 24 hours old: "
             "the till's clock is wrong"),
    WsaaCode("xml.expirationTime.expired", "El tiempo de expiración es inferior a la hora "
             "actual", _K.CLOCK, "the login request had expired when WSAA read it: the "
             "till's clock is behind"),
    WsaaCode("xml.expirationTime.invalid", "El tiempo de expiración del documento es superior "
             "a 24 horas", _K.CLOCK, "the login request's validity is over 24 hours"),
    WsaaCode("wsn.unavailable", "El servicio al que se desea acceder se encuentra "
             "momentáneamente fuera de servicio", _K.UNAVAILABLE,
             "the service is momentarily out of service"),
    WsaaCode("wsn.notFound", "Servicio informado inexistente", _K.REQUEST,
             "WSAA does not know the service asked for"),
    WsaaCode("wsaa.unavailable", "El servicio de autenticación/autorización se encuentra "
             "momentáneamente fuera de servicio", _K.UNAVAILABLE,
             "WSAA is momentarily out of service"),
    WsaaCode("wsaa.internalError", "No se ha podido procesar el requerimiento", _K.UNAVAILABLE,
             "WSAA could not process the request (its own error)"),
)
WSAA_CODES: dict[str, WsaaCode] = {c.code: c for c in _LISTED}


def wsaa_code(fault_code: str) -> WsaaCode | None:
    """The entry for a fault code as it arrives (``ns1:cms.cert.expired``), None if unknown."""
    return WSAA_CODES.get(fault_code.rpartition(":")[2])
