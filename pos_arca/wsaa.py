"""WSAA: log in with the taxpayer's certificate and get the access ticket (token and sign).

The login ticket request is signed as CMS (PKCS#7, content attached, SHA-256, DER, base64)
and sent to ``LoginCms.loginCms(in0)`` through zeep over the WSDL shipped in this package.
The ticket is cached per certificate (see :mod:`pos_arca.ticket_cache`) and reused until it
is about to expire. The private key is the caller's: it is used to sign and never written,
logged or put in an exception's text.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
import threading
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from lxml import etree
from zeep.exceptions import Error as ZeepError
from zeep.exceptions import Fault

from pos_arca.clock import ARGENTINA, Clock, SystemClock
from pos_arca.errors import (
    ArcaAlreadyAuthenticated,
    ArcaAuthError,
    ArcaConfigError,
    ArcaLoginUnavailable,
    ArcaOutcomeUnknown,
)
from pos_arca.models import AccessTicket, Environment, Timeouts
from pos_arca.ticket_cache import TicketCache
from pos_arca.transport import soap_client
from pos_arca.wsaa_codes import WsaaFaultKind, wsaa_code

log = logging.getLogger(__name__)

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
_BINDING = "{https://wsaa.afip.gov.ar/ws/services/LoginCms}LoginCmsSoapBinding"
#: How long the login request itself is valid: long enough for a till clock some minutes
#: behind ARCA's (WSAA refuses a request whose expirationTime it sees as past).
_REQUEST_TTL = timedelta(minutes=20)
#: generationTime a little in the past, so a till clock slightly ahead is not refused.
_CLOCK_SKEW = timedelta(minutes=5)


def load_certificate(certificate: x509.Certificate | bytes) -> x509.Certificate:
    if isinstance(certificate, x509.Certificate):
        return certificate
    try:
        if b"-----BEGIN" in certificate:
            return x509.load_pem_x509_certificate(certificate)
        return x509.load_der_x509_certificate(certificate)
    except ValueError:
        raise ArcaConfigError("the certificate is not a PEM or DER X.509 certificate") from None


def load_private_key(key: PrivateKey | bytes, password: bytes | None = None) -> PrivateKey:
    if isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        return key
    try:
        loaded = (serialization.load_pem_private_key(key, password) if b"-----BEGIN" in key
                  else serialization.load_der_private_key(key, password))
    except (ValueError, TypeError):
        # from None: the chained error must not carry anything of the key into a log.
        raise ArcaConfigError("the private key could not be read (format or password)") from None
    if not isinstance(loaded, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise ArcaConfigError("the private key must be RSA or EC")
    return loaded


def cuit_of(certificate: x509.Certificate) -> int:
    """The CUIT ARCA puts in the subject's serialNumber: ``CUIT 20123456786``."""
    for attribute in certificate.subject.get_attributes_for_oid(x509.NameOID.SERIAL_NUMBER):
        value = str(attribute.value).strip()
        if value.upper().startswith("CUIT "):
            return int(value[5:].strip())
    raise ArcaConfigError("the certificate's subject has no 'CUIT nnnnnnnnnnn' serialNumber")


def build_login_ticket_request(service: str, now: datetime, *, unique_id: int | None = None
                               ) -> bytes:
    local = now.astimezone(ARGENTINA).replace(microsecond=0)
    root = etree.Element("loginTicketRequest", version="1.0")
    header = etree.SubElement(root, "header")
    etree.SubElement(header, "uniqueId").text = str(
        unique_id if unique_id is not None else secrets.randbelow(2**32))
    etree.SubElement(header, "generationTime").text = (local - _CLOCK_SKEW).isoformat()
    etree.SubElement(header, "expirationTime").text = (local + _REQUEST_TTL).isoformat()
    etree.SubElement(root, "service").text = service
    return b'<?xml version="1.0" encoding="UTF-8"?>' + bytes(etree.tostring(root))


def sign_login_ticket_request(request: bytes, certificate: x509.Certificate,
                              private_key: PrivateKey) -> str:
    """CMS SignedData with the request inside, SHA-256, DER, base64: what ``in0`` takes."""
    der = (pkcs7.PKCS7SignatureBuilder()
           .set_data(request)
           .add_signer(certificate, private_key, hashes.SHA256())
           .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary]))
    return base64.b64encode(der).decode("ascii")


def parse_login_ticket_response(xml: str) -> AccessTicket:
    try:
        root = etree.fromstring(xml.encode("utf-8"))
        return AccessTicket(
            token=root.findtext("credentials/token", "").strip(),
            sign=root.findtext("credentials/sign", "").strip(),
            generated_at=datetime.fromisoformat(root.findtext("header/generationTime", "")),
            expires_at=datetime.fromisoformat(root.findtext("header/expirationTime", "")),
            source=root.findtext("header/source", ""),
            destination=root.findtext("header/destination", ""))
    except (etree.XMLSyntaxError, ValueError):
        raise ArcaAuthError("WSAA's loginTicketResponse could not be read") from None


class WsaaClient:
    """Access tickets for one certificate and one ARCA service (``wsfe`` by default)."""

    def __init__(self, *, certificate: x509.Certificate | bytes, private_key: PrivateKey | bytes,
                 cache_dir: Path | str, environment: Environment = Environment.HOMOLOGACION,
                 url: str | None = None, service: str = "wsfe", key_password: bytes | None = None,
                 timeouts: Timeouts | None = None, clock: Clock | None = None,
                 renew_margin: timedelta = timedelta(minutes=10)) -> None:
        self.certificate = load_certificate(certificate)
        self._key = load_private_key(private_key, key_password)
        self.cuit = cuit_of(self.certificate)
        self.environment = environment
        self.service = service
        self.url = url or environment.wsaa_url
        self.clock = clock or SystemClock()
        self.renew_margin = renew_margin
        self._cache = TicketCache(cache_dir)
        fingerprint = self.certificate.fingerprint(hashes.SHA256()).hex()
        self._cache_key = hashlib.sha256(
            f"{fingerprint}|{service}|{environment.value}".encode()).hexdigest()[:32]
        client, self._transport = soap_client("wsaa.wsdl", timeouts or Timeouts())
        self._soap = client.create_service(_BINDING, self.url)  # type: ignore[no-untyped-call]
        self._lock = threading.Lock()
        self._ticket: AccessTicket | None = None

    def __repr__(self) -> str:
        return f"WsaaClient(cuit={self.cuit}, service={self.service!r}, url={self.url!r})"

    @property
    def cache_file(self) -> Path:
        return self._cache.path(self._cache_key)

    def ticket(self) -> AccessTicket:
        """A valid ticket: the cached one while it has more than the margin left, else a new one."""
        with self._lock:
            now = self.clock.now()
            cached = self._ticket or self._cache.load(self._cache_key)
            if cached is not None and cached.valid_at(now + self.renew_margin):
                self._ticket = cached
                return cached
            return self._login(now, cached)

    def login(self) -> AccessTicket:
        """A new ticket now (the cached one if WSAA says it still holds it)."""
        with self._lock:
            now = self.clock.now()
            return self._login(now, self._ticket or self._cache.load(self._cache_key))

    def _login(self, now: datetime, cached: AccessTicket | None) -> AccessTicket:
        request = build_login_ticket_request(self.service, now)
        cms = sign_login_ticket_request(request, self.certificate, self._key)
        self._transport.operation = "loginCms"
        try:
            answer = self._soap.loginCms(in0=cms)
        except Fault as fault:
            return self._after_fault(fault, now, cached)
        except ZeepError:
            raise ArcaOutcomeUnknown("WSAA's answer could not be read",
                                     operation="loginCms") from None
        ticket = parse_login_ticket_response(str(answer))
        self._cache.store(self._cache_key, ticket)
        self._ticket = ticket
        log.info("WSAA ticket for CUIT %s service %s valid until %s",
                 self.cuit, self.service, ticket.expires_at.isoformat())
        return ticket

    def _after_fault(self, fault: Fault, now: datetime, cached: AccessTicket | None
                     ) -> AccessTicket:
        code = str(fault.code or "")
        text = str(fault.message or "")
        if code.endswith("coe.alreadyAuthenticated"):
            # Another process of this till may have just logged in and written the cache.
            cached = self._cache.load(self._cache_key) or cached
            if cached is not None and cached.valid_at(now):
                log.info("WSAA still holds our ticket for CUIT %s; using the cached one", self.cuit)
                self._ticket = cached
                return cached
            retry_after = cached.expires_at if cached is not None else None
            when = (f"after {retry_after.isoformat()}" if retry_after is not None and
                    retry_after > now else "when the other ticket expires (at most 12 hours "
                    "after the other login)")
            raise ArcaAlreadyAuthenticated(
                "WSAA already issued a ticket for this certificate and this till has no copy "
                f"(another process or machine logged in with it?); it can be retried {when}",
                code=code, text=text, retry_after=retry_after)
        known = wsaa_code(code)
        if known is None and "server" not in code.lower():
            # A fault WSAA's specification does not list: shown as is, for someone to read.
            raise ArcaAuthError("WSAA refused the login", code=code, text=text)
        if known is None or known.kind is WsaaFaultKind.UNAVAILABLE:
            # WSAA's own trouble (an Axis server fault is one too): the same login works later.
            raise ArcaLoginUnavailable("WSAA cannot log in now", code=code, text=text)
        raise ArcaAuthError(f"WSAA refused the login: {known.explanation}", code=code,
                            text=text, kind=known.kind)
