"""What can go wrong talking to ARCA, typed so the caller can decide what is safe to do next.

- :class:`ArcaNotSent`: the request never reached ARCA (refused, DNS, TLS). Nothing happened
  there; the same request may be sent again.
- :class:`ArcaOutcomeUnknown`: the request left, no answer came back (timeout, dropped
  connection, HTTP 5xx). ARCA may or may not have authorized it: ask with ``FECompConsultar``
  (``WsfeClient.consult``) before retrying, or a comprobante may be authorized twice or a
  number skipped.
- :class:`ArcaRejected`: ARCA answered no, with its codes; the number stays free.
- :class:`ArcaAuthError`: WSAA or WSFEv1 refused our credentials; a WSAA refusal has its
  :class:`~pos_arca.wsaa_codes.WsaaFaultKind` (``kind``): ours to fix, or retry later.
- :class:`ArcaLoginUnavailable`: WSAA answered that it cannot log anyone in now (its own
  trouble): the request that needed the ticket never left; retry later.

Every error carries ARCA's code and text when ARCA gave them, and a short English
explanation; the till translates (this package has no i18n). None of them ever holds a
private key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pos_arca.wsaa_codes import WsaaFaultKind


@dataclass(frozen=True)
class ArcaMessage:
    """One of ARCA's errors, observations or events: its code and its own text."""

    code: int
    text: str

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"


class ArcaError(Exception):
    def __init__(self, explanation: str, *, code: str | int | None = None,
                 text: str | None = None) -> None:
        self.explanation = explanation
        self.code = code
        self.text = text
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.code is None and self.text is None:
            return self.explanation
        return f"{self.explanation} [ARCA {self.code}: {self.text}]"


class ArcaConfigError(ArcaError):
    """Our side is misconfigured (certificate, key, address)."""


class ArcaUnreachable(ArcaError):
    """ARCA did not answer. See the two subclasses: the difference matters."""

    def __init__(self, explanation: str, *, operation: str, detail: str = "") -> None:
        self.operation = operation
        self.detail = detail
        super().__init__(explanation)

    def __str__(self) -> str:
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.operation}: {self.explanation}{detail}"


class ArcaNotSent(ArcaUnreachable):
    """The request never reached ARCA: safe to send again."""


class ArcaOutcomeUnknown(ArcaUnreachable):
    """The request was sent and no answer came: resolve with FECompConsultar before retrying."""


class ArcaLoginUnavailable(ArcaNotSent):
    """WSAA answered with a fault of its own (``wsaa.unavailable``, ``wsaa.internalError``,
    ``wsn.unavailable``): no ticket now, and the request that needed one never left."""

    def __init__(self, explanation: str, *, code: str, text: str) -> None:
        super().__init__(explanation, operation="loginCms", detail=f"{code}: {text}")
        self.code = code
        self.text = text


class ArcaRejected(ArcaError):
    """ARCA answered and refused: its errors and observations say why."""

    def __init__(self, explanation: str, *, operation: str,
                 errors: tuple[ArcaMessage, ...] = (),
                 observations: tuple[ArcaMessage, ...] = ()) -> None:
        self.operation = operation
        self.errors = errors
        self.observations = observations
        first = (errors or observations or (None,))[0]
        super().__init__(explanation, code=first.code if first else None,
                         text=first.text if first else None)

    @property
    def codes(self) -> tuple[int, ...]:
        return tuple(m.code for m in (*self.errors, *self.observations))

    def __str__(self) -> str:
        messages = "; ".join(str(m) for m in (*self.errors, *self.observations))
        return f"{self.operation}: {self.explanation}" + (f" [ARCA {messages}]" if messages else "")


class ArcaAuthError(ArcaError):
    """WSAA refused to log in (``kind`` says why), or WSFEv1 refused the ticket (no kind)."""

    def __init__(self, explanation: str, *, code: str | int | None = None,
                 text: str | None = None, kind: WsaaFaultKind | None = None) -> None:
        self.kind = kind
        super().__init__(explanation, code=code, text=text)


class ArcaAlreadyAuthenticated(ArcaAuthError):
    """WSAA still holds a valid ticket for this certificate and we have no copy of it."""

    def __init__(self, explanation: str, *, code: str, text: str,
                 retry_after: datetime | None) -> None:
        self.retry_after = retry_after
        super().__init__(explanation, code=code, text=text,
                         kind=WsaaFaultKind.ALREADY_AUTHENTICATED)
