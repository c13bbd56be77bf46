"""The stand-in's WSAA: checks the CMS and the login ticket request as WSAA does, issues tickets.

Fault codes and texts are WSAA's (:mod:`pos_arca.wsaa_codes`: ``coe.alreadyAuthenticated``'s
text is from a recorded answer, the others are the specification's), checked in WSAA's
order as far as it is known: the signature, the certificate's dates, its authority, then
the request.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from lxml import etree

from pos_arca.clock import ARGENTINA, Clock
from pos_arca.standin.cms import CmsError, verify_signed_data
from pos_arca.standin.state import IssuedTicket, StandinState
from pos_arca.wsaa_codes import WSAA_CODES

SOURCE = "CN=wsaahomo, O=AFIP, C=AR, SERIALNUMBER=CUIT 33693450239"
_MAX_REQUEST_SPAN = timedelta(hours=24)


class WsaaFault(Exception):
    def __init__(self, code: str, message: str | None = None) -> None:
        self.code = code
        self.message = message or WSAA_CODES[code].message
        super().__init__(f"{code}: {self.message}")


@dataclass(frozen=True)
class _Request:
    unique_id: str
    generated_at: datetime
    expires_at: datetime
    service: str


def _parse_request(content: bytes) -> _Request:
    try:
        root = etree.fromstring(content, etree.XMLParser(resolve_entities=False, no_network=True))
        header = root.find("header")
        if root.tag != "loginTicketRequest" or header is None:
            raise ValueError("not a loginTicketRequest")
        return _Request(
            unique_id=header.findtext("uniqueId", ""),
            generated_at=datetime.fromisoformat(header.findtext("generationTime", "")),
            expires_at=datetime.fromisoformat(header.findtext("expirationTime", "")),
            service=(root.findtext("service") or "").strip())
    except (etree.XMLSyntaxError, ValueError):
        raise WsaaFault("xml.bad") from None


def _cuit(certificate: x509.Certificate) -> int:
    for attribute in certificate.subject.get_attributes_for_oid(x509.NameOID.SERIAL_NUMBER):
        value = str(attribute.value)
        if value.upper().startswith("CUIT ") and value[5:].strip().isdigit():
            return int(value[5:].strip())
    raise WsaaFault("cms.cert.invalid", "El certificado no tiene CUIT en el serialNumber")


class WsaaService:
    def __init__(self, *, ca: x509.Certificate, state: StandinState, clock: Clock,
                 services: frozenset[str], ticket_hours: int) -> None:
        self.ca = ca
        self.state = state
        self.clock = clock
        self.services = services
        self.ticket_hours = ticket_hours

    def login(self, in0: str) -> str:
        """The loginTicketResponse XML for a valid login, else WsaaFault. Caller holds the lock."""
        try:
            der = base64.b64decode(in0, validate=False)
        except (binascii.Error, ValueError):
            raise WsaaFault("cms.bad.base64") from None
        try:
            signed = verify_signed_data(der, self.ca)
        except CmsError as error:
            if "issued" in str(error):
                raise WsaaFault("cms.cert.untrusted") from None
            if "signature" in str(error) or "digest" in str(error):
                raise WsaaFault("cms.sign.invalid") from None
            raise WsaaFault("cms.bad") from None
        except ValueError:
            raise WsaaFault("cms.bad") from None
        now = self.clock.now()
        certificate = signed.signer
        if now < certificate.not_valid_before_utc:
            raise WsaaFault("cms.cert.invalid")
        if now > certificate.not_valid_after_utc:
            raise WsaaFault("cms.cert.expired")
        cuit = _cuit(certificate)
        request = _parse_request(signed.content)
        self._check_times(request, now)
        if request.service not in self.services:
            raise WsaaFault("wsn.notFound")
        login_key = f"{certificate.fingerprint(hashes.SHA256()).hex()}|{request.service}"
        held = self.state.logins.get(login_key)
        if held is not None and datetime.fromisoformat(held) > now:
            raise WsaaFault("coe.alreadyAuthenticated")
        return self._issue(certificate, cuit, request, now, login_key)

    def _check_times(self, request: _Request, now: datetime) -> None:
        if request.generated_at > now or request.generated_at < now - _MAX_REQUEST_SPAN:
            raise WsaaFault("xml.generationTime.invalid")
        if request.expires_at <= now:
            raise WsaaFault("xml.expirationTime.expired")
        if request.expires_at - request.generated_at > _MAX_REQUEST_SPAN:
            raise WsaaFault("xml.expirationTime.invalid")

    def _issue(self, certificate: x509.Certificate, cuit: int, request: _Request,
               now: datetime, login_key: str) -> str:
        generated = now.astimezone(ARGENTINA)
        expires = generated + timedelta(hours=self.ticket_hours)
        destination = certificate.subject.rfc4514_string(
            {x509.NameOID.SERIAL_NUMBER: "SERIALNUMBER"})
        sso = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sso version="2.0">'
               f'<id src="{SOURCE}" dst="CN={request.service}, O=AFIP, C=AR" '
               f'unique_id="{secrets.randbelow(2**32)}" gen_time="{int(generated.timestamp())}" '
               f'exp_time="{int(expires.timestamp())}"/><operation type="login" value="granted">'
               f'<login entity="33693450239" service="{request.service}" uid="{destination}" '
               f'authmethod="cms" regmethod="22"><relations><relation key="{cuit}" reltype="4"/>'
               f'</relations></login></operation><nonce>{secrets.token_hex(16)}</nonce></sso>')
        token = base64.b64encode(sso.encode()).decode()
        for stale in [t for t, issued in self.state.tickets.items()
                      if datetime.fromisoformat(issued.expires_at) <= now]:
            del self.state.tickets[stale]
        sign = base64.b64encode(secrets.token_bytes(128)).decode()
        self.state.tickets[token] = IssuedTicket(token=token, sign=sign, cuit=cuit,
                                                 service=request.service,
                                                 expires_at=expires.isoformat())
        self.state.logins[login_key] = expires.isoformat()
        response = etree.Element("loginTicketResponse", version="1.0")
        header = etree.SubElement(response, "header")
        for name, value in (("source", SOURCE), ("destination", destination),
                            ("uniqueId", str(secrets.randbelow(2**32))),
                            ("generationTime", generated.isoformat(timespec="milliseconds")),
                            ("expirationTime", expires.isoformat(timespec="milliseconds"))):
            etree.SubElement(header, name).text = value
        credentials = etree.SubElement(response, "credentials")
        etree.SubElement(credentials, "token").text = token
        etree.SubElement(credentials, "sign").text = sign
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                + str(etree.tostring(response, encoding="unicode")))
