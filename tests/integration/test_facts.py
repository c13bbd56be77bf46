"""Recording business facts in the till's SQLite file: all of a fact or none of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import text

from pos_contracts import InvalidEvent
from pos_desktop.app import Till
from pos_desktop.domain.events import Event, SaleCompleted
from pos_desktop.domain.people import Person
from pos_desktop.domain.product import Product
from pos_desktop.domain.sale import Sale, Tender, TenderKind
from pos_desktop.domain.tax import IvaRate
from tests.integration.recorded_day import TABLES
from tests.support.wrong_facts import SaleThatAddsUpWrong

YERBA = Product("A0001", "Yerba Mate Playadito 1 kg", 529000, IvaRate.GENERAL)


def everything(till: Till) -> dict[str, list[Any]]:
    with till.reader.connect() as conn:
        return {t: conn.execute(text(f"SELECT * FROM {t} ORDER BY rowid")).all()
                for t in TABLES}


def paid_sale() -> Sale:
    sale = Sale()
    sale.add(YERBA)
    sale.add_tender(Tender(TenderKind.CASH, sale.total))
    return sale


def test_an_event_head_office_would_refuse_is_refused_at_commit_and_nothing_is_written(
        till: Till) -> None:
    before = everything(till)
    with till.uow() as uow:
        number = uow.counters.next("ticket")
        uow.record(SaleThatAddsUpWrong(
            sale=paid_sale(), ticket_number=number, ticket=till.identity.ticket(number),
            occurred_at="2026-11-28T10:31:05.123-03:00", cashier=Person("u-ana", "Ana"),
            shift_id=uow.shifts.open_id(till.identity.terminal_id)))
        with pytest.raises(InvalidEvent) as refused:
            uow.commit()
    assert refused.value.code == "amounts"
    assert everything(till) == before  # no sale, journal entry, event, job or counter


@dataclass(frozen=True, slots=True, kw_only=True)
class GiftCardSold(Event):
    """A fact nobody taught the store to write."""

    occurred_at: str
    audit: None = None


def test_a_fact_whose_rows_nobody_wrote_is_refused(till: Till) -> None:
    before = everything(till)
    with till.uow() as uow:
        uow.record(GiftCardSold(occurred_at="2026-11-28T10:31:05.123-03:00"))
        with pytest.raises(TypeError, match="GiftCardSold"):
            uow.commit()
    assert everything(till) == before


def test_two_facts_in_one_transaction_chain_and_number_in_order(till: Till) -> None:
    with till.uow() as uow:
        shift_id = uow.shifts.open_id(till.identity.terminal_id)
        facts = []
        for _ in range(2):
            number = uow.counters.next("ticket")
            facts.append(uow.record(SaleCompleted(
                sale=paid_sale(), ticket_number=number, ticket=till.identity.ticket(number),
                occurred_at="2026-11-28T10:31:05.123-03:00", cashier=None,
                shift_id=shift_id)))
        uow.commit()
    first, second = (f.journal for f in facts)
    assert first is not None and second is not None
    assert (second.seq, second.prev_hash) == (first.seq + 1, first.hash)
    assert (first.seq, second.seq) == (2, 3)  # the demo's shift opening is entry 1
    with till.reader.connect() as conn:
        seqs = conn.execute(text(
            "SELECT seq FROM outbox WHERE type = 'sale.completed' ORDER BY seq")).scalars()
        assert list(seqs) == [2, 3]


def test_a_till_whose_file_another_writer_holds_says_so_and_keeps_its_connections(
        till: Till) -> None:
    import sqlite3

    from sqlalchemy import event

    from pos_desktop.store.db import database_path, open_engine
    from pos_desktop.store.uow import DatabaseBusy, UnitOfWork

    engine = open_engine(database_path(till.data_dir))
    event.listen(engine, "connect", lambda dbapi, _rec: dbapi.execute("PRAGMA busy_timeout=50"))
    other = sqlite3.connect(database_path(till.data_dir), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        for _ in range(3):
            with pytest.raises(DatabaseBusy), UnitOfWork(engine, till.identity):
                pass
        assert engine.pool.checkedout() == 0  # nothing leaked: the pool does not run dry
        other.execute("ROLLBACK")
        with UnitOfWork(engine, till.identity) as uow:
            assert uow.counters.peek("ticket") == 0
    finally:
        other.close()
        engine.dispose()
