"""A standalone till's CAEA duties (no head office): obtaining the fortnight's CAEA from
ARCA, and informing ARCA of the comprobantes issued with it.

A till with head office does neither (head office requests the CUIT's CAEA once and
informs every till's comprobantes from what its ingest applied); these run in the fiscal
worker's pass, once ARCA answers, only when ``standalone()`` says so, and from
``pos-desktop fiscal caea request|inform``.

- **Request**: the current fortnight's CAEA and, from 5 days before it starts, the next
  one's (``FECAEASolicitar``; 15008, already granted → ``FECAEAConsultar``). A refusal
  (15006 outside the window, 15003 no CAEA point of sale) is kept as the last error and
  asked again after ``RETRY_AFTER``.
- **Inform**: ``FECAEARegInformativo`` one comprobante at a time, per point of sale and
  type in number order, each with its CAEA and ``CbteFchHsGen`` (the moment it was
  issued). Exactly once: each is marked informed in its own transaction after ARCA took
  it; one ARCA refuses, or answers about with an unknown outcome, is looked up with
  ``FECompConsultar`` first (a restart after ARCA took it, before the mark was written,
  finds it there as CAEA and marks it). The first real refusal stops informing there and
  is kept (status, the X report) until the manager runs ``fiscal caea inform`` again.
- **Sin movimiento**: a CAEA whose fortnight ended with nothing issued on the till's CAEA
  point of sale is informed with ``FECAEASinMovimientoInformar``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from pos_arca import (
    ArcaOutcomeUnknown,
    ArcaRejected,
    Clock,
    Fortnight,
)

if TYPE_CHECKING:  # the client loads zeep: not at the till's start-up
    from pos_arca import WsfeClient
from pos_arca import Caea as ArcaCaea
from pos_desktop.domain.fiscal.caea import Caea
from pos_desktop.domain.fiscal.dates import argentine_date, in_argentina
from pos_desktop.fiscal.tasks import FiscalTask, comprobante

log = logging.getLogger(__name__)

ALREADY_GRANTED = 15008
RETRY_AFTER = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class ToInform:
    task: FiscalTask  # authorized with CAEA: its block has number, moment and code
    inform_error: str | None

    @property
    def number(self) -> int:
        return int(self.task.block["number"])

    @property
    def code(self) -> str:
        return str(self.task.block["authorization"]["code"])

    @property
    def issued_at(self) -> datetime:
        return datetime.fromisoformat(str(self.task.block["issued_at"]))


class CaeaBook(Protocol):
    """Where the duties read and record (the till implements it over its SQLite file)."""

    def caeas(self) -> Sequence[Caea]: ...

    def keep(self, caea: Caea) -> None: ...

    def to_inform(self) -> Sequence[ToInform]:
        """CAEA comprobantes not yet informed, per point of sale and type by number."""
        ...

    def informed(self, document_id: str, when: str) -> None: ...

    def inform_refused(self, document_id: str, error: str) -> None: ...

    def used_codes(self) -> set[str]:
        """The CAEAs this till issued comprobantes with."""
        ...

    def unused_informed(self, caea: Caea) -> bool: ...

    def mark_unused_informed(self, caea: Caea, when: str) -> None: ...


@dataclass
class InformResult:
    informed: int = 0
    refused: str | None = None  # the comprobante ARCA refused, and why
    idle_informed: int = 0


def from_arca(cuit: str, granted: ArcaCaea) -> Caea:
    return Caea(cuit=cuit, period=granted.fortnight.period, order=granted.fortnight.order,
                code=granted.code, valid_from=granted.valid_from, valid_to=granted.valid_to,
                report_deadline=granted.inform_deadline)


def obtain_caea(wsfe: WsfeClient, fortnight: Fortnight) -> ArcaCaea:
    """The fortnight's CAEA: asked for, or found when ARCA already granted it."""
    try:
        return wsfe.request_caea(fortnight)
    except ArcaRejected as refused:
        if ALREADY_GRANTED not in refused.codes:
            raise
        found = wsfe.consult_caea(fortnight)
        if found is None:
            raise
        return found


@dataclass
class CaeaDuties:
    book: CaeaBook
    clock: Clock
    cuit: Callable[[], str]
    point_of_sale: Callable[[], int | None]  # the till's CAEA point of sale
    standalone: Callable[[], bool]
    last_error: str | None = None
    _tried: dict[Fortnight, datetime] = field(default_factory=dict)

    def __call__(self, session: object) -> None:
        """The worker's step once ARCA answers (``session.wsfe``)."""
        if not self.standalone() or not self.point_of_sale():
            return
        wsfe: WsfeClient = session.wsfe  # type: ignore[attr-defined]
        self.request_due(wsfe)
        self.inform(wsfe)

    # -- request --------------------------------------------------------------------------
    def due(self, today: date) -> list[Fortnight]:
        """The fortnights this till should hold a CAEA for and does not (askable now)."""
        held = {(c.period, c.order) for c in self.book.caeas()}
        current = Fortnight.of(today)
        return [f for f in (current, current.next())
                if (f.period, f.order) not in held and f.can_request_on(today)]

    def request_due(self, wsfe: WsfeClient, *, force: bool = False) -> list[Caea]:
        now = self.clock.now()
        got = []
        for fortnight in self.due(argentine_date(now)):
            tried = self._tried.get(fortnight)
            if not force and tried is not None and now - tried < RETRY_AFTER:
                continue
            self._tried[fortnight] = now
            try:
                caea = from_arca(self.cuit(), obtain_caea(wsfe, fortnight))
            except ArcaRejected as refused:
                self.last_error = f"CAEA {fortnight}: {refused}"
                log.warning("CAEA refused", extra={"fortnight": str(fortnight),
                                                   "codes": ",".join(map(str, refused.codes))})
                continue
            self.book.keep(caea)
            self._tried.pop(fortnight, None)
            self.last_error = None
            log.info("CAEA granted", extra={"fortnight": str(fortnight), "caea": caea.code})
            got.append(caea)
        return got

    # -- inform ---------------------------------------------------------------------------
    def inform(self, wsfe: WsfeClient, *, retry_refused: bool = False) -> InformResult:
        result = InformResult()
        for item in self.book.to_inform():
            if item.inform_error is not None and not retry_refused:
                result.refused = item.inform_error
                break  # stopped at a refusal: the manager sees it and informs again
            if not self._inform_one(wsfe, item, result):
                break
        result.idle_informed = self._inform_idle(wsfe)
        return result

    def _inform_one(self, wsfe: WsfeClient, item: ToInform, result: InformResult) -> bool:
        task, number = item.task, item.number
        request = comprobante(task, number, argentine_date(item.issued_at))
        try:
            wsfe.inform_caea(request, caea=item.code, issued_at=in_argentina(item.issued_at))
        except ArcaRejected as refused:
            if self._held(wsfe, item):  # informed before a restart: ARCA has it already
                return self._mark(item, result)
            error = f"{task.queue} {number:08d}: {refused}"
            self.book.inform_refused(task.document_id, error)
            result.refused = error
            log.warning("CAEA comprobante refused", extra={
                "document": task.document_id, "number": number,
                "codes": ",".join(map(str, refused.codes))})
            return False
        except ArcaOutcomeUnknown:
            if not self._held(wsfe, item):
                raise
        return self._mark(item, result)

    def _held(self, wsfe: WsfeClient, item: ToInform) -> bool:
        found = wsfe.consult(item.task.queue.point_of_sale, item.task.queue.cbte_tipo,
                             item.number)
        return (found is not None and found.emission_kind == "CAEA"
                and found.authorization_code == item.code
                and found.total_centavos == item.task.total)

    def _mark(self, item: ToInform, result: InformResult) -> bool:
        self.book.informed(item.task.document_id, self.clock.now().isoformat())
        result.informed += 1
        return True

    def _inform_idle(self, wsfe: WsfeClient) -> int:
        point_of_sale = self.point_of_sale()
        today = argentine_date(self.clock.now())
        used = self.book.used_codes()
        done = 0
        for caea in self.book.caeas():
            if (point_of_sale is None or caea.valid_to >= today or caea.code in used
                    or today > caea.report_deadline or self.book.unused_informed(caea)):
                continue
            try:
                wsfe.inform_caea_unused(point_of_sale, caea.code)
            except ArcaRejected as refused:
                if 1202 not in refused.codes:  # 1202: informed already (before a restart)
                    self.last_error = f"CAEA {caea.fortnight}: {refused}"
                    continue
            self.book.mark_unused_informed(caea, self.clock.now().isoformat())
            done += 1
        return done
