"""The wire format shared by the tills and head office.

Producers: ``build_envelope(type, payload, store_id=..., terminal_id=..., seq=...)``.
Consumers: ``parse_envelope(body)``. Both validate against the JSON Schema files in
``schemas/`` and raise ``InvalidEvent`` with a stable ``code`` and a readable ``reason``.
See README.md in this directory for naming, versioning and money rules.
"""

from pos_contracts.caea import CaeaGrant
from pos_contracts.catalog import CatalogProduct
from pos_contracts.envelope import (
    Envelope,
    build_envelope,
    decode_json,
    new_event_id,
    new_trace_id,
    now_rfc3339,
    parse_envelope,
)
from pos_contracts.errors import InvalidEvent
from pos_contracts.registry import SchemaRegistry, default_registry, validate
from pos_contracts.rules import iva_included

__all__ = [
    "CaeaGrant",
    "CatalogProduct",
    "Envelope",
    "InvalidEvent",
    "SchemaRegistry",
    "build_envelope",
    "decode_json",
    "default_registry",
    "iva_included",
    "new_event_id",
    "new_trace_id",
    "now_rfc3339",
    "parse_envelope",
    "validate",
]
