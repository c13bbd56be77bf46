"""What the fiscal worker works on: one comprobante waiting for ARCA, and what ARCA said.

A ``FiscalTask`` is read from the till's fiscal documents (``FiscalBook.pending``); the
worker turns it into ``pos_arca.Comprobante`` under the number it asks for, and reports
back an ``Authorized`` or ARCA's messages. Nothing here knows SQL or Qt.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from pos_arca import ArcaMessage, Comprobante, ComprobanteAsociado
from pos_arca.amounts import amount_fields, buyer_fields
from pos_desktop.domain.fiscal.dates import argentine_date


@dataclass(frozen=True, slots=True, order=True)
class Queue:
    """ARCA numbers comprobantes per (point of sale, type): one queue each."""

    point_of_sale: int
    cbte_tipo: int

    def __str__(self) -> str:
        return f"{self.point_of_sale:05d}/{self.cbte_tipo:03d}"


@dataclass(frozen=True, slots=True)
class Original:
    """The authorized comprobante a credit note cancels (``CbtesAsoc``)."""

    cbte_tipo: int
    point_of_sale: int
    number: int
    day: date


@dataclass(frozen=True, slots=True)
class Attempt:
    """A number asked for (written before the request left): ARCA may hold it."""

    number: int
    at: datetime  # aware: when the till asked; CbteFch is its Argentine date

    @property
    def day(self) -> date:
        return argentine_date(self.at)


@dataclass(frozen=True, slots=True)
class FiscalTask:
    document_id: str
    seq: int  # the order the comprobantes were committed in
    source_kind: str  # sale | refund
    source_id: str
    ticket: str
    block: Mapping[str, Any]  # the fiscal block as committed (pos_desktop.domain.fiscal.block)
    created_at: str
    attempt: Attempt | None = None
    in_doubt: bool = False
    original: Original | None = None  # a credit note's original, once it is authorized
    waits_for: str | None = None  # document id of an original not yet authorized

    @property
    def queue(self) -> Queue:
        return Queue(int(self.block["point_of_sale"]), int(self.block["type"]))

    @property
    def total(self) -> int:
        return int(self.block["amounts"]["total"])


@dataclass(frozen=True, slots=True)
class Authorized:
    number: int
    day: date  # CbteFch
    code: str
    due: date
    kind: str  # CAE | CAEA (issued by the till itself while ARCA does not answer)
    issued_at: datetime  # aware: when the till asked (its Argentine date is ``day``)
    processed_at: str  # ARCA's FchProceso
    observations: tuple[ArcaMessage, ...] = ()
    point_of_sale: int = 0  # under CAEA: the till's CAEA point of sale


class FiscalBook(Protocol):
    """Where the worker reads what waits and records what ARCA answered (a port: the till
    implements it over its SQLite file; unit tests with a fake)."""

    def pending(self) -> Sequence[FiscalTask]:
        """Comprobantes not yet authorized nor rejected, in commit order."""
        ...

    def authorized_numbers(self) -> Mapping[Queue, int]:
        """The highest number this till recorded as authorized, per queue."""
        ...

    def attempting(self, task: FiscalTask, attempt: Attempt) -> None:
        """Before the request leaves: ARCA may authorize ``attempt`` from now on."""
        ...

    def released(self, task: FiscalTask) -> None:
        """ARCA holds nothing under the attempt's number: it is free again."""
        ...

    def in_doubt(self, task: FiscalTask, reason: str) -> None:
        """The request left, no answer came and ARCA cannot be asked yet."""
        ...

    def authorized(self, task: FiscalTask, result: Authorized) -> None: ...

    def rejected(self, task: FiscalTask, messages: Sequence[ArcaMessage]) -> None: ...

    def arca_last_caea(self, queue: Queue, number: int) -> None:
        """ARCA's last number on a CAEA queue (start-up, reconnection): no CAEA comprobante
        is issued at or below it (ARCA holds those, from an earlier install)."""
        ...

    def arca_fault(self, fault: Mapping[str, Any] | None) -> None:
        """Why no CAE can be had now though ARCA answered (a refused login, the setup),
        for the X report and ``fiscal status``; None once ARCA authorizes again."""
        ...

    def issue_caea(self, task: FiscalTask, at: datetime) -> Authorized | None:
        """ARCA does not answer: issue ``task`` at ``at`` on the till's CAEA point of sale
        with the fortnight's CAEA (numbered by the till). None: no CAEA point of sale or
        no CAEA for that day; the comprobante stays pending for its CAE."""
        ...


def comprobante(task: FiscalTask, number: int, day: date) -> Comprobante:
    """The request for ``task`` under ``number`` dated ``day``."""
    block, original = task.block, task.original
    return Comprobante(
        point_of_sale=int(block["point_of_sale"]), cbte_tipo=int(block["type"]),
        number=number, date=day, **amount_fields(block["amounts"]),
        **buyer_fields(block["buyer"]),
        asociados=() if original is None else (ComprobanteAsociado(
            cbte_tipo=original.cbte_tipo, point_of_sale=original.point_of_sale,
            number=original.number, cuit=int(block["seller"]["cuit"]), date=original.day),),
    )
