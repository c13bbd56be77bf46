"""The envelope (schemas/envelope.v1.json) with its payload left as raw JSON: the ingest
decodes the shell, then the payload with the Struct its type and version name."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta, Raw, Struct

from pos_contracts.payloads.common import Positive, TerminalCode, Timestamp, Uuid


class EnvelopeV1(Struct, kw_only=True, forbid_unknown_fields=True):
    event_id: Uuid
    type: Annotated[str, Meta(max_length=64, pattern=r"^[a-z][a-z_]*(\.[a-z][a-z_]*)+\Z")]
    schema_version: Positive
    occurred_at: Timestamp
    store_id: TerminalCode
    terminal_id: TerminalCode
    seq: Positive
    trace_id: Annotated[str, Meta(pattern=r"^[0-9a-f]{32}\Z")]
    payload: Raw
    """Any JSON here; the payload's Struct then requires an object of its shape."""
