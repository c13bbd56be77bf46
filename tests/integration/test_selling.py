"""Selling through the register on a real SQLite file."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from pos_desktop.app import Till
from pos_desktop.domain.barcode import make_scale_label
from pos_desktop.domain.errors import InvalidQuantity, PosError, UnknownProduct
from pos_desktop.domain.sale import Tender, TenderKind
from pos_desktop.services.register import Entry, WeightNeeded, read_entry
from pos_desktop.store.outbox import Outbox
from pos_desktop.store.uow import UnitOfWork


def first_barcode(till: Till) -> str:
    with till.uow() as uow:
        return str(
            uow.conn.execute(text("SELECT code FROM barcodes ORDER BY code LIMIT 1")).scalar()
        )


def weighed(till: Till) -> tuple[str, int]:
    with till.uow() as uow:
        row = uow.conn.execute(
            text("SELECT sku, plu FROM products WHERE sold_by_weight=1 AND plu IS NOT NULL LIMIT 1")
        ).one()
    return str(row[0]), int(row[1])


def count(till: Till, table: str) -> int:
    with till.uow() as uow:
        return int(uow.conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_scan_with_quantity_prefix_and_scale_label(till: Till) -> None:
    reg = till.register
    line = reg.scan(f"3*{first_barcode(till)}")
    assert line.quantity_milli == 3000
    sku, plu = weighed(till)
    w = reg.scan(make_scale_label(plu, 1250))
    assert (w.product.sku, w.quantity_milli) == (sku, 1250)
    typed = reg.scan(f"0,350*{sku}")
    assert typed.quantity_milli == 350


def test_bad_input_is_explained_and_the_sale_survives(till: Till) -> None:
    reg = till.register
    reg.scan(first_barcode(till))
    with pytest.raises(UnknownProduct, match="0000000000000"):
        reg.scan("0000000000000")
    with pytest.raises(InvalidQuantity):
        reg.scan(f"1,5*{first_barcode(till)}")
    sku, _plu = weighed(till)
    with pytest.raises(WeightNeeded):
        reg.scan(sku)
    assert len(reg.sale.lines) == 1


def test_a_scale_plu_typed_by_hand_with_its_weight_sells(till: Till) -> None:
    """The scale's label did not print: the cashier types the weight and the PLU."""
    line = till.register.scan("0,500*401")  # Pan Francés, PLU 401
    assert (line.product.name, line.quantity_milli) == ("Pan Francés", 500)
    with pytest.raises(WeightNeeded):
        till.register.scan("401")  # weighed: the weight is needed


def test_what_stands_before_a_star_is_a_quantity(till: Till) -> None:
    """``abc*code`` said "unknown code"; it is a bad quantity, whatever the code."""
    with pytest.raises(InvalidQuantity, match="abc"):
        till.register.scan(f"abc*{first_barcode(till)}")
    with pytest.raises(InvalidQuantity):
        read_entry("dos*7791234643615")
    assert read_entry("3*") == Entry("3", None)
    assert read_entry(" 0,350 * A0339 ") == Entry("0,350", "A0339")
    assert read_entry("3x7791234643615") == Entry("3", "7791234643615")
    assert read_entry("BOX1") == Entry(None, "BOX1")  # an 'x' inside a code is the code


def test_a_completed_sale_is_written_whole(till: Till) -> None:
    reg = till.register
    tables = ("sales", "payments", "journal", "outbox", "print_jobs")
    before = [count(till, t) for t in tables]  # the demo's shift opening is journaled too
    reg.scan(f"2*{first_barcode(till)}")
    reg.tender(TenderKind.DEBIT, 100)
    reg.tender(TenderKind.CASH, reg.sale.due + 50000)
    done = reg.complete()
    assert done.ticket == "0001-00000001"
    assert done.payload["change"] == 50000
    assert (
        sum(t["amount"] for t in done.payload["tenders"]) - done.payload["change"]
        == done.payload["total"]
    )
    after = [count(till, t) for t in tables]
    assert [a - b for a, b in zip(after, before, strict=True)] == [1, 2, 1, 1, 1]
    with till.uow() as uow:
        env = json.loads(
            uow.conn.execute(
                text("SELECT envelope FROM outbox WHERE type = 'sale.completed'")
            ).scalar_one()
        )
    assert env["type"] == "sale.completed" and env["seq"] == before[3] + 1
    assert env["payload"]["sale_id"] == done.payload["sale_id"]
    assert reg.sale.lines == []  # a new sale is ready


class ExplodingOutbox(Outbox):
    def add(self, envelope: dict[str, object], traceparent: str) -> None:
        raise RuntimeError("disk full")


class ExplodingUnitOfWork(UnitOfWork):
    def __enter__(self) -> UnitOfWork:
        super().__enter__()
        self.outbox = ExplodingOutbox(self.conn)
        return self


def test_a_failure_inside_the_transaction_leaves_nothing(till: Till) -> None:
    reg = till.register
    tables = ("sales", "sale_lines", "payments", "journal", "outbox")
    before = [count(till, t) for t in tables]  # the demo's shift opening is journaled too
    reg.uow_factory = lambda: ExplodingUnitOfWork(till.writer, till.identity)
    reg.scan(first_barcode(till))
    reg.tender(TenderKind.CASH)
    with pytest.raises(RuntimeError):
        reg.complete()
    assert [count(till, t) for t in tables] == before
    # The sale is still on screen, and the next attempt gets ticket 1 (no gap).
    assert len(reg.sale.lines) == 1
    reg.uow_factory = till.uow
    assert reg.complete().ticket_number == 1


def test_ticket_numbers_and_outbox_seq_are_gapless(till: Till) -> None:
    reg = till.register
    code = first_barcode(till)
    for _ in range(25):
        reg.scan(code)
        reg.pay_and_complete([Tender(TenderKind.CASH, reg.sale.total)])
    with till.uow() as uow:
        tickets = list(
            uow.conn.execute(text("SELECT ticket_number FROM sales ORDER BY 1")).scalars()
        )
        seqs = list(uow.conn.execute(text("SELECT seq FROM outbox ORDER BY 1")).scalars())
    assert tickets == list(range(1, 26))
    assert seqs[: len(tickets)] == sorted(seqs)[: len(tickets)]
    assert seqs == list(range(1, len(seqs) + 1))


def test_park_and_recall_keep_the_sale(till: Till) -> None:
    reg = till.register
    reg.scan(f"2*{first_barcode(till)}")
    reg.discount_line(1, "10%")
    total = reg.sale.total
    parked_id = reg.park()
    assert reg.sale.lines == []
    assert [p["id"] for p in reg.parked()] == [parked_id]
    reg.recall(parked_id)
    assert reg.sale.total == total
    assert reg.parked() == []
    with pytest.raises(PosError):
        reg.recall(parked_id)


def test_park_and_recall_keep_the_cash_already_taken(till: Till) -> None:
    reg = till.register
    reg.scan(f"2*{first_barcode(till)}")
    total = reg.sale.total
    reg.tender(TenderKind.CASH, 100_000)  # $ 1.000 in the drawer, then the customer steps aside
    parked_id = reg.park()
    reg.scan(first_barcode(till))  # the next customer's sale, parked in its place at recall
    sale = reg.recall(parked_id)
    assert (sale.tendered, sale.due) == (100_000, total - 100_000)
    [other] = reg.parked()
    reg.tender(TenderKind.CASH)
    done = reg.complete()
    assert sum(t["amount"] for t in done.payload["tenders"]) - done.payload["change"] == total
    assert reg.recall(other["id"]).tendered == 0


def test_discounts_from_what_the_cashier_types(till: Till) -> None:
    reg = till.register
    reg.scan(f"2*{first_barcode(till)}")
    gross = reg.sale.total
    reg.discount_line(1, "10%")
    reg.discount_ticket("100")
    assert reg.sale.total == gross - round(gross / 10) - 10000


def test_an_in_store_code_in_the_scale_range_sells_its_own_product(till: Till, tmp_path) -> None:
    from pos_desktop.domain.barcode import gtin_check_digit
    from pos_desktop.services.catalog_import import import_catalog

    _sku, plu = weighed(till)
    body = f"29{plu:05d}00045"  # would read as PLU {plu}, 45 g under the default pattern
    code = body + str(gtin_check_digit(body))
    csv = tmp_path / "own.csv"
    csv.write_text("sku,name,price,iva_rate,unit,barcodes,plu,category\n"
                   f"INT1,Alfajor casero,800.00,21,unit,{code},,\n", encoding="utf-8")
    import_catalog(till.uow, csv)
    line = till.register.scan(code)
    assert (line.product.sku, line.quantity_milli, line.gross) == ("INT1", 1000, 80000)


def test_a_card_already_charged_is_never_dropped_by_park_or_cancel(till: Till) -> None:
    reg = till.register
    reg.scan(f"2*{first_barcode(till)}")
    reg.tender(TenderKind.DEBIT, 100)
    with pytest.raises(PosError, match=r"tarjeta|card"):
        reg.park()
    with pytest.raises(PosError, match=r"tarjeta|card"):
        reg.cancel()
    assert reg.sale.tendered == 100
    reg.sale.clear_tenders()
    reg.park()


class Approvals:
    """A guard that records what it was asked and allows up to a discount limit."""

    def __init__(self, limit_bp: int) -> None:
        self.limit_bp = limit_bp
        self.asked: list[tuple[str, dict[str, object]]] = []

    def check(self, action: str, **details: object) -> None:
        self.asked.append((action, details))
        if action == "discount" and int(details["percent_bp"]) > self.limit_bp:  # type: ignore[call-overload]
            raise PosError("needs approval")


def test_a_discount_cannot_grow_past_the_limit_by_lowering_the_quantity(till: Till) -> None:
    reg = till.register
    guard = Approvals(limit_bp=1500)
    reg.guard = guard
    reg.scan(f"10*{first_barcode(till)}")
    gross = reg.sale.lines[0].gross
    reg.discount_line(1, str(gross * 13 // 100 // 100))  # ~13 % as pesos: allowed alone
    with pytest.raises(PosError, match="approval"):
        reg.set_quantity(1, "2")  # the same pesos would be ~65 % of two units
    assert reg.sale.lines[0].quantity_milli == 10000  # nothing changed
    reg.set_quantity(1, "12")  # a smaller share needs nothing
    assert reg.sale.lines[0].quantity_milli == 12000


def test_a_ticket_discount_cannot_grow_past_the_limit_by_voiding_lines(till: Till) -> None:
    reg = till.register
    with till.uow() as uow:
        codes = list(uow.conn.execute(text("SELECT code FROM barcodes ORDER BY code LIMIT 4")).scalars())
    for code in codes:
        reg.scan(code)
    base = reg.sale.total
    reg.guard = Approvals(limit_bp=1500)
    reg.discount_ticket(str(base * 12 // 100 // 100))
    def void_all_but_the_last() -> None:
        for line in list(reg.sale.lines)[:-1]:
            reg.void_line(line.line_no)

    with pytest.raises(PosError, match="approval"):
        void_all_but_the_last()
