"""The one JSON log line of the till and head office: one object per line.

Fields: timestamp, level, service, trace_id, store_id, terminal_id, the formatter's
static fields (a till's store and terminal), logger, message, then any ``extra`` given at
the call site. A record may carry ``each``, a list of field dicts: it is then written as
one line per item (the record's fields, overridden by the item's); head office's ingest
logs every applied event this way, one line per sale for one handler call per batch.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import msgspec

EACH = "each"
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message", "asctime", EACH,
}
# UTF-8 as is (no \u escapes), anything unusual as its str().
_ENCODER = msgspec.json.Encoder(enc_hook=str)


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str, static: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.service = service
        self.static = static or {}

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
            **self.static,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key not in line:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        each: list[dict[str, Any]] | None = getattr(record, EACH, None)
        if each is None:
            return _encode(line)
        return "\n".join(_encode({**line, **item}) for item in each)


def _encode(line: dict[str, Any]) -> str:
    return _ENCODER.encode(line).decode("utf-8")
