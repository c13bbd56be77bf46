"""Serving an ASGI app with uvicorn in a thread: ``pos-central serve``, the ingest's
probes and the tests all use this one class.

Two limits the stdlib server lacked (issue 13): an idle or slow client costs a socket,
not a thread (uvicorn multiplexes connections on one event loop; requests run on a
bounded pool of ``threads``), and a client must send a whole request within
``request_timeout`` of connecting or of its previous response, else the connection is
closed. uvicorn only times out idle keep-alive connections, not one that never sends a
request or sends it a byte at a time, hence ``TimedH11Protocol``.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("pos_central.api")


class TimedH11Protocol(H11Protocol):
    """h11 with a deadline for each whole request (head and body)."""

    request_timeout: float = 10.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._request_deadline: asyncio.TimerHandle | None = None
        self._arm()

    def _arm(self) -> None:
        self._disarm()
        self._request_deadline = self.loop.call_later(self.request_timeout, self._too_slow)

    def _disarm(self) -> None:
        if getattr(self, "_request_deadline", None) is not None:
            assert self._request_deadline is not None
            self._request_deadline.cancel()
            self._request_deadline = None

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state in (h11.DONE, h11.MUST_CLOSE, h11.CLOSED, h11.ERROR):
            self._disarm()  # the whole request is in: the app's own time is not limited here

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _too_slow(self) -> None:
        self._request_deadline = None
        if self.conn.their_state in (h11.IDLE, h11.SEND_BODY) and not self.transport.is_closing():
            self.transport.close()


@dataclass(frozen=True)
class ServerLimits:
    request_timeout: float = 10.0
    keep_alive: int = 5
    max_connections: int = 2048
    tls_cert: Path | None = None
    tls_key: Path | None = None
    forwarded_allow_ips: tuple[str, ...] = ()


class ApiServer:
    """Serve ``app`` on ``host:port`` (port 0 picks a free one) in a daemon thread."""

    def __init__(
        self, app: Any, host: str = "127.0.0.1", port: int = 0, limits: ServerLimits | None = None
    ) -> None:
        limits = limits or ServerLimits()
        self.https = limits.tls_cert is not None
        protocol = type(
            "PosH11Protocol", (TimedH11Protocol,), {"request_timeout": limits.request_timeout}
        )
        self._socket = _bind(host, port)
        self.config = uvicorn.Config(
            app,
            http=protocol,
            ws="none",
            lifespan="on",
            log_config=None,
            access_log=False,
            timeout_keep_alive=limits.keep_alive,
            limit_concurrency=limits.max_connections,
            ssl_certfile=str(limits.tls_cert) if limits.tls_cert else None,
            ssl_keyfile=str(limits.tls_key) if limits.tls_key else None,
            ssl_version=ssl.PROTOCOL_TLS_SERVER,
            proxy_headers=bool(limits.forwarded_allow_ips),
            forwarded_allow_ips=list(limits.forwarded_allow_ips) or None,
            server_header=False,
        )
        self._server = uvicorn.Server(self.config)
        self._thread = threading.Thread(target=self._run, name="pos-central-http", daemon=True)
        self._failed: BaseException | None = None

    @property
    def port(self) -> int:
        return int(self._socket.getsockname()[1])

    @property
    def url(self) -> str:
        host = self._socket.getsockname()[0]
        return f"{'https' if self.https else 'http'}://{host}:{self.port}"

    def _run(self) -> None:
        try:
            self._server.run(sockets=[self._socket])
        except BaseException as error:  # surfaced by start()
            self._failed = error
            raise

    def start(self, timeout: float = 30.0) -> ApiServer:
        self._thread.start()
        while not self._server.started:
            self._thread.join(0.02)
            if not self._thread.is_alive():
                raise RuntimeError(f"el servidor HTTP no arrancó: {self._failed!r}")
            timeout -= 0.02
            if timeout <= 0:
                raise RuntimeError("el servidor HTTP no arrancó a tiempo")
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout)
        self._socket.close()

    def __enter__(self) -> ApiServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # Named TCP, not protocol 0: asyncio turns Nagle off only on sockets that say
    # IPPROTO_TCP, and the connections accepted here inherit it. With Nagle on, every
    # answer on a kept-alive connection (a browser's) waited ~40 ms for the client's
    # delayed ACK between its head and its body: /health took 44 ms instead of 1.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock
