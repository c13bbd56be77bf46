"""Refunds: limits, approval, money back, the slip, the event — across closed shifts."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from pos_contracts import default_registry
from pos_desktop.app import Till
from pos_desktop.domain.barcode import make_scale_label
from pos_desktop.domain.permissions import ApprovalRequired
from pos_desktop.domain.refund import RefundError, RefundTooLarge, TicketNotFound
from pos_desktop.domain.sale import Tender, TenderKind
from pos_desktop.domain.shift import NoOpenShift
from pos_printers.model import ReceiptRefund
from tests.shifts.conftest import HARINA, YERBA, count, sell


def approve(till: Till) -> None:
    till.guard.approve("refund", "u-sergio", "2222")


def test_a_refund_needs_a_supervisor_and_writes_nothing_without_one(till: Till) -> None:
    sale = sell(till, "3*" + YERBA)
    with pytest.raises(ApprovalRequired):
        till.refunds.refund(sale.ticket, {1: 1000}, reason="Roto")
    assert count(till, "refunds") == 0
    approve(till)
    done = till.refunds.refund(sale.ticket, {1: 1000}, reason="Roto")
    assert done.total == 529_000
    assert done.payload["approved_by"]["name"] == "Sergio"
    assert done.payload["cashier"]["name"] == "Ana"


def test_never_more_than_sold_minus_earlier_refunds(till: Till) -> None:
    sale = sell(till, "3*" + YERBA, HARINA)
    approve(till)
    till.refunds.refund(sale.ticket, {1: 2000}, reason="Cliente arrepentido")
    with pytest.raises(RefundTooLarge):
        till.refunds.refund(sale.ticket, {1: 2000}, reason="otra vez")
    with pytest.raises(RefundError):
        till.refunds.refund(sale.ticket, {9: 1000}, reason="línea que no existe")
    approve(till)
    till.refunds.refund(sale.ticket, {1: 1000, 2: 1000}, reason="todo lo que queda")
    found = till.refunds.find_sale(sale.ticket)
    assert found.fully_refunded
    with till.uow() as uow:
        given_back = uow.conn.execute(text("SELECT SUM(total) FROM refunds")).scalar_one()
    assert given_back == sale.payload["total"]  # to the centavo, discounts and all


def test_refunds_follow_the_price_paid_after_discounts(till: Till) -> None:
    reg = till.register
    reg.scan("3*" + YERBA)
    reg.discount_ticket("10%")
    reg.tender(TenderKind.DEBIT)
    sale = reg.complete()
    paid = sale.payload["lines"][0]["amount"]
    approve(till)
    one = till.refunds.refund(sale.ticket, {1: 1000}, reason="x",
                              tenders=[Tender(TenderKind.DEBIT, round(paid / 3))])
    assert one.total == round(paid / 3) == 476_100


def test_find_by_number_or_by_scanning_the_receipt_code(till: Till) -> None:
    sale = sell(till, YERBA)
    assert till.refunds.find_sale(str(sale.ticket_number)).sale_id == sale.payload["sale_id"]
    assert till.refunds.find_sale(sale.ticket).sale_id == sale.payload["sale_id"]
    with pytest.raises(TicketNotFound):
        till.refunds.find_sale("0009-00000001")
    with pytest.raises(TicketNotFound):
        till.refunds.find_sale("4711")


def test_a_refund_across_a_closed_shift_belongs_to_the_open_one(till: Till) -> None:
    sale = sell(till, YERBA)
    old_shift = sale.payload["shift_id"]
    till.session.login("u-sergio", "2222")
    till.shifts.close_shift({"B20000": 1, "B1000": 5, "B200": 1, "B50": 1, "B20": 2})
    with pytest.raises(NoOpenShift):
        till.refunds.refund(sale.ticket, {1: 1000}, reason="después del cierre")
    till.shifts.open_shift(1_000_000)
    done = till.refunds.refund(sale.ticket, {1: 1000}, reason="después del cierre")
    assert done.payload["shift_id"] == till.shifts.current_id() != old_shift
    figures = till.shifts.figures()
    assert figures.refunds == 529_000 and figures.tender("cash").refunds == 529_000
    assert figures.expected_cash == 1_000_000 - 529_000


def test_weighed_goods_refund_by_weight(till: Till) -> None:
    sale = sell(till, make_scale_label(401, 1250))  # Pan Francés, $ 4.290/kg, 1,250 kg
    # $ 5.362,50 paid in cash: rounded to $ 5.362,00 in the customer's favour
    assert (sale.payload["total"], sale.payload["rounding"]) == (536_200, 50)
    approve(till)
    done = till.refunds.refund(sale.ticket, {1: 250}, reason="Quemado")
    assert done.total == 107_240  # a fifth of what was paid
    assert done.payload["lines"][0]["quantity_milli"] == 250


def test_the_refund_event_validates_and_the_slip_prints(till: Till) -> None:
    sale = sell(till, "2*" + YERBA, HARINA)
    approve(till)
    done = till.refunds.refund(sale.ticket, {1: 1000, 2: 1000}, reason="Envase dañado",
                               tenders=[Tender(TenderKind.CASH, 300_000),
                                        Tender(TenderKind.DEBIT, 348_000)])
    with till.uow() as uow:
        envelope = json.loads(uow.conn.execute(
            text("SELECT envelope FROM outbox WHERE type='sale.refunded'")).scalar_one())
        _kind, ref, document = uow.conn.execute(
            text("SELECT kind, ref, document FROM print_jobs WHERE kind='refund'")).one()
    registry = default_registry()
    registry.validate(envelope)
    registry.reference_validate(envelope)
    assert envelope["payload"] == done.payload
    assert [i["rate"] for i in envelope["payload"]["iva"]] == ["21", "10.5"]
    slip = ReceiptRefund.from_payload(json.loads(document))
    assert (ref, slip.ticket, slip.original_ticket) == (done.ticket, done.ticket, sale.ticket)
    assert slip.authorized_by == "Sergio" and slip.total == 648_000


def test_the_money_back_must_add_up(till: Till) -> None:
    sale = sell(till, YERBA)
    approve(till)
    with pytest.raises(RefundError):
        till.refunds.refund(sale.ticket, {1: 1000}, reason="x",
                            tenders=[Tender(TenderKind.CASH, 100)])
    with pytest.raises(RefundError):
        till.refunds.refund(sale.ticket, {1: 1000}, reason="  ")
