"""Why the till cannot get CAEs now, when ARCA *answered* (a refused login, a bad setup).

ARCA not answering at all is normal for a till (the shop's internet drops) and shows as
"offline". A refusal is different: WSAA saying the certificate expired, or that it is not
authorized for the service, or that the till's clock is wrong, does not go away by itself.
The till sells on with CAEA meanwhile (``worker.py``), and this module says what to fix in
the status bar, ``pos-desktop fiscal status`` and the X report, in the till's language.

The worker keeps the fault in the setting ``fiscal.arca_fault`` (``FiscalFault.as_dict``),
so the X report and a ``fiscal status`` in another process read it from the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pos_arca import ArcaAuthError, ArcaError, ArcaLoginUnavailable, WsaaFaultKind
from pos_common.i18n import _
from pos_desktop.domain.errors import PosError
from pos_desktop.domain.fiscal.dates import in_argentina
from pos_desktop.fiscal.settings import load_fiscal_settings

FAULT_KEY = "fiscal.arca_fault"
#: Not WSAA's: WSFEv1 refusing the ticket (600/601), and our own setup (key, CUIT, points).
TICKET_REFUSED = "ticket_refused"
SETUP = "setup"


@dataclass(frozen=True, slots=True)
class FiscalFault:
    kind: str  # a WsaaFaultKind value, TICKET_REFUSED or SETUP
    error: str  # the error as logged (English, with ARCA's code and text)
    since: str
    retry_at: str | None = None  # the next login attempt (None: the next pass)
    code: str | None = None

    @property
    def transient(self) -> bool:
        """Nothing to fix at the till: it goes away by itself (the state stays offline)."""
        return self.kind in {k.value for k in WsaaFaultKind if k.transient}

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "code": self.code, "error": self.error,
                "since": self.since, "retry_at": self.retry_at}

    @classmethod
    def of(cls, error: ArcaError | PosError, now: datetime,
           retry_at: datetime | None) -> FiscalFault:
        if isinstance(error, ArcaAuthError):
            kind = error.kind.value if error.kind is not None else TICKET_REFUSED
        elif isinstance(error, ArcaLoginUnavailable):
            kind = WsaaFaultKind.UNAVAILABLE.value
        else:
            kind = SETUP
        code = getattr(error, "code", None)
        return cls(kind, str(error), now.isoformat(timespec="seconds"),
                   None if retry_at is None else retry_at.isoformat(timespec="seconds"),
                   None if code is None else str(code))


def _day(moment: datetime) -> str:
    return in_argentina(moment).strftime("%d/%m/%Y")


def _time(iso: str | None) -> str:
    if not iso:
        return "-"
    return in_argentina(datetime.fromisoformat(iso)).strftime("%d/%m/%Y %H:%M")


def _certificate_dates(certificate_pem: str) -> tuple[datetime, datetime] | None:
    try:
        from pos_arca.wsaa import load_certificate

        certificate = load_certificate(certificate_pem.encode("ascii"))
    except (ArcaError, ValueError, UnicodeEncodeError):
        return None
    return certificate.not_valid_before_utc, certificate.not_valid_after_utc


def fault_text(fault: Mapping[str, Any], *, certificate_pem: str = "",
               environment: str = "") -> str:
    """What to fix, in the till's language (the status bar, ``fiscal status``, the X)."""
    kind = fault.get("kind")
    dates = _certificate_dates(certificate_pem) if certificate_pem else None
    if kind == WsaaFaultKind.CERTIFICATE_EXPIRED:
        if dates is None:
            return _("ARCA's certificate has expired: renew it (Settings → Fiscal (ARCA))")
        return _("ARCA's certificate expired on {day}: renew it (Settings → Fiscal (ARCA))"
                 ).format(day=_day(dates[1]))
    if kind == WsaaFaultKind.CERTIFICATE_NOT_YET_VALID:
        day = _day(dates[0]) if dates is not None else "-"
        return _("ARCA's certificate is valid only from {day}: check the till's date and time"
                 ).format(day=day)
    if kind == WsaaFaultKind.CERTIFICATE_UNTRUSTED:
        return _("ARCA does not recognize the certificate: it is not ARCA's for {environment} "
                 "(homologación and producción each have their own)").format(
            environment=environment or "-")
    if kind == WsaaFaultKind.NOT_AUTHORIZED:
        return _("The certificate is not authorized for electronic invoicing: associate it "
                 "with the wsfe service in ARCA's Administrador de Relaciones")
    if kind == WsaaFaultKind.SIGNATURE:
        return _("ARCA refused the login's signature: is the private key the certificate's? "
                 "Configure both again")
    if kind == WsaaFaultKind.CLOCK:
        return _("ARCA refuses the login because the till's clock is wrong: set its date and "
                 "time")
    if kind == WsaaFaultKind.REQUEST:
        return _("ARCA refused the till's login request ({code}): call support").format(
            code=fault.get("code") or "-")
    if kind == WsaaFaultKind.ALREADY_AUTHENTICATED:
        return _("ARCA already gave this certificate's access to another till or program: "
                 "asking again at {time}").format(time=_time(fault.get("retry_at")))
    if kind == WsaaFaultKind.UNAVAILABLE:
        return _("ARCA's login service is out of service for now: asking again at {time}"
                 ).format(time=_time(fault.get("retry_at")))
    if kind == TICKET_REFUSED:
        return _("ARCA did not accept the access ticket: {error}").format(
            error=fault.get("error") or "-")
    return _("The fiscal setup has a problem: {error}").format(error=fault.get("error") or "-")


def fault_notes(stored: Mapping[str, Any]) -> list[str]:
    """The X report's line for a fault to fix, from the settings as read (a transient one
    passes by itself: not reported)."""
    fault = stored.get(FAULT_KEY)
    settings = load_fiscal_settings(stored)
    if (not isinstance(fault, dict) or not settings.arca
            or FiscalFault(str(fault.get("kind")), "", "").transient):
        return []
    text = fault_text(fault, certificate_pem=settings.certificate_pem,
                      environment=settings.environment.value)
    return [_("ARCA: {fault} (sales are issued with CAEA meanwhile, if this till holds "
              "one)").format(fault=text)]
