"""JSON log lines on stderr: timestamp, level, service, trace_id, store_id, terminal_id,
message (plus any other ``extra`` fields).

A record may carry ``each``, a list of field dicts: it is then written as one line per
item (the record's fields, overridden by the item's). The ingest logs every applied
event this way — one line per sale, each with its own trace_id, for the cost of one
handler call per batch instead of one per sale.
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

import msgspec

INGEST_SERVICE = "pos-central-ingest"
API_SERVICE = "pos-central-api"
CLI_SERVICE = "pos-central"

EACH = "each"
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    EACH,
}


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "service": self.service,
            "trace_id": getattr(record, "trace_id", None),
            "store_id": getattr(record, "store_id", None),
            "terminal_id": getattr(record, "terminal_id", None),
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in line:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        each: list[dict[str, Any]] | None = getattr(record, EACH, None)
        if each is None:
            return _encode(line)
        return "\n".join(_encode({**line, **item}) for item in each)


def _encode(line: dict[str, Any]) -> str:
    return _ENCODER.encode(line).decode("utf-8")


# UTF-8 as is (no \u escapes), anything unusual as its str().
_ENCODER = msgspec.json.Encoder(enc_hook=str)


def configure_logging(
    service: str, level: int = logging.INFO, stream: TextIO | None = None
) -> None:
    """Route the ``pos_central`` loggers to stderr (or ``stream``) as JSON lines."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger("pos_central")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
