"""The fiscal worker's rules against ARCA's stand-in over HTTP: every comprobante authorized
once, no number skipped, whatever ARCA does (rejects, times out, drops the answer)."""

from __future__ import annotations

from pathlib import Path

from pos_arca import ManualClock
from pos_arca.standin import ArcaStandin
from pos_arca.testing import TaxpayerCredentials
from pos_desktop.domain.fiscal.buyer import identify_buyer
from pos_desktop.domain.fiscal.parties import DocumentType, IvaCondition
from pos_desktop.fiscal.worker import FiscalState, FiscalWorker
from tests.fiscal.conftest import credit_note_block, invoice_block, make_worker
from tests.fiscal.memory_book import MemoryBook


def held_numbers(standin: ArcaStandin, cbte_tipo: int = 6) -> list[int]:
    return sorted(c.number for c in standin.state.comprobantes.values()
                  if c.cbte_tipo == cbte_tipo and c.point_of_sale == 1)


def test_consecutive_sales_get_consecutive_caes(book: MemoryBook, worker: FiscalWorker,
                                                standin: ArcaStandin) -> None:
    ids = [book.add(invoice_block(12100 + i)) for i in range(5)]
    result = worker.run_once()
    assert result.authorized == 5 and result.error is None
    assert [book.number(i) for i in ids] == [1, 2, 3, 4, 5]
    assert held_numbers(standin) == [1, 2, 3, 4, 5]
    codes = {book.docs[i].authorized.code for i in ids}  # type: ignore[union-attr]
    assert len(codes) == 5 and all(len(c) == 14 for c in codes)
    assert worker.link().state is FiscalState.ONLINE


def test_the_worker_thread_authorizes_what_is_committed_when_woken(
        book: MemoryBook, worker: FiscalWorker) -> None:
    worker.start()
    try:
        doc = book.add(invoice_block())
        worker.wake()
        assert book.wait(lambda b: b.state(doc) == "authorized")
    finally:
        worker.stop()


def test_a_rejected_comprobante_keeps_the_number_free(book: MemoryBook, worker: FiscalWorker,
                                                      standin: ArcaStandin) -> None:
    first = book.add(invoice_block())
    # ARCA's rule the till cannot know locally: the stand-in requires 10246 when the buyer's
    # condition is missing; a corrupt block (condition removed) is what reaches it here.
    bad = invoice_block()
    bad["buyer"] = {**bad["buyer"], "iva_condition": 3}  # not in ARCA's table: 10242
    rejected = book.add(bad)
    after = book.add(invoice_block(50000))
    worker.run_once()
    assert book.state(rejected) == "rejected"
    assert 10242 in [m.code for m in book.docs[rejected].messages]
    assert (book.number(first), book.number(after)) == (1, 2)
    assert held_numbers(standin) == [1, 2]


def test_factura_a_and_b_are_numbered_apart(book: MemoryBook, worker: FiscalWorker,
                                            standin: ArcaStandin) -> None:
    company = identify_buyer(DocumentType.CUIT, "20-12345678-6", name="Kiosco SRL",
                             condition=IvaCondition.RESPONSABLE_INSCRIPTO)
    b1, a1, b2 = (book.add(invoice_block()), book.add(invoice_block(buyer=company)),
                  book.add(invoice_block()))
    worker.run_once()
    assert book.docs[a1].task.block["type"] == 1
    assert (book.number(b1), book.number(a1), book.number(b2)) == (1, 1, 2)


def test_a_timeout_is_resolved_before_retrying_and_nothing_is_authorized_twice(
        book: MemoryBook, standin: ArcaStandin, taxpayer: TaxpayerCredentials,
        clock: ManualClock, tmp_path: Path) -> None:
    worker = make_worker(book, standin, taxpayer, clock, tmp_path, read_timeout=0.5)
    # Processed, then held until the client gives up: ARCA authorized number 1.
    standin.faults.arm("FECAESolicitar", "timeout", processed=True)
    doc = book.add(invoice_block())
    second = book.add(invoice_block(24200))
    worker.run_once()
    assert book.state(doc) == "authorized" and book.number(doc) == 1
    assert book.number(second) == 2
    assert held_numbers(standin) == [1, 2]
    assert "attempt 1" in book.docs[doc].history and book.docs[doc].history.count(
        "attempt 1") == 1  # found by FECompConsultar, not sent again


def test_a_timeout_that_arca_did_not_process_retries_the_same_number(
        book: MemoryBook, standin: ArcaStandin, taxpayer: TaxpayerCredentials,
        clock: ManualClock, tmp_path: Path) -> None:
    worker = make_worker(book, standin, taxpayer, clock, tmp_path, read_timeout=0.5)
    standin.faults.arm("FECAESolicitar", "timeout", processed=False)
    doc = book.add(invoice_block())
    worker.run_once()
    assert book.number(doc) == 1 and held_numbers(standin) == [1]
    assert book.docs[doc].history == ["attempt 1", "released", "attempt 1", "authorized 1"]


def test_a_lost_answer_is_recorded_from_arca_once(book: MemoryBook, worker: FiscalWorker,
                                                  standin: ArcaStandin) -> None:
    standin.faults.arm("FECAESolicitar", "drop")  # authorized, then the answer is dropped
    docs = [book.add(invoice_block()) for _ in range(3)]
    worker.run_once()
    assert [book.number(d) for d in docs] == [1, 2, 3]
    assert held_numbers(standin) == [1, 2, 3]


def test_http_500_without_soap_is_an_unknown_outcome_resolved_by_consulting(
        book: MemoryBook, worker: FiscalWorker, standin: ArcaStandin) -> None:
    standin.faults.arm("FECAESolicitar", "http500", processed=True)
    doc = book.add(invoice_block())
    worker.run_once()
    assert book.number(doc) == 1 and held_numbers(standin) == [1]


def test_in_doubt_while_arca_is_unreachable_then_resolved_first(
        book: MemoryBook, standin: ArcaStandin, taxpayer: TaxpayerCredentials,
        clock: ManualClock, tmp_path: Path) -> None:
    worker = make_worker(book, standin, taxpayer, clock, tmp_path, read_timeout=0.5)
    standin.faults.arm("FECAESolicitar", "drop")  # authorized, answer lost...
    standin.faults.arm("FECompConsultar", "http500")  # ...and ARCA cannot be asked either
    doc = book.add(invoice_block())
    later = book.add(invoice_block(36300))
    result = worker.run_once()
    assert result.error is not None and worker.link().state is FiscalState.OFFLINE
    assert book.state(doc) == "in_doubt" and book.state(later) == "pending"
    worker.run_once()  # ARCA answers again
    assert (book.number(doc), book.number(later)) == (1, 2)
    assert held_numbers(standin) == [1, 2]


def test_a_restarted_worker_resolves_the_attempt_it_wrote_before_dying(
        book: MemoryBook, standin: ArcaStandin, taxpayer: TaxpayerCredentials,
        clock: ManualClock, tmp_path: Path) -> None:
    first = make_worker(book, standin, taxpayer, clock, tmp_path, read_timeout=0.5)
    standin.faults.arm("FECAESolicitar", "drop")
    standin.faults.arm("FECompConsultar", "drop", processed=False)
    doc = book.add(invoice_block())
    first.run_once()
    assert book.state(doc) == "in_doubt"
    again = make_worker(book, standin, taxpayer, clock, tmp_path)  # a new process
    again.run_once()
    assert book.number(doc) == 1 and held_numbers(standin) == [1]


def test_unreachable_arca_keeps_sales_pending_and_authorizes_them_when_back(
        book: MemoryBook, worker: FiscalWorker, standin: ArcaStandin) -> None:
    standin.make_unreachable()
    docs = [book.add(invoice_block()) for _ in range(4)]
    result = worker.run_once()
    assert result.error is not None and worker.link().state is FiscalState.OFFLINE
    assert all(book.state(d) == "pending" for d in docs)
    assert all(book.docs[d].task.attempt is None for d in docs)
    standin.make_reachable()
    worker.run_once()
    assert [book.number(d) for d in docs] == [1, 2, 3, 4]


def test_numbers_are_taken_from_arca_when_the_till_is_behind(
        book: MemoryBook, worker: FiscalWorker, standin: ArcaStandin,
        taxpayer: TaxpayerCredentials, clock: ManualClock, tmp_path: Path) -> None:
    # Another program (or a till restored from an old backup) issued 1-3 on this point of sale.
    other_book = MemoryBook()
    other = make_worker(other_book, standin, taxpayer, clock, tmp_path)  # same ticket cache
    for _ in range(3):
        other_book.add(invoice_block())
    assert other.run_once().authorized == 3
    doc = book.add(invoice_block())
    worker.run_once()
    assert book.number(doc) == 4
    assert held_numbers(standin) == [1, 2, 3, 4]
    assert sum(worker.foreign.values()) == 3


def test_numbers_moved_while_running_are_reconciled_on_10016(
        book: MemoryBook, worker: FiscalWorker, standin: ArcaStandin,
        taxpayer: TaxpayerCredentials, clock: ManualClock, tmp_path: Path) -> None:
    book.add(invoice_block())
    worker.run_once()
    other_book = MemoryBook()
    other_book.add(invoice_block(99900))  # (an identical request would be ARCA's reproceso)
    assert make_worker(other_book, standin, taxpayer, clock, tmp_path).run_once().authorized == 1
    doc = book.add(invoice_block())
    worker.run_once()  # asks for 2, ARCA says 10016, asks the last number, gets 3
    assert book.number(doc) == 3
    assert held_numbers(standin) == [1, 2, 3]


def test_a_till_ahead_of_arca_blocks_the_queue_instead_of_reusing_numbers(
        book: MemoryBook, standin: ArcaStandin, taxpayer: TaxpayerCredentials,
        clock: ManualClock, tmp_path: Path, ca: object) -> None:
    doc = book.add(invoice_block())
    make_worker(book, standin, taxpayer, clock, tmp_path).run_once()
    standin.state.comprobantes.clear()  # e.g. the settings now point to another environment
    standin.state.last.clear()
    later = book.add(invoice_block())
    worker = make_worker(book, standin, taxpayer, clock, tmp_path)
    worker.run_once()
    assert book.number(doc) == 1 and book.state(later) == "pending"
    assert any("recorded 1" in reason for reason in worker.blocked().values())


def test_a_credit_note_waits_for_its_original_and_carries_it(
        book: MemoryBook, worker: FiscalWorker, standin: ArcaStandin) -> None:
    standin.make_unreachable()
    sale = book.add(invoice_block(24200))
    refund = book.add(credit_note_block(6, 12100), original_id=sale, kind="refund")
    worker.run_once()
    assert book.state(sale) == book.state(refund) == "pending"
    standin.make_reachable()
    worker.run_once()
    assert book.number(sale) == 1 and book.number(refund) == 1
    note = next(c for c in standin.state.comprobantes.values() if c.cbte_tipo == 8)
    assert "<CbteAsoc>" in note.fields["request"].replace("ns0:", "") or \
        "CbteAsoc" in note.fields["request"]
