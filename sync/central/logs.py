"""JSON log lines on stderr: timestamp, level, service, trace_id, store_id, terminal_id,
message (plus any other ``extra`` fields)."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

INGEST_SERVICE = "pos-central-ingest"
API_SERVICE = "pos-central-api"
CLI_SERVICE = "pos-central"

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


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
        return _ENCODER.encode(line)


# Built once: json.dumps with options builds an encoder per call, and the ingest logs a
# line per applied sale.
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)


def configure_logging(
    service: str, level: int = logging.INFO, stream: TextIO | None = None
) -> None:
    """Route the ``sync`` loggers to stderr (or ``stream``) as JSON lines for this service."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger("sync")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
