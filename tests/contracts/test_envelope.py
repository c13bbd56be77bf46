"""Producers build valid envelopes; consumers parse exactly what was built."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import pos_contracts
from pos_contracts import (
    CatalogProduct,
    InvalidEvent,
    build_envelope,
    iva_included,
    parse_envelope,
)


def _shift_opened_payload() -> dict[str, object]:
    return {
        "shift_id": "5d1c7d2e-8f7b-4c3a-9a51-2f6c1e0b9a10",
        "opened_by": {"user_id": "u-encargada", "name": "Marta Ñandú"},
        "opened_at": "2026-11-28T08:00:02.000-03:00",
        "currency": "ARS",
        "float": 2_000_000,
    }


def test_built_envelope_round_trips_through_the_wire() -> None:
    built = build_envelope(
        "shift.opened", _shift_opened_payload(), store_id="S001", terminal_id="T01", seq=1
    )
    assert built.schema_version == 1
    assert re.fullmatch(r"[0-9a-f]{32}", built.trace_id)
    assert re.search(r"[+-]\d{2}:\d{2}$|Z$", built.occurred_at)
    body = built.to_json()
    assert "Ñandú".encode() in body  # UTF-8, not \\u escapes
    assert b" " not in body.replace(b"Marta \xc3\x91and\xc3\xba", b"")  # compact
    assert parse_envelope(body) == built
    assert built.routing_key == "shift.opened"


def test_building_an_invalid_event_fails_before_it_reaches_an_outbox() -> None:
    payload = _shift_opened_payload() | {"float": -1}
    with pytest.raises(InvalidEvent) as error:
        build_envelope("shift.opened", payload, store_id="S001", terminal_id="T01", seq=1)
    assert error.value.code == "payload"
    assert "float" in error.value.reason


def test_an_unknown_event_type_cannot_be_built() -> None:
    with pytest.raises(InvalidEvent) as error:
        build_envelope("sale.voided", {}, store_id="S001", terminal_id="T01", seq=1)
    assert error.value.code == "unknown_type"


def test_reject_reason_header_carries_code_and_reason() -> None:
    error = InvalidEvent("amounts", "venta: total 10 != suma de líneas 11")
    assert error.header_value == "amounts: venta: total 10 != suma de líneas 11"


@pytest.mark.parametrize(
    ("gross", "rate", "tax"),
    [
        (900_000, "21", 156_198),  # the wire example: 156198.35 -> 156198
        (121, "21", 21),
        (1_000, "10.5", 95),  # 95.02
        (221, "10.5", 21),  # exactly 21.0
        (127, "27", 27),
        (50, "21", 9),  # 8.68 -> 9
        (55, "10.5", 5),  # 5.2262 -> 5
        (100_000, "exempt", 0),
        (0, "21", 0),
    ],
)
def test_iva_contained_in_an_iva_included_amount(gross: int, rate: str, tax: int) -> None:
    assert iva_included(gross, rate) == tax


def test_iva_rule_agrees_with_the_till_domain_to_the_centavo() -> None:
    tax = pytest.importorskip("pos_desktop.domain.tax")
    # Every rate the wire carries (the till knows more, e.g. 5 %, before the wire does).
    common = json.loads((Path(pos_contracts.__file__).parent / "schemas" / "common.v1.json")
                        .read_text(encoding="utf-8"))
    wire_rates = common["$defs"]["iva_rate"]["enum"]
    assert wire_rates and all(any(r.value == w for r in tax.IvaRate) for w in wire_rates)
    for rate in (r for r in tax.IvaRate if r.value in wire_rates):
        for gross in [*range(0, 3000, 7), 999_999, 12_345_678, 9_007_199_254]:
            assert iva_included(gross, rate.value) == tax.iva_contained(gross, rate), (gross, rate)


def test_catalog_product_wire_shape_round_trips() -> None:
    product = CatalogProduct(
        "7790001", "Yerba", 450_000, "21", False, None, "Almacén", ("7790895000997",)
    )
    wire = product.to_wire()
    assert wire == json.loads(json.dumps(wire))
    assert wire["barcodes"] == ["7790895000997"]
    assert CatalogProduct.from_wire(wire) == product
