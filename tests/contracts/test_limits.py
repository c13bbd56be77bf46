"""The wire limits: every message a till can produce is inside them, and whatever lies
beyond them is refused with ``limits`` (or ``not_json``) by both decoding paths, never
raised as Python's own RecursionError, ValueError or UnicodeEncodeError."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pos_contracts import InvalidEvent, build_envelope, parse_envelope
from pos_contracts.envelope import _parse_typed
from pos_contracts.limits import CATALOG, EVENTS
from pos_contracts.testing import SimulatedTerminal


def refusal(body: bytes) -> str:
    with pytest.raises(InvalidEvent) as refused:
        parse_envelope(body)
    return refused.value.code


def test_the_largest_sale_the_schema_allows_is_inside_the_limits() -> None:
    till = SimulatedTerminal(seed=5)
    sale = till.sale(1000)
    body = sale.to_json()
    assert len(body) < EVENTS.max_bytes
    assert parse_envelope(body) == sale
    assert _parse_typed(body) == sale  # the fast path takes it too


def test_a_thousand_tenders_pass_and_one_more_is_refused_on_both_paths() -> None:
    till = SimulatedTerminal(seed=6)
    document: dict[str, Any] = json.loads(till.sale(1).to_json())
    payload = document["payload"]

    def with_tenders(count: int) -> bytes:
        payload["tenders"] = [{"kind": "debit", "amount": 1, "reference": None}] * (count - 1)
        payload["tenders"].append(
            {"kind": "cash", "amount": payload["total"] - count + 1, "reference": None})
        payload["change"] = 0
        return json.dumps(document).encode()

    assert parse_envelope(with_tenders(EVENTS.max_items)).payload["tenders"]
    too_many = with_tenders(EVENTS.max_items + 1)
    assert _parse_typed(too_many) is None  # the fast path refuses, the full path says why
    assert refusal(too_many) == "limits"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "limits"),
        (b'{"a":' * 17 + b"1" + b"}" * 17, "limits"),
        (b'{"seq":' + b"1" * 5000 + b"}", "limits"),
        (b'{"seq":9223372036854775808}', "limits"),
        (b'{"a":"\\udc00"}', "not_json"),
        (b'{"a":"\xed\xb0\x80"}', "not_json"),
        (b'{"a":"' + b"x" * 1001 + b'"}', "limits"),
        (b" " * (EVENTS.max_bytes + 1), "limits"),
    ],
)
def test_what_no_schema_can_name_is_refused_with_a_reason(body: bytes, code: str) -> None:
    assert refusal(body) == code


def test_a_producer_cannot_build_what_a_consumer_refuses() -> None:
    till = SimulatedTerminal(seed=7)
    payload = json.loads(json.dumps(till.sale(1).payload))
    payload["tenders"] = [{"kind": "debit", "amount": 1, "reference": None}] * 1001
    with pytest.raises(InvalidEvent) as refused:
        build_envelope("sale.completed", payload, store_id="S001", terminal_id="T01", seq=9)
    assert refused.value.code == "limits"


def test_a_catalogue_change_may_carry_a_whole_catalogue() -> None:
    products = [
        {"sku": f"SKU-{n}", "name": "Producto", "price": 100, "iva_rate": "21",
         "sold_by_weight": False, "plu": None, "category": None, "barcodes": [],
         "active": True}
        for n in range(EVENTS.max_items * 5)
    ]
    change = build_envelope(
        "catalog.changed", {"catalog_version": 1, "currency": "ARS", "products": products},
        store_id="central", terminal_id="catalog", seq=1,
    )
    assert parse_envelope(change.to_json(), CATALOG) == change
    assert refusal(change.to_json()) == "limits"  # not on the events' queue
