"""Bounds a schema cannot know: what one shop's sale, refund or cash movement can be.

The schemas accept any non-negative integer; an amount of $ 92.233.720.368.547.758,07 is
valid JSON and adds up. Head office sets how big a document may be (``Bounds``, from the
command line); beyond that the event is dead-lettered as ``out_of_bounds`` — kept with its
reason for a person, never applied by default.
"""

from __future__ import annotations

from typing import Any

from pos_contracts import Envelope, InvalidEvent

_AMOUNTS: dict[str, tuple[str, ...]] = {
    "sale.completed": ("total",),
    "sale.refunded": ("total",),
    "cash.moved": ("amount",),
    "shift.opened": ("float",),
    "shift.closed": ("float", "counted_cash"),
}


def out_of_bounds(env: Envelope, max_amount: int, max_quantity_milli: int) -> InvalidEvent | None:
    p = env.payload
    for field in _AMOUNTS.get(env.type, ()):
        value = p.get(field)
        if isinstance(value, int) and value > max_amount:
            return InvalidEvent(
                "out_of_bounds",
                f"{env.type} seq {env.seq}: {field} {value} supera el máximo configurado "
                f"{max_amount} (centavos; --max-amount)",
            )
    lines: list[dict[str, Any]] = p.get("lines") or []
    for line in lines:
        if line["quantity_milli"] > max_quantity_milli:
            return InvalidEvent(
                "out_of_bounds",
                f"{env.type} seq {env.seq}: línea {line['line_no']}: cantidad "
                f"{line['quantity_milli']} supera el máximo configurado "
                f"{max_quantity_milli} (milésimas; --max-quantity)",
            )
    return None
