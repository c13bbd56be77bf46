"""Wire limits: what any message may be, whatever its type and version says.

A schema bounds what it names; the decoder must also survive what no schema could name:
a body nested 100,000 deep (``RecursionError``), an integer of 5,000 digits (``ValueError``
from Python's digit limit), a lone UTF-16 surrogate (valid JSON, not text PostgreSQL or
UTF-8 can hold), a sale with 200,000 tenders (valid, and the ingest stalls). These limits
hold for every version ever published, so they live here and not in the schema files
(which never change once locked); every example and every event a till produces is far
inside them, and ``build_envelope`` checks them too, so a producer never emits what a
consumer refuses.

Refusals are ``InvalidEvent("limits", ...)``; a lone surrogate is ``not_json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pos_contracts.errors import InvalidEvent

INT_MAX = 2**63 - 1
INT_MIN = -(2**63)
"""What PostgreSQL's bigint holds; every amount, quantity and number of the wire."""
MAX_STRING = 1000
"""Characters of any string (the schemas' own maxLength are at most this)."""
INT_DIGITS = 20
"""Characters of the longest integer text within the bounds (a sign and 19 digits)."""


@dataclass(frozen=True, slots=True)
class WireLimits:
    max_bytes: int = 1 << 20
    """A body: a sale of 1,000 lines (the schema's most) is under 500 KB."""
    max_depth: int = 16
    """Nesting of objects and arrays, the envelope being 1 (the schemas go to 6)."""
    max_items: int = 1000
    """Items of any array (the schemas' own maxItems are at most this)."""
    max_string: int = MAX_STRING
    """Characters of any string (the schemas' own maxLength are at most this)."""


EVENTS = WireLimits()
"""Events on ``pos.events`` (what the ingest reads) and notices to a till."""
CATALOG = WireLimits(max_bytes=256 << 20, max_items=1_000_000)
"""``catalog.changed`` carries every product an import changed (a chain's whole catalogue
on its first import): bigger bodies and arrays, the same depth and strings."""


def limits_for(event_type: str) -> WireLimits:
    return CATALOG if event_type == "catalog.changed" else EVENTS


def check_size(body: bytes | str, limits: WireLimits) -> None:
    if len(body) > limits.max_bytes:
        raise InvalidEvent(
            "limits", f"el mensaje tiene {len(body)} bytes; el máximo es {limits.max_bytes}"
        )


def bounded_int(text: str) -> int:
    """``parse_int`` of the JSON decoder: refuses before Python converts 5,000 digits."""
    value = int(text) if len(text) <= INT_DIGITS else None
    if value is None or not INT_MIN <= value <= INT_MAX:
        raise InvalidEvent(
            "limits", f"entero de {len(text)} cifras fuera de rango (máximo {INT_MAX})"
        )
    return value


def check_document(document: Any, limits: WireLimits) -> None:
    """Depth, array lengths, string lengths and lone surrogates of a decoded document.
    Level by level, without recursion: a document deeper than Python's recursion limit
    is judged, not crashed on."""
    level = [document]
    depth = 0
    while level:
        depth += 1
        deeper: list[Any] = []
        for node in level:
            if type(node) is dict:
                _check_strings(node, limits)
                values: Any = node.values()
            elif type(node) is list:
                if len(node) > limits.max_items:
                    raise InvalidEvent(
                        "limits",
                        f"una lista tiene {len(node)} elementos; el máximo es {limits.max_items}",
                    )
                values = node
            elif type(node) is str:
                _check_strings((node,), limits)
                continue
            else:
                continue
            if depth > limits.max_depth:
                raise too_deep(limits)
            deeper.extend(value for value in values if type(value) in _INNER)
        level = deeper


_INNER = frozenset({dict, list, str})


def _check_strings(strings: Any, limits: WireLimits) -> None:
    for text in strings:
        if len(text) > limits.max_string:
            raise InvalidEvent(
                "limits",
                f"un texto tiene {len(text)} caracteres; el máximo es {limits.max_string}",
            )
        if not text.isascii():
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                raise InvalidEvent(
                    "not_json",
                    "un texto tiene un sustituto UTF-16 suelto (\\ud800–\\udfff): no es "
                    "Unicode válido",
                ) from None


def too_deep(limits: WireLimits) -> InvalidEvent:
    """For a ``RecursionError`` of a decoder: nested far beyond ``max_depth``."""
    return InvalidEvent(
        "limits", f"anidado a más de {limits.max_depth} niveles de objetos y listas"
    )
