"""JSON log lines (one object per line) to a rotating file in the data dir and to stderr.

Fields: timestamp, level, service, trace_id, store_id, terminal_id, message, plus any
``extra`` given at the call site: ``pos_common.jsonlog``, the central services' format.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path
from typing import Any

from pos_common import tracing
from pos_common.jsonlog import JsonFormatter

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
LEVEL_ENV = "POS_LOG_LEVEL"  # DEBUG: also pika's connection chatter and Alembic's setup
# Lines Alembic writes at INFO on every start although nothing happened yet.
_ALEMBIC_SETUP = ("setup plugin ", "Context impl ", "Will assume ")


class LibraryChatter(logging.Filter):
    """Alembic's start-up lines are DEBUG, not INFO: kept only when DEBUG is asked."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("alembic.runtime.") and str(record.msg).startswith(
            _ALEMBIC_SETUP
        ):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger().getEffectiveLevel() <= logging.DEBUG
        return True


def setup_logging(
    service: str,
    *,
    log_dir: Path | None = None,
    level: int = logging.INFO,
    static: dict[str, Any] | None = None,
    stderr: bool = True,
    stderr_level: int = logging.INFO,
) -> None:
    """JSON lines to ``log_dir/<service>.log`` (rotated: 5 × 5 MB) and to stderr.

    ``POS_LOG_LEVEL`` (DEBUG, INFO, WARNING) overrides ``level``. pika's INFO lines (a
    dozen per connection) are kept only at DEBUG: the publisher logs what matters."""
    import os

    asked = os.environ.get(LEVEL_ENV, "").upper()
    if asked in ("DEBUG", "INFO", "WARNING", "ERROR"):
        level = logging.getLevelName(asked)
    logging.getLogger("pika").setLevel(logging.DEBUG if level <= logging.DEBUG else logging.WARNING)
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_pos", False):
            root.removeHandler(handler)
    fmt = JsonFormatter(service, static)
    handlers: list[logging.Handler] = []
    if stderr:
        console = logging.StreamHandler(sys.stderr)
        console.setLevel(stderr_level)  # commands print their own results on stdout
        handlers.append(console)
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        handlers.append(
            logging.handlers.RotatingFileHandler(
                log_dir / f"{service}.log", maxBytes=5_000_000, backupCount=5, encoding="utf-8"
            )
        )
    for h in handlers:
        h.setFormatter(fmt)
        h.addFilter(LibraryChatter())
        h._pos = True  # type: ignore[attr-defined]
        root.addHandler(h)
    root.setLevel(level)
    tracing.setup(service)  # traces too, when the OTEL_* variables ask for them


def bind_identity(store_id: str, terminal_id: str) -> None:
    """Stamp every later line with the till's store and terminal (known once it opens)."""
    for handler in logging.getLogger().handlers:
        if getattr(handler, "_pos", False) and isinstance(handler.formatter, JsonFormatter):
            handler.formatter.static.update(store_id=store_id, terminal_id=terminal_id)
