"""Amount sanity a schema cannot say: a line's gross is its price times its quantity,
documents stay within head office's bounds, and a refund is applied only once central
knows the sale it refunds (held until then, never lost)."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from pos_central.conflicts import build_conflicts_report
from pos_contracts import Envelope, InvalidEvent, build_envelope
from pos_contracts.testing import SimulatedTerminal, iva_breakdown

from .conftest import FAST, Broker, query, running_ingest, scalar, wait_until

pytestmark = pytest.mark.services


def overpriced(sale: Envelope, extra: int) -> bytes:
    """The sale with ``extra`` centavos more on its first line's gross and amount, and
    everything else made to add up (tenders, total, IVA): only gross = price × quantity
    is broken. No producer may build it (build_envelope refuses), so it is raw JSON."""
    body = json.loads(sale.to_json())
    p = body["payload"]
    p["lines"][0]["gross_amount"] += extra
    p["lines"][0]["amount"] += extra
    p["total"] += extra
    p["tenders"][0]["amount"] += extra
    p["iva"] = iva_breakdown(p["lines"])
    return json.dumps(body).encode()


def test_a_line_whose_gross_is_not_price_times_quantity_is_dead_lettered(
    central_db: str, broker: Broker
) -> None:
    till = SimulatedTerminal(seed=41)
    good, bad = till.sale(2, tender="debit"), till.sale(2, tender="debit")
    broker.publish([good, overpriced(bad, 150_000)])  # today: a $ 1.500 richer line applied
    with running_ingest(central_db, broker) as ingest:
        wait_until(lambda: broker.depth(broker.topology.dead_letter_queue) == 1)
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 1)
        assert ingest.counted("pos_central_events_dead_lettered_total", 1, code="amounts") == 1
    [(headers, _)] = broker.dead_letters()
    line = bad.payload["lines"][0]
    assert headers["x-pos-reject-reason"] == (
        f"amounts: venta: línea 1: bruto {line['gross_amount'] + 150_000} != precio unitario "
        f"× cantidad ({line['gross_amount']}, redondeo half-up de precio × milésimas / 1000)"
    )


def weighed_label_line(price_per_kg: int, label_price: int) -> dict[str, Any]:
    """A line as the till makes it from a price-embedded scale label: the gross is the
    printed price, the quantity that price's weight rounded to the gram."""
    grams = (label_price * 1000 * 2 + price_per_kg) // (2 * price_per_kg)
    return {
        "line_no": 1,
        "sku": "QUESO",
        "barcode": "2012345012345",
        "description": "Queso por kg",
        "sold_by_weight": True,
        "quantity_milli": grams,
        "unit_price": price_per_kg,
        "gross_amount": label_price,
        "discount": 0,
        "line_discount": 0,
        "amount": label_price,
        "iva_rate": "21",
    }


def test_the_till_rule_for_a_weighed_label_line_holds_and_more_does_not() -> None:
    till = SimulatedTerminal(seed=42)
    sale = till.sale(1, tender="debit")

    def with_line(line: dict[str, Any]) -> Envelope:
        p = json.loads(json.dumps(sale.payload))
        p["lines"] = [line]
        p["total"] = line["amount"]
        p["tenders"] = [{"kind": "debit", "amount": line["amount"], "reference": None}]
        p["iva"] = iva_breakdown([line])
        return build_envelope(
            "sale.completed", p, store_id="S001", terminal_id="T01", seq=1,
            schema_version=sale.schema_version,
        )

    # $ 18.999,99/kg, a label printed $ 4.321,17: 227 g, whose exact price is $ 4.313,00
    label = weighed_label_line(1_899_999, 432_117)
    assert label["quantity_milli"] == 227
    with_line(label)  # accepted: within half a gram's price
    with pytest.raises(InvalidEvent, match="bruto 433117 != precio unitario"):
        with_line({**label, "gross_amount": 433_117, "amount": 433_117})
    with pytest.raises(InvalidEvent, match="línea 1: bruto"):
        with_line({**label, "sold_by_weight": False})  # units have no labels: exact


def test_documents_beyond_the_configured_bounds_are_dead_lettered_out_of_bounds(
    central_db: str, broker: Broker
) -> None:
    till = SimulatedTerminal(seed=43)
    small, large = till.sale(1, tender="debit"), till.sale(1, tender="debit")
    bound = small.payload["total"]
    assert large.payload["total"] != bound
    if large.payload["total"] < bound:
        small, large = large, small
        bound = small.payload["total"]
    settings = replace(FAST, max_amount=bound)
    broker.publish([small, large])
    with running_ingest(central_db, broker, settings=settings) as ingest:
        wait_until(lambda: broker.depth(broker.topology.dead_letter_queue) == 1)
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 1)
        assert ingest.counted("pos_central_events_dead_lettered_total", 1, code="out_of_bounds") == 1
    [(headers, _)] = broker.dead_letters()
    assert headers["x-pos-reject-reason"] == (
        f"out_of_bounds: sale.completed seq {large.seq}: total {large.payload['total']} supera "
        f"el máximo configurado {bound} (centavos; --max-amount)"
    )
    assert scalar(central_db, "SELECT total FROM sales") == small.payload["total"]


def test_a_line_quantity_beyond_the_bound_is_dead_lettered(
    central_db: str, broker: Broker
) -> None:
    till = SimulatedTerminal(seed=44)
    sale = till.sale(1, tender="debit")
    quantity = sale.payload["lines"][0]["quantity_milli"]
    broker.publish([sale])
    with running_ingest(
        central_db, broker, settings=replace(FAST, max_quantity_milli=quantity - 1)
    ):
        wait_until(lambda: broker.depth(broker.topology.dead_letter_queue) == 1)
    [(headers, _)] = broker.dead_letters()
    assert headers["x-pos-reject-reason"].startswith(
        f"out_of_bounds: sale.completed seq 1: línea 1: cantidad {quantity} supera"
    )


def test_a_refund_of_a_sale_central_does_not_know_waits_for_the_sale(
    central_db: str, broker: Broker
) -> None:
    other_till = SimulatedTerminal("S001", "T02", seed=45)  # sold there, still offline
    sold = other_till.sale(3, tender="cash")
    till = SimulatedTerminal("S001", "T01", seed=46)
    refund = till.refund(sold)
    broker.publish([refund])  # today: a refund of nothing central knows, applied
    with running_ingest(central_db, broker) as ingest:
        wait_until(lambda: ingest.counter("pos_central_events_held_total", type="sale.refunded") == 1)
        assert scalar(central_db, "SELECT count(*) FROM refunds") == 0
        assert scalar(central_db, "SELECT count(*) FROM processed_events") == 0
        broker.publish([refund])  # the till sends it again: still one, still waiting
        wait_until(lambda: ingest.counter("pos_central_events_held_total", type="sale.refunded") == 2)
        [held] = build_conflicts_report(central_db)["held"]
        assert (held["reason"], held["waiting_for"], held["total"]) == (
            "refund_before_sale",
            sold.payload["sale_id"],
            refund.payload["total"],
        )
        broker.publish([sold])  # the other till comes online
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM refunds") == 1)
        assert ingest.counted("pos_central_events_ingested_total", 1, type="sale.refunded") == 1
    assert query(central_db, "SELECT sale_id::text, total FROM refunds") == [
        (sold.payload["sale_id"], refund.payload["total"])
    ]
    assert scalar(central_db, "SELECT count(*) FROM held_events") == 0
    assert query(
        central_db, "SELECT terminal_id, contiguous_seq FROM terminal_progress ORDER BY 1"
    ) == [("T01", 1), ("T02", 1)]
    assert broker.dead_letters() == []


def test_a_refund_queued_before_its_sale_is_applied_with_it(
    central_db: str, broker: Broker
) -> None:
    till = SimulatedTerminal(seed=47)
    sold = till.sale(2)
    refund = till.refund(sold)
    broker.publish([refund, sold])  # one batch, or the refund held one batch: either way
    with running_ingest(central_db, broker):
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM refunds") == 1)
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 1)
    assert scalar(central_db, "SELECT count(*) FROM held_events") == 0
    assert scalar(central_db, "SELECT count(*) FROM processed_events") == 2
