"""A network printer stand-in: a real TCP listener on loopback that records the bytes."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text


class FakeNetworkPrinter:
    """A TCP server on 127.0.0.1 that records what it receives, like a printer on :9100.

    ``status_reply`` is what it answers to DLE EOT 4 (None = never answers, like many
    clones).
    """

    def __init__(self, status_reply: bytes | None = None, port: int = 0) -> None:
        self.status_reply = status_reply
        self.received = bytearray()
        self.connections = 0
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", port))
        self._server.listen(8)
        self._server.settimeout(0.2)
        self.port = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                self.connections += 1
                conn.settimeout(2.0)
                while True:
                    try:
                        chunk = conn.recv(65536)
                    except OSError:
                        break
                    if not chunk:
                        break
                    with self._lock:
                        self.received += chunk
                    if b"\x10\x04\x04" in chunk and self.status_reply is not None:
                        conn.sendall(self.status_reply)

    def data(self) -> bytes:
        with self._lock:
            return bytes(self.received)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self._server.close()


def free_port() -> int:
    """A loopback port nobody listens on (yet)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


PRINT_JOBS_DDL = """
CREATE TABLE print_jobs (
  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, ref TEXT NULL, document TEXT NOT NULL,
  status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NULL,
  next_attempt_at TEXT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)
"""


def sqlite_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        dbapi_conn.execute("PRAGMA journal_mode=WAL")
        dbapi_conn.execute("PRAGMA busy_timeout=5000")

    with engine.begin() as conn:
        conn.execute(text(PRINT_JOBS_DDL))
    return engine
