"""The HTTP under zeep: short timeouts and each failure sorted into not-sent or outcome-unknown.

The split matters for money: a request that never left can be sent again as is; one that left
and got no answer may have been authorized, so the caller must ask ARCA before retrying.
"""

from __future__ import annotations

import functools
import threading
from importlib import resources
from typing import Any

import requests
import urllib3.exceptions
from zeep import Client, Settings
from zeep.transports import Transport
from zeep.wsdl import Document

from pos_arca.errors import ArcaNotSent, ArcaOutcomeUnknown
from pos_arca.models import Timeouts

#: Causes that prove the request never reached the server.
_NEVER_SENT = (urllib3.exceptions.NewConnectionError, urllib3.exceptions.NameResolutionError,
               ConnectionRefusedError, urllib3.exceptions.SSLError)


def _never_sent(error: BaseException) -> bool:
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, _NEVER_SENT):
            return True
        for arg in getattr(cause, "args", ()):
            if isinstance(arg, BaseException) and isinstance(arg, _NEVER_SENT):
                return True
        reason = getattr(cause, "reason", None)
        if isinstance(reason, BaseException) and isinstance(reason, _NEVER_SENT):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _is_soap_fault(response: requests.Response) -> bool:
    kind = response.headers.get("Content-Type", "")
    return "xml" in kind and b"Fault" in response.content


class ArcaTransport(Transport):
    """zeep's transport with (connect, read) timeouts and ARCA's failure kinds.

    It never logs the bodies (zeep's own transport does at DEBUG): they carry the token and
    sign of the access ticket.
    """

    def __init__(self, timeouts: Timeouts) -> None:
        session = requests.Session()
        session.trust_env = False  # no proxy or netrc surprises from the environment
        super().__init__(session=session, timeout=timeouts.connect,  # type: ignore[no-untyped-call]
                         operation_timeout=timeouts.read)
        self.timeouts = timeouts
        self._current = threading.local()  # one client may serve several threads

    @property
    def operation(self) -> str:
        return getattr(self._current, "operation", "?")

    @operation.setter
    def operation(self, name: str) -> None:
        self._current.operation = name

    def post(self, address: str, message: Any, headers: dict[str, str]) -> requests.Response:
        operation = self.operation
        try:
            response = self.session.post(
                address, data=message, headers=headers,
                timeout=(self.timeouts.connect, self.timeouts.read))
        except requests.exceptions.ConnectTimeout as error:
            raise ArcaNotSent("could not connect to ARCA in time", operation=operation,
                              detail=type(error).__name__) from None
        except requests.exceptions.ReadTimeout as error:
            raise ArcaOutcomeUnknown("ARCA did not answer in time after the request was sent",
                                     operation=operation, detail=type(error).__name__) from None
        except requests.exceptions.ConnectionError as error:
            if _never_sent(error):
                raise ArcaNotSent("could not reach ARCA (connection refused, DNS or TLS)",
                                  operation=operation, detail=type(error).__name__) from None
            raise ArcaOutcomeUnknown("the connection dropped before ARCA's answer arrived",
                                     operation=operation, detail=type(error).__name__) from None
        except requests.exceptions.RequestException as error:
            raise ArcaOutcomeUnknown("the request failed in transit", operation=operation,
                                     detail=type(error).__name__) from None
        if response.status_code >= 500 and not _is_soap_fault(response):
            raise ArcaOutcomeUnknown(f"ARCA answered HTTP {response.status_code} without a "
                                     "SOAP answer", operation=operation)
        if 400 <= response.status_code < 500:
            raise ArcaNotSent(f"ARCA answered HTTP {response.status_code}: wrong address?",
                              operation=operation)
        return response


@functools.cache
def _document(name: str) -> Document:
    """The shipped WSDL, parsed once per process (parsing is the slow part of a zeep client)."""
    path = resources.files("pos_arca") / "wsdl" / name
    with resources.as_file(path) as wsdl:
        return Document(str(wsdl), Transport(), settings=Settings())  # type: ignore[no-untyped-call, arg-type]


def soap_client(wsdl_name: str, timeouts: Timeouts) -> tuple[Client, ArcaTransport]:
    transport = ArcaTransport(timeouts)
    client = Client(_document(wsdl_name), transport=transport)  # type: ignore[no-untyped-call]
    return client, transport
