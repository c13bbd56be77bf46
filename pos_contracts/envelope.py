"""The event envelope: build one (producers), parse one (consumers). Both validate."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

import msgspec

from pos_contracts.errors import InvalidEvent
from pos_contracts.limits import (
    EVENTS,
    WireLimits,
    bounded_int,
    check_document,
    check_size,
    limits_for,
    too_deep,
)
from pos_contracts.payloads import PAYLOADS
from pos_contracts.registry import default_registry


@dataclass(frozen=True, slots=True)
class Envelope:
    """One event as it travels: identity, origin, per-terminal order, trace and payload."""

    event_id: str
    type: str
    schema_version: int
    occurred_at: str
    store_id: str
    terminal_id: str
    seq: int
    trace_id: str
    payload: dict[str, Any]

    @property
    def routing_key(self) -> str:
        return self.type

    def to_dict(self) -> dict[str, Any]:
        """A copy, payload included, that the caller may change."""
        return asdict(self)

    def _fields(self) -> dict[str, Any]:
        """The fields as they are (the payload not copied): to read, never to change (the
        validators only read; no schema declares a default). Copying a 12-line payload
        cost more than validating it."""
        return {name: getattr(self, name) for name in _FIELD_NAMES}

    def to_json(self) -> bytes:
        """Compact UTF-8 JSON, the message body."""
        return json.dumps(self._fields(), ensure_ascii=False, separators=(",", ":")).encode(
            "utf-8")


_FIELD_NAMES = tuple(f.name for f in fields(Envelope))


def new_event_id() -> str:
    return str(uuid.uuid4())


def new_trace_id() -> str:
    return uuid.uuid4().hex


def now_rfc3339() -> str:
    """Local time with its offset, millisecond precision (e.g. 2026-11-28T10:31:05.123-03:00)."""
    return datetime.now().astimezone().isoformat(timespec="milliseconds")


def build_envelope(
    event_type: str,
    payload: dict[str, Any] | msgspec.Struct,
    *,
    store_id: str,
    terminal_id: str,
    seq: int,
    schema_version: int | None = None,
    trace_id: str | None = None,
    occurred_at: str | None = None,
    event_id: str | None = None,
) -> Envelope:
    """Wrap a payload in an envelope and validate it; raises ``InvalidEvent``.

    Producers call this so that nothing invalid is ever written to an outbox. The payload
    is a dict or, better, the Struct of its type and version (``pos_contracts.payloads``).
    """
    registry = default_registry()
    version = schema_version or registry.latest_version(event_type)
    if isinstance(payload, msgspec.Struct):
        payload = _payload_of(payload, event_type, version)
    envelope = Envelope(
        event_id=event_id or new_event_id(),
        type=event_type,
        schema_version=version,
        occurred_at=occurred_at or now_rfc3339(),
        store_id=store_id,
        terminal_id=terminal_id,
        seq=seq,
        trace_id=trace_id or new_trace_id(),
        payload=payload,
    )
    fields = envelope._fields()
    _check_limits(envelope, limits_for(event_type))
    registry.validate(fields)
    return envelope


def _payload_of(payload: msgspec.Struct, event_type: str, version: int) -> dict[str, Any]:
    """A Struct's payload as the dict the envelope carries (unset optional fields left
    out); the Struct must be the one of ``event_type`` ``version``."""
    expected = PAYLOADS.get((event_type, version))
    if type(payload) is not expected:
        raise InvalidEvent(
            "payload",
            f"{type(payload).__name__} no es el payload de {event_type} v{version}",
        )
    built: dict[str, Any] = msgspec.to_builtins(payload)
    return built


def _check_limits(envelope: Envelope, limits: WireLimits) -> None:
    """What a consumer would refuse as ``limits``. The typed decoder holds the limits
    and takes ~10 µs where walking a 12-line sale takes ~60: it answers when it accepts."""
    typed = default_registry().typed_payload(envelope.type, envelope.schema_version)
    if typed is not None and limits is EVENTS:
        try:
            typed.decode(msgspec.json.encode(envelope.payload))
            return
        except (msgspec.ValidationError, msgspec.DecodeError, msgspec.EncodeError,
                UnicodeError, TypeError, OverflowError):
            pass  # the walk below, then the schema, say what is wrong
    check_document(envelope._fields(), limits)


def _reject_float(text: str) -> Any:
    raise InvalidEvent(
        "payload",
        f"número con decimales {text}: importes y cantidades van en enteros "
        "(centavos, mili-unidades)",
    )


def _reject_constant(text: str) -> Any:
    raise InvalidEvent("not_json", f"valor JSON no estándar {text}")


# Built once: ``json.loads`` with hooks builds a new decoder and scanner on every call,
# which was a fifth of the parsing cost of a sale on the ingest hot path.
_DECODER = json.JSONDecoder(
    parse_float=_reject_float, parse_constant=_reject_constant, parse_int=bounded_int
)


def decode_json(body: bytes | str, limits: WireLimits = EVENTS) -> Any:
    """JSON with integers only: a float anywhere is a producer bug (money is never float).
    Integers beyond 64 bits and nesting past what the decoder can follow are refused
    (``limits``), never raised as Python's own errors."""
    try:
        if isinstance(body, bytes | bytearray):
            # What json.loads does with bytes (UTF-8, with or without BOM, or UTF-16/32),
            # but strict: json.loads lets encoded lone surrogates through (surrogatepass),
            # which nothing downstream can encode again.
            body = body.decode(json.detect_encoding(body))
        return _DECODER.decode(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidEvent("not_json", f"el mensaje no es JSON UTF-8 válido ({error})") from None
    except RecursionError:
        raise too_deep(limits) from None


_PLAIN = msgspec.json.Decoder()


def _parse_typed(body: bytes) -> Envelope | None:
    """The fast path: the typed decoders (compiled from the same schemas, never looser)
    accept the body, so only the rules remain. None when they refuse, or cannot judge:
    the full validator then gives the verdict and its message."""
    registry = default_registry()
    if registry.typed_envelope is None or body.count(b'"payload"') != 1:
        # A repeated "payload" key: the typed decoder would check only the last one, the
        # full path rejects a float even in the one it then drops. Rare: let it judge.
        return None
    try:
        shell = registry.typed_envelope.decode(body)
        checker = registry.typed_payload(shell.type, shell.schema_version)
        if checker is None or limits_for(shell.type) is not EVENTS:
            return None  # (the catalogue's Struct holds its own, bigger limits)
        checker.decode(shell.payload)
    except (msgspec.ValidationError, msgspec.DecodeError, UnicodeDecodeError, RecursionError):
        # (invalid UTF-8 in a string raises UnicodeDecodeError, not DecodeError; skipping
        # a deep raw payload RecursionError): the full path judges it and says why.
        return None
    payload = _PLAIN.decode(shell.payload)
    registry.rules(shell.type, shell.schema_version)(payload)
    return Envelope(
        event_id=shell.event_id,
        type=shell.type,
        schema_version=shell.schema_version,
        occurred_at=shell.occurred_at,
        store_id=shell.store_id,
        terminal_id=shell.terminal_id,
        seq=shell.seq,
        trace_id=shell.trace_id,
        payload=payload,
    )


def parse_envelope(
    body: bytes | str | dict[str, Any], limits: WireLimits = EVENTS
) -> Envelope:
    """Decode and validate a message body (or an already decoded dict) within ``limits``
    (``limits.CATALOG`` for the catalogue's queue)."""
    if not isinstance(body, dict):
        check_size(body, limits)
    if isinstance(body, bytes) and limits is EVENTS:  # the typed decoders hold EVENTS
        fast = _parse_typed(body)
        if fast is not None:
            return fast
    data = body if isinstance(body, dict) else decode_json(body, limits)
    check_document(data, limits)
    if not isinstance(data, dict):
        raise InvalidEvent("envelope", "el mensaje no es un objeto JSON")
    default_registry().validate(data)
    return Envelope(**data)
