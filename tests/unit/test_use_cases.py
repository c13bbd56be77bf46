"""The till's use cases over the fake unit of work: no SQLite, the real books.

Each test runs a service the window calls (checkout, refund, shift open, cash in/out, the
Z) and looks at what was committed: the fact's journal entry, its validated event for
head office, its print job and its audit row, or nothing at all when it was refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_common.i18n import set_language
from pos_contracts import InvalidEvent, default_registry
from pos_contracts.payloads.common import Person as WirePerson
from pos_contracts.payloads.shifts import ShiftOpenedV1
from pos_desktop.config import Identity
from pos_desktop.domain.events import NotRecordedYet
from pos_desktop.domain.journal import GENESIS_HASH, canonical_json, chain_hash, next_entry
from pos_desktop.domain.people import Person, User, hash_pin
from pos_desktop.domain.permissions import ApprovalRequired, Role
from pos_desktop.domain.product import Product
from pos_desktop.domain.refund import RefundTooLarge
from pos_desktop.domain.sale import Sale, SaleStatus, Tender, TenderKind
from pos_desktop.domain.shift import (
    NoOpenShift,
    ParkedSalesPending,
    ReasonRequired,
    ShiftAlreadyOpen,
)
from pos_desktop.domain.tax import IvaRate
from pos_desktop.services.checkout import CompletedSale, complete_sale
from pos_desktop.services.guard import TillGuard
from pos_desktop.services.people import People, Session
from pos_desktop.services.refunds import RefundService
from pos_desktop.services.shifts import ShiftService
from pos_desktop.store.wire import CANONICAL
from tests.support.wrong_facts import SaleThatAddsUpWrong
from tests.unit.till_fakes import FakeTill

IDENTITY = Identity("S009", "T03", 3)
YERBA = Product("A0001", "Yerba Mate Playadito 1 kg", 529000, IvaRate.GENERAL,
                barcodes=("7791234643615",))
LECHE = Product("A0100", "Leche La Serenísima 1 l", 199000, IvaRate.EXEMPT)
ANA = User("u-ana", "Ana", Role.CASHIER)
SERGIO = User("u-sergio", "Sergio", Role.SUPERVISOR)
MARTA = User("u-marta", "Marta", Role.MANAGER)
PINS = {"u-ana": "1111", "u-sergio": "2222", "u-marta": "9999"}


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("es_AR")


@dataclass
class Till:
    """The services as the composition root wires them, over the fake database."""

    db: FakeTill
    session: Session
    guard: TillGuard
    shifts: ShiftService
    refunds: RefundService

    def login(self, user: User) -> None:
        self.session.start_without_pin(user)

    def approve(self, action: str, by: User = SERGIO) -> None:
        self.guard.approve(action, by.user_id, PINS[by.user_id])

    def sell(self, *items: tuple[Product, int], tenders: list[Tender] | None = None
             ) -> CompletedSale:
        sale = Sale()
        for product, quantity in items:
            sale.add(product, quantity)
        for tender in tenders or [Tender(TenderKind.CASH, sale.due_in_cash)]:
            sale.add_tender(tender)
        return complete_sale(self.db.uow, sale, IDENTITY, cashier=self.session.cashier(),
                             shift_id=None, require_shift=True)


@pytest.fixture
def till() -> Till:
    db = FakeTill(IDENTITY)
    with db.uow() as uow:
        for user in (ANA, SERGIO, MARTA):
            uow.users.add(user, hash_pin(PINS[user.user_id], n=2**4))
        uow.commit()
    people = People(db.uow, IDENTITY)
    session = Session(people)
    guard = TillGuard(session, people, db.uow, IDENTITY)
    till = Till(db, session, guard, ShiftService(db.uow, IDENTITY, guard),
                RefundService(db.uow, IDENTITY, guard))
    till.login(ANA)
    return till


@pytest.fixture
def open_till(till: Till) -> Till:
    till.shifts.open_shift(2_000_000)
    return till


def accepted(envelope: Any) -> dict[str, Any]:
    """What head office would check: the envelope validates against the published schema."""
    data: dict[str, Any] = envelope.to_dict()
    default_registry().validate(data)
    return data


def journal_is_a_chain(till: Till) -> None:
    prev = GENESIS_HASH
    for n, entry in enumerate(till.db.tables.journal, start=1):
        assert (entry.seq, entry.prev_hash) == (n, prev)
        assert entry.hash == chain_hash(prev, entry.record)
        prev = entry.hash


# -- checkout ---------------------------------------------------------------------------
def test_a_completed_sale_is_journaled_sent_and_printed_at_one_commit(open_till: Till) -> None:
    before = open_till.db.commits
    done = open_till.sell((YERBA, 2000), (LECHE, 1000),
                          tenders=[Tender(TenderKind.CASH, 1_500_000)])
    t = open_till.db.tables
    assert open_till.db.commits == before + 1
    assert done.ticket == "0003-00000001" and done.ticket_number == 1
    assert t.sales == [done.payload]
    entry = t.journal[-1]
    assert (entry.kind, entry.ref) == ("sale", done.ticket)
    # The journal hashed the payload without its block; the payload carries the entry.
    assert entry.record == canonical_json({k: v for k, v in done.payload.items()
                                           if k != "journal"})
    assert done.payload["journal"] == {"seq": entry.seq, "prev_hash": entry.prev_hash,
                                       "hash": entry.hash}
    envelope = open_till.db.events("sale.completed")[-1]
    wire = accepted(envelope)
    assert (wire["schema_version"], wire["store_id"], wire["terminal_id"]) == (3, "S009", "T03")
    assert wire["payload"] == done.payload and wire["trace_id"] == done.trace_id
    assert [e.seq for e in open_till.db.events()] == [1, 2]  # the shift opening, the sale
    assert t.print_jobs[-1].kind == "receipt" and t.print_jobs[-1].document == done.payload
    assert done.payload["change"] == 1_500_000 - done.payload["total"]
    journal_is_a_chain(open_till)


def test_ticket_numbers_follow_on_without_gaps(open_till: Till) -> None:
    numbers = [open_till.sell((LECHE, 1000)).ticket_number for _ in range(4)]
    assert numbers == [1, 2, 3, 4]
    assert [e.seq for e in open_till.db.events()] == [1, 2, 3, 4, 5]
    journal_is_a_chain(open_till)


def test_no_sale_without_an_open_shift_and_nothing_is_kept(till: Till) -> None:
    sale = Sale()
    sale.add(YERBA)
    sale.add_tender(Tender(TenderKind.DEBIT, sale.total))
    with pytest.raises(NoOpenShift):
        complete_sale(till.db.uow, sale, IDENTITY, cashier=till.session.cashier(),
                      shift_id=None, require_shift=True)
    assert sale.status is SaleStatus.OPEN  # the cashier can open the shift and go on
    assert till.db.tables.sales == [] and till.db.tables.counters == {}


def test_a_sale_refused_at_commit_can_change_and_complete_with_its_new_totals(
        till: Till) -> None:
    sale = Sale()
    sale.add(YERBA)
    sale.add_tender(Tender(TenderKind.CASH, sale.total))
    with pytest.raises(NoOpenShift):
        complete_sale(till.db.uow, sale, IDENTITY, cashier=None, shift_id=None,
                      require_shift=True)
    sale.add(LECHE)  # the customer takes milk too while the manager opens the shift
    sale.clear_tenders()
    sale.add_tender(Tender(TenderKind.CASH, sale.total))
    till.shifts.open_shift(0)
    done = complete_sale(till.db.uow, sale, IDENTITY, cashier=None, shift_id=None,
                         require_shift=True)
    assert done.payload["total"] == 529000 + 199000 == sale.total
    assert [li["sku"] for li in done.payload["lines"]] == ["A0001", "A0100"]


def test_an_event_head_office_would_refuse_is_refused_at_commit_and_nothing_is_kept(
        open_till: Till) -> None:
    before = open_till.db.tables
    sale = Sale()
    sale.add(YERBA)
    sale.add_tender(Tender(TenderKind.CASH, sale.total))
    with open_till.db.uow() as uow:
        number = uow.counters.next("ticket")
        fact = uow.record(SaleThatAddsUpWrong(
            sale=sale, ticket_number=number, ticket=IDENTITY.ticket(number),
            occurred_at="2026-11-28T10:31:05.123-03:00", cashier=Person("u-ana", "Ana"),
            shift_id=uow.shifts.open_id(IDENTITY.terminal_id)))
        with pytest.raises(InvalidEvent, match="total"):
            uow.commit()
    assert open_till.db.tables is before  # not a row, not a counter
    with pytest.raises(NotRecordedYet):
        fact.payload  # noqa: B018


# -- refunds ----------------------------------------------------------------------------
def test_a_refund_needs_a_supervisor_and_is_recorded_whole_with_the_approval(
        open_till: Till) -> None:
    sold = open_till.sell((YERBA, 2000), (LECHE, 1000))
    kept = open_till.db.tables
    with pytest.raises(ApprovalRequired):
        open_till.refunds.refund(sold.ticket, {1: 1000}, reason="Vencida")
    assert open_till.db.tables is kept

    open_till.approve("refund")
    done = open_till.refunds.refund(sold.ticket, {1: 1000}, reason="Vencida")
    t = open_till.db.tables
    assert done.total == 529000 and done.ticket == "0003-00000001"
    assert t.refunds == [done.payload]
    assert t.journal[-1].kind == "refund" and done.payload["journal"]["seq"] == t.journal[-1].seq
    wire = accepted(open_till.db.events("sale.refunded")[-1])
    assert wire["payload"]["approved_by"] == {"user_id": "u-sergio", "name": "Sergio"}
    assert wire["payload"]["tenders"] == [{"kind": "cash", "amount": 529000,
                                           "reference": None}]
    slip = t.print_jobs[-1]
    assert (slip.kind, slip.ref) == ("refund", done.ticket)
    assert slip.document["authorized_by"]["name"] == "Sergio"
    record, shift_id = t.audit[-1]
    assert (record.action, record.actor, record.approver) == (
        "refund", Person("u-ana", "Ana"), Person("u-sergio", "Sergio"))
    assert shift_id == open_till.shifts.current_id()
    journal_is_a_chain(open_till)


def test_no_unit_is_refunded_twice(open_till: Till) -> None:
    sold = open_till.sell((YERBA, 1000))
    open_till.approve("refund")
    open_till.refunds.refund(sold.ticket, {1: 1000}, reason="Rota")
    open_till.approve("refund")
    kept = open_till.db.tables
    with pytest.raises(RefundTooLarge):
        open_till.refunds.refund(sold.ticket, {1: 1000}, reason="Rota otra vez")
    assert open_till.db.tables is kept


# -- shift open, cash in and out ----------------------------------------------------------
def test_opening_a_shift_with_a_counted_float(till: Till) -> None:
    opened = till.shifts.open_shift(counts={"B1000": 10, "B500": 4})
    t = till.db.tables
    assert opened.float == 1_200_000 and till.shifts.current_id() == opened.shift_id
    assert t.shifts[opened.shift_id]["float_counts"] == '{"B1000": 10, "B500": 4}'
    wire = accepted(till.db.events("shift.opened")[-1])
    assert wire["payload"] == opened.payload and opened.payload["float"] == 1_200_000
    assert t.journal[-1].kind == "shift_open" and t.journal[-1].ref == opened.shift_id
    record, shift_id = t.audit[-1]
    assert (record.action, shift_id) == ("open_shift", opened.shift_id)
    with pytest.raises(ShiftAlreadyOpen):
        till.shifts.open_shift(0)
    assert len(till.db.events("shift.opened")) == 1


def test_cash_in_and_out_move_the_expected_cash(open_till: Till) -> None:
    moved_in = open_till.shifts.cash_in(500_000, "Cambio del banco")
    kept = open_till.db.tables
    with pytest.raises(ApprovalRequired):
        open_till.shifts.cash_out(300_000, "Pago a proveedor")
    assert open_till.db.tables is kept
    open_till.approve("cash_out")
    moved_out = open_till.shifts.cash_out(300_000, "Pago a proveedor")
    assert open_till.shifts.figures().expected_cash == 2_000_000 + 500_000 - 300_000
    events = open_till.db.events("cash.moved")
    assert [accepted(e)["payload"] for e in events] == [moved_in.payload, moved_out.payload]
    assert [e.payload["direction"] for e in events] == ["in", "out"]
    assert [entry.kind for entry in open_till.db.tables.journal] == ["shift_open", "cash", "cash"]
    out_audit, _shift = open_till.db.tables.audit[-1]
    assert out_audit.approver == Person("u-sergio", "Sergio")
    journal_is_a_chain(open_till)


# -- the Z ------------------------------------------------------------------------------
def test_the_z_closes_with_the_drawer_counted_and_tells_head_office(open_till: Till) -> None:
    open_till.sell((YERBA, 1000), tenders=[Tender(TenderKind.CASH, 1_000_000)])
    open_till.sell((LECHE, 2000), tenders=[Tender(TenderKind.DEBIT, 398_000)])
    open_till.shifts.cash_in(100_000, "Cambio")
    expected = 2_000_000 + 529_000 + 100_000
    open_till.login(SERGIO)
    with pytest.raises(ReasonRequired):  # $ 1.100 short, beyond the $ 500 tolerance
        open_till.shifts.close_shift({"B10000": 2, "B1000": 5, "M1": 190})
    assert open_till.shifts.current_id() is not None

    z = open_till.shifts.close_shift({"B10000": 2, "B1000": 5, "M1": 190}, reason="Faltante")
    assert z.z_number == 1 and z.payload["expected_cash"] == expected
    assert z.payload["over_short"] == 2_519_000 - expected
    wire = accepted(open_till.db.events("shift.closed")[-1])
    assert wire["schema_version"] == 2 and wire["payload"] == z.payload
    assert z.report["local"]["journal_head"] == {"seq": z.payload["journal"]["seq"],
                                                  "hash": z.payload["journal"]["hash"]}
    assert open_till.db.tables.print_jobs[-1].kind == "z"
    assert open_till.shifts.current_id() is None
    assert open_till.shifts.pending_uploads() == [1]  # until the broker confirms it
    record, shift_id = open_till.db.tables.audit[-1]
    assert (record.action, shift_id) == ("close_shift", None)  # the shift is closed by then
    with pytest.raises(NoOpenShift):
        open_till.sell((LECHE, 1000))
    journal_is_a_chain(open_till)


def test_a_parked_sale_holds_the_z_back(open_till: Till) -> None:
    with open_till.db.uow() as uow:
        uow.parked.add("1 ítems", 199000, {"lines": []}, "u-ana")
        uow.commit()
    open_till.login(SERGIO)
    with pytest.raises(ParkedSalesPending):
        open_till.shifts.close_shift({"B10000": 2})
    assert open_till.db.events("shift.closed") == []


# -- the journal's stored payload ----------------------------------------------------------
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12)


@given(st.dictionaries(st.text(max_size=12), _json, max_size=8))
def test_the_books_encode_a_payload_to_the_journals_canonical_json(
        record: dict[str, Any]) -> None:
    """What is hashed and stored is made by msgspec from the payload's Struct: the same
    bytes as the journal's canonical JSON (sorted keys, no spaces, UTF-8 and escapes)."""
    assert CANONICAL.encode(record).decode("utf-8") == canonical_json(record)


def test_a_payload_struct_without_its_journal_block_encodes_as_the_journal_record() -> None:
    opened = ShiftOpenedV1(shift_id="0" * 8 + "-0000-4000-8000-" + "0" * 12,
                           opened_by=WirePerson(user_id="u-ana", name="Aña\n\u2028"),
                           opened_at="2026-11-28T10:31:05.123-03:00", currency="ARS", float=0)
    record = CANONICAL.encode(opened).decode("utf-8")
    entry = next_entry((41, "ab" * 32), "shift_open", "s", opened.opened_at,
                       msgspec.to_builtins(opened))
    assert record == entry.record and "journal" not in record
