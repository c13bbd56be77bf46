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
from typing import TextIO

from pos_common.jsonlog import EACH as EACH
from pos_common.jsonlog import JsonFormatter

INGEST_SERVICE = "pos-central-ingest"
API_SERVICE = "pos-central-api"
CLI_SERVICE = "pos-central"

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
