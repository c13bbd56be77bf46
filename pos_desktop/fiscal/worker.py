"""The fiscal worker: a thread that gets each pending comprobante authorized by ARCA, once.

Woken after every commit (and on a slow timer), it takes the pending comprobantes in the
order they were committed, one at a time, so each (point of sale, type) is numbered
serially, and for each:

1. an earlier attempt whose outcome is unknown is resolved first, with
   ``FECompConsultar`` for its number: ARCA holds it with our amounts → recorded as
   authorized (exactly once); ARCA holds nothing → the number is free again; ARCA holds
   another comprobante there → the number was taken elsewhere, free for us no more;
2. the number is ARCA's last authorized + 1 for its queue (known from
   ``FECompUltimoAutorizado`` at start-up and after every reconnection, then counted);
   the attempt (number and moment) is written *before* the request leaves, so a crash
   or a lost answer can always be resolved by step 1;
3. ``FECAESolicitar``: **A** → authorized; **R** → rejected with ARCA's messages (the
   number stays free); 10016 (not the next number) → the queue's last number is asked
   again and the comprobante retried; **not sent** (refused, DNS, TLS) → stays pending
   and the pass stops (ARCA is unreachable); **outcome unknown** (timeout after sending,
   dropped answer, 5xx) → step 1 at once, and if ARCA cannot be asked, the comprobante
   stays *in doubt* and is resolved first when ARCA answers again.

While ARCA does not answer (not sent, or no answer and FECompConsultar cannot be asked
either) the till is in *contingency* (``pos_desktop.fiscal.contingency``): every pending
comprobante whose request never left is issued at once with the fortnight's CAEA on the
till's CAEA point of sale (``FiscalBook.issue_caea``), and the checkout issues new sales
that way from the start. A comprobante whose request left and whose outcome is unknown
is never issued with CAEA: ARCA may hold its CAE, and a sale must never end with both;
it stays in doubt until FECompConsultar says. The first pass in which ARCA answers
leaves contingency: the next sale asks for its CAE again.

ARCA answering no is contingency too: WSAA refusing the login (an expired certificate, the
till's clock, ``coe.alreadyAuthenticated``, WSAA out of service) or the setup failing
(the key, the CUIT) means no CAE now, so the sales go CAEA as above; the refusal is kept
as a ``faults.FiscalFault`` for the status bar and the X report, and WSAA is not asked again
before its time (``_hold_login``). WSFEv1's own errors on every request are unknown
outcomes (``pos_arca``), never rejections.

A credit note waits until the comprobante it cancels is authorized (``CbtesAsoc`` needs
its number). Reconciliation compares ARCA's last number with the highest this till
recorded: ARCA ahead → ARCA's is taken (numbers between that no attempt of ours explains
were issued outside this till, and are reported); ARCA behind → this till recorded
numbers ARCA does not have (another environment, CUIT or point of sale?): that queue is
blocked and the error shown, rather than issue a number twice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from pos_arca import (
    ArcaAlreadyAuthenticated,
    ArcaAuthError,
    ArcaConfigError,
    ArcaError,
    ArcaLoginUnavailable,
    ArcaMessage,
    ArcaNotSent,
    ArcaOutcomeUnknown,
    ArcaRejected,
    ArcaUnreachable,
    CaeAuthorization,
    Clock,
    SystemClock,
)

if TYPE_CHECKING:  # the client loads zeep: not at the till's start-up
    from pos_arca import WsfeClient
from pos_desktop.domain.errors import PosError
from pos_desktop.fiscal.contingency import Contingency
from pos_desktop.fiscal.faults import FiscalFault
from pos_desktop.fiscal.tasks import Attempt, Authorized, FiscalBook, FiscalTask, Queue, comprobante
from pos_desktop.sync.backoff import Backoff

log = logging.getLogger(__name__)

NOT_NEXT = 10016  # ARCA: the number (or date) is not the next to authorize
RENUMBER_TRIES = 3
IDLE_POLL = 30.0  # seconds between passes with nothing to do (another process may commit)
#: WSAA refused the login for a cause of ours (certificate, clock…): asked again after this.
REFUSED_RETRY = timedelta(minutes=5)
#: coe.alreadyAuthenticated and no idea when the other ticket expires (at most 12 h).
ALREADY_AUTHENTICATED_RETRY = timedelta(minutes=10)
LOGIN_BACKOFF_CAP = 300.0  # seconds: WSAA out of service (wsaa.unavailable…)
_UNWRITTEN = object()


class FiscalState(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"
    ERROR = "error"
    DISABLED = "disabled"


@dataclass(frozen=True, slots=True)
class FiscalLink:
    state: FiscalState
    error: str | None = None
    since: str | None = None


@dataclass(frozen=True, slots=True)
class FiscalOutcome:
    """What happened to one comprobante in a pass (the window shows it to the cashier)."""

    document_id: str
    source_kind: str
    source_id: str
    ticket: str
    state: str  # authorized | rejected | pending | in_doubt
    messages: tuple[ArcaMessage, ...] = ()
    authorized: Authorized | None = None
    reason: str = ""
    cbte_tipo: int = 0
    point_of_sale: int = 0


@dataclass
class PassResult:
    authorized: int = 0
    rejected: int = 0
    waiting: int = 0
    issued_caea: int = 0
    error: str | None = None


@dataclass
class ArcaSession:
    """The clients of one configuration: WSFEv1 and the WSAA ticket it signs with."""

    wsfe: WsfeClient
    relogin: Callable[[], object]
    ticket_expiry: Callable[[], datetime | None] = field(default=lambda: None)


class FiscalWorker:
    def __init__(self, book: FiscalBook, connect: Callable[[], ArcaSession], *,
                 queues: Callable[[], Iterable[Queue]] = tuple,
                 caea_queues: Callable[[], Iterable[Queue]] = tuple, clock: Clock | None = None,
                 backoff: Backoff | None = None, idle_poll: float = IDLE_POLL,
                 contingency: Contingency | None = None,
                 duties: Callable[[ArcaSession], None] | None = None) -> None:
        self.book = book
        self._connect = connect
        self._queues = queues
        self._caea_queues = caea_queues
        self.clock = clock or SystemClock()
        self.contingency = contingency or Contingency(self.clock)
        self.duties = duties  # once online: a standalone till's CAEA requests and informing
        self.backoff = backoff or Backoff(base=1.0, cap=60.0)
        self.idle_poll = idle_poll
        self.listeners: list[Callable[[FiscalOutcome], None]] = []
        self._session: ArcaSession | None = None
        self._last: dict[Queue, int] = {}
        self._blocked: dict[Queue, str] = {}
        self.foreign: dict[Queue, int] = {}  # numbers issued outside this till, per queue
        self._reconciled = False
        self._link = FiscalLink(FiscalState.OFFLINE, None, _now())
        self._lock = threading.RLock()  # one pass at a time (thread, CLI and tests)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._passes = 0
        self._settled = threading.Condition()
        self._refusal: ArcaError | None = None  # WSAA's last refusal, until _login_after
        self._fresh_login = False  # WSFEv1 refused the cached ticket: log in anew, once
        self._login_after: datetime | None = None
        self._login_backoff = Backoff(base=2.0, cap=LOGIN_BACKOFF_CAP)
        self.fault: FiscalFault | None = None  # why no CAE can be had, when ARCA said why
        self._fault_key: object = _UNWRITTEN  # what the book holds: written once at least

    # -- life cycle -----------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="fiscal-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def wake(self) -> None:
        """A comprobante was committed (or ARCA may be back): look now."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            result = self.run_once()
            if result.error is not None:
                delay = self.backoff.next_delay()
            else:
                self.backoff.reset()
                delay = self.idle_poll
            self._wake.wait(delay)
            self._wake.clear()

    # -- what the status bar and ``fiscal status`` read ---------------------------------------
    def link(self) -> FiscalLink:
        return self._link

    def last_numbers(self) -> dict[Queue, int]:
        with self._lock:
            return dict(self._last)

    def blocked(self) -> dict[Queue, str]:
        with self._lock:
            return dict(self._blocked)

    def ticket_expiry(self) -> datetime | None:
        session = self._session
        return None if session is None else session.ticket_expiry()

    def passes(self) -> int:
        return self._passes

    def wait_for_pass(self, after: int, timeout: float = 30.0) -> bool:
        """Wait until a pass later than ``after`` has finished (tests and the CLI)."""
        with self._settled:
            return self._settled.wait_for(lambda: self._passes > after, timeout)

    # -- one pass ---------------------------------------------------------------------------
    def run_once(self) -> PassResult:
        """Authorize what is pending, in order, until done or ARCA stops answering."""
        with self._lock:
            result = PassResult()
            try:
                session = self._ready()
            except (ArcaError, PosError) as error:
                # No session, whatever the reason (ARCA down, a refused login, the setup):
                # no CAE can be had now, so the sales go on with CAEA.
                self._cannot_authorize(result, error)
            except Exception as error:  # the database, a bug: never kill the thread
                self._failed(result, error)
            else:
                try:
                    self.contingency.leave()  # ARCA answers: sales ask for their CAE again
                    self._authorize_pending(session, result)
                    if self.duties is not None:
                        self.duties(session)
                    self._keep_fault(None)
                    self._set_link(FiscalState.ONLINE, None)
                except (ArcaUnreachable, ArcaAuthError) as error:  # a renewal refused, too
                    self._cannot_authorize(result, error)
                except (ArcaError, PosError) as error:  # a queue blocked: the others go on
                    self._session = None
                    result.error = str(error)
                    self._set_link(FiscalState.ERROR, str(error))
                except Exception as error:
                    self._failed(result, error)
        with self._settled:
            self._passes += 1
            self._settled.notify_all()
        return result

    def retry_now(self) -> None:
        """The fiscal settings changed (a new certificate?): log in at the next pass."""
        with self._lock:
            self._login_after = None
        self.wake()

    def _ready(self) -> ArcaSession:
        """The session, logged in and reconciled; raises whatever keeps it from that."""
        if self._session is None:
            if (self._refusal is not None and self._login_after is not None
                    and self.clock.now() < self._login_after):
                # WSAA refused: not asked again before its time (a fresh traceback each
                # pass, or the held error's would grow for as long as the refusal stands).
                raise self._refusal.with_traceback(None)
            self._session = self._connect()
            self._reconciled = False
            if self._fresh_login:
                self._session.relogin()  # not the cached ticket WSFEv1 refused
        if not self._reconciled:
            self._reconcile(self._session.wsfe)  # its first request logs in
        self._refusal, self._login_after, self._fresh_login = None, None, False
        self._login_backoff.reset()
        return self._session

    def _cannot_authorize(self, result: PassResult, error: ArcaError | PosError) -> None:
        """Contingency: ARCA gives no CAE now. Sales are issued with CAEA, and the fault is
        shown as offline (it passes by itself) or as an error for the manager to fix."""
        result.error = str(error)
        if isinstance(error, ArcaUnreachable) and not isinstance(error, ArcaLoginUnavailable):
            self._reconciled = False  # numbers are asked again on reconnection
            self._set_link(FiscalState.OFFLINE, str(error))
        else:
            self._session = None  # log in again (once its time comes)
            # The refusal held from an earlier pass keeps its time: a pass is no new login.
            retry_at = self._login_after if error is self._refusal else self._hold_login(error)
            fault = FiscalFault.of(error, self.clock.now(), retry_at)
            self._keep_fault(fault)
            self._set_link(FiscalState.OFFLINE if fault.transient else FiscalState.ERROR,
                           str(error))
        self.contingency.enter(str(error))
        self._issue_offline(result)

    def _hold_login(self, error: ArcaError | PosError) -> datetime | None:
        """When WSAA may be asked again after ``error`` (None: at the next pass).

        A refusal stands until its cause changes, so asking at every commit would only
        load WSAA: ``coe.alreadyAuthenticated`` waits for the other ticket to expire, WSAA's
        own trouble backs off, and a fault of ours waits ``REFUSED_RETRY`` (or ``retry_now``).
        """
        now = self.clock.now()
        if isinstance(error, ArcaAlreadyAuthenticated):
            later = error.retry_after
            self._login_after = later if later is not None and later > now else (
                now + ALREADY_AUTHENTICATED_RETRY)
        elif isinstance(error, ArcaLoginUnavailable):
            self._login_after = now + timedelta(seconds=self._login_backoff.next_delay())
        elif isinstance(error, ArcaAuthError) and error.kind is None and not self._fresh_login:
            # WSFEv1 refused the ticket we hold (ARCA forgot it, or its clock says it ended):
            # the next pass logs in afresh at once instead of sending the cached one again.
            self._fresh_login, self._login_after = True, None
            return None
        elif isinstance(error, ArcaAuthError):
            self._login_after = now + REFUSED_RETRY
        else:
            return None  # the setup (key, certificate, CUIT): read again at the next pass
        self._refusal = error
        return self._login_after

    def _keep_fault(self, fault: FiscalFault | None) -> None:
        """Written where the X report and another process read it, when it changes."""
        key = None if fault is None else (fault.kind, fault.code, fault.retry_at)
        if key == self._fault_key:
            return
        self.fault = fault
        try:
            self.book.arca_fault(None if fault is None else fault.as_dict())
            self._fault_key = key
        except Exception:  # the database: shown in memory meanwhile, written next pass
            log.exception("could not record the fiscal fault")

    def _failed(self, result: PassResult, error: Exception) -> None:
        log.exception("fiscal pass failed")
        result.error = type(error).__name__
        self._set_link(FiscalState.ERROR, type(error).__name__)

    def _authorize_pending(self, session: ArcaSession, result: PassResult) -> None:
        progressed = True
        while progressed and not self._stop.is_set():
            progressed, waiting = False, 0
            for task in self.book.pending():
                if self._stop.is_set():
                    return
                if task.queue in self._blocked or task.waits_for is not None:
                    waiting += 1
                    continue
                outcome = self._process(session, task)
                if outcome == "authorized":
                    result.authorized += 1
                    progressed = True
                elif outcome == "rejected":
                    result.rejected += 1
            result.waiting = waiting
            progressed = progressed and waiting > 0  # a credit note may now go on

    def _issue_offline(self, result: PassResult) -> None:
        """Contingency: issue with CAEA what never reached ARCA (never one in doubt)."""
        try:
            progressed = True
            while progressed and not self._stop.is_set():
                progressed = False
                for task in self.book.pending():
                    if task.attempt is not None or task.in_doubt or task.waits_for is not None:
                        continue  # ARCA may hold its CAE: FECompConsultar decides, later
                    issued = self.book.issue_caea(task, self.contingency.now())
                    if issued is None:
                        continue  # no CAEA for it: it waits for its CAE
                    result.issued_caea += 1
                    progressed = True
                    log.info("comprobante issued with CAEA", extra={
                        "document": task.document_id, "ticket": task.ticket,
                        "point_of_sale": issued.point_of_sale, "number": issued.number})
                    self._tell(FiscalOutcome(task.document_id, task.source_kind,
                                             task.source_id, task.ticket, "authorized",
                                             authorized=issued, cbte_tipo=task.queue.cbte_tipo,
                                             point_of_sale=issued.point_of_sale))
        except Exception:  # the database, a bug: the comprobantes stay pending
            log.exception("issuing with CAEA failed")

    # -- numbers ------------------------------------------------------------------------------
    def _reconcile(self, wsfe: WsfeClient) -> None:
        pending = list(self.book.pending())
        mine = self.book.authorized_numbers()
        queues = set(self._queues()) | {t.queue for t in pending}
        for queue in sorted(queues):
            explained = {t.attempt.number for t in pending
                         if t.attempt is not None and t.queue == queue}
            self._take_arca_last(wsfe, queue, mine.get(queue, 0), explained)
        for queue in sorted(set(self._caea_queues())):
            # The till numbers its CAEA comprobantes itself, from its own database: an
            # earlier install's, informed to ARCA on the same point of sale, are not there.
            self.book.arca_last_caea(queue, wsfe.last_authorized(queue.point_of_sale,
                                                                 queue.cbte_tipo))
        self._reconciled = True

    def _take_arca_last(self, wsfe: WsfeClient, queue: Queue, mine: int,
                        explained: set[int]) -> None:
        arca = wsfe.last_authorized(queue.point_of_sale, queue.cbte_tipo)
        if arca < mine:
            reason = (f"ARCA's last authorized number for {queue} is {arca} but this till "
                      f"recorded {mine}: check the environment, CUIT and point of sale")
            log.error("fiscal numbers disagree", extra={"queue": str(queue), "arca": arca,
                                                         "till": mine})
            self._blocked[queue] = reason
            return
        self._blocked.pop(queue, None)
        foreign = [n for n in range(mine + 1, arca + 1) if n not in explained]
        if foreign:
            self.foreign[queue] = self.foreign.get(queue, 0) + len(foreign)
            log.warning("comprobantes issued outside this till", extra={
                "queue": str(queue), "numbers": f"{foreign[0]}-{foreign[-1]}"})
        if arca != self._last.get(queue):
            log.info("fiscal numbers reconciled", extra={"queue": str(queue), "last": arca})
        self._last[queue] = arca

    def _next_number(self, wsfe: WsfeClient, queue: Queue) -> int:
        if queue not in self._last:
            explained: set[int] = set()
            self._take_arca_last(wsfe, queue, self.book.authorized_numbers().get(queue, 0),
                                 explained)
            if queue in self._blocked:
                raise ArcaConfigError(self._blocked[queue])
        return self._last[queue] + 1

    # -- one comprobante ----------------------------------------------------------------------
    def _process(self, session: ArcaSession, task: FiscalTask) -> str:
        wsfe = session.wsfe
        if task.attempt is not None and self._resolve(wsfe, task, task.attempt):
            return "authorized"
        for _ in range(RENUMBER_TRIES):
            attempt = Attempt(self._next_number(wsfe, task.queue), self.clock.now())
            self.book.attempting(task, attempt)
            request = comprobante(task, attempt.number, attempt.day)
            try:
                cae = wsfe.authorize(request)
            except ArcaRejected as rejected:
                if NOT_NEXT in rejected.codes:
                    self.book.released(task)
                    self._refresh(wsfe, task.queue)
                    continue
                messages = (*rejected.errors, *rejected.observations)
                self.book.rejected(task, messages)
                log.warning("comprobante rejected by ARCA", extra={
                    "document": task.document_id, "ticket": task.ticket,
                    "codes": ",".join(str(m.code) for m in messages)})
                self._tell(FiscalOutcome(task.document_id, task.source_kind, task.source_id,
                                         task.ticket, "rejected", tuple(messages),
                                         cbte_tipo=task.queue.cbte_tipo,
                                         point_of_sale=task.queue.point_of_sale))
                return "rejected"
            except ArcaNotSent:
                self.book.released(task)
                self._tell_pending(task, "pending", "ARCA could not be reached")
                raise
            except ArcaAuthError:
                # The login was refused before the request left, or WSFEv1 refused the
                # ticket: nothing authorized either way, so CAEA may issue it.
                self.book.released(task)
                raise
            except ArcaOutcomeUnknown as unknown:
                if self._resolve(wsfe, task, attempt, cause=unknown):
                    return "authorized"
                continue  # ARCA holds nothing under the number: ask for it again
            self._record(task, attempt, cae)
            return "authorized"
        reason = f"ARCA keeps refusing the next number of {task.queue} (10016)"
        self._blocked[task.queue] = reason
        raise ArcaConfigError(reason)

    def _resolve(self, wsfe: WsfeClient, task: FiscalTask, attempt: Attempt, *,
                 cause: ArcaOutcomeUnknown | None = None) -> bool:
        """Did ARCA authorize ``attempt``? True once recorded; False when the number is free."""
        try:
            found = wsfe.recover(comprobante(task, attempt.number, attempt.day))
        except ArcaRejected:
            log.warning("another comprobante holds the attempted number", extra={
                "document": task.document_id, "number": attempt.number})
            self.book.released(task)
            self._refresh(wsfe, task.queue)
            return False
        except ArcaUnreachable as error:
            reason = str(cause or error)
            self.book.in_doubt(task, reason)
            self._tell_pending(task, "in_doubt", reason)
            raise
        if found is None:
            self.book.released(task)
            return False
        self._record(task, attempt, found)
        return True

    def _refresh(self, wsfe: WsfeClient, queue: Queue) -> None:
        self._last.pop(queue, None)
        self._take_arca_last(wsfe, queue, self.book.authorized_numbers().get(queue, 0), set())

    def _record(self, task: FiscalTask, attempt: Attempt, cae: CaeAuthorization) -> None:
        result = Authorized(number=cae.number, day=attempt.day, code=cae.cae, due=cae.due_date,
                            kind="CAE", issued_at=attempt.at, processed_at=cae.processed_at,
                            observations=cae.observations)
        self.book.authorized(task, result)
        self._last[task.queue] = max(self._last.get(task.queue, 0), cae.number)
        log.info("comprobante authorized", extra={
            "document": task.document_id, "ticket": task.ticket, "queue": str(task.queue),
            "number": cae.number})
        self._tell(FiscalOutcome(task.document_id, task.source_kind, task.source_id,
                                 task.ticket, "authorized", cae.observations, result,
                                 cbte_tipo=task.queue.cbte_tipo,
                                 point_of_sale=task.queue.point_of_sale))

    # -- telling the window -------------------------------------------------------------------
    def _tell_pending(self, task: FiscalTask, state: str, reason: str) -> None:
        self._tell(FiscalOutcome(task.document_id, task.source_kind, task.source_id,
                                 task.ticket, state, reason=reason,
                                 cbte_tipo=task.queue.cbte_tipo,
                                 point_of_sale=task.queue.point_of_sale))

    def _tell(self, outcome: FiscalOutcome) -> None:
        for listener in list(self.listeners):
            try:
                listener(outcome)
            except Exception:  # a listener must never stop the worker
                log.exception("fiscal listener failed")

    def _set_link(self, state: FiscalState, error: str | None) -> None:
        if self._link.state is not state or self._link.error != error:
            self._link = FiscalLink(state, error, _now())


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
