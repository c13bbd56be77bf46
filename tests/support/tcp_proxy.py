"""A loopback TCP forwarder a test can cut and restore: an outage of one client's path to
the real RabbitMQ or PostgreSQL, without stopping the server other tests are using.

``down()`` closes every connection through the proxy and refuses new ones (as a dead link
or a stopped server would); ``up()`` lets them through again.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType


class TcpProxy:
    def __init__(self, target_host: str = "127.0.0.1", target_port: int = 5672) -> None:
        self.target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = int(self._listener.getsockname()[1])
        self._up = threading.Event()
        self._up.set()
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self.accepted = 0
        self.upstream_bytes = 0  # client → broker, over all connections
        self._cut_at: int | None = None
        self._clients: set[socket.socket] = set()
        self._held: set[socket.socket] = set()
        self._thread = threading.Thread(target=self._accept_loop, name="tcp-proxy", daemon=True)
        self._thread.start()

    def url(self, user: str = "guest", password: str = "guest", vhost: str = "%2F") -> str:
        return f"amqp://{user}:{password}@127.0.0.1:{self.port}/{vhost}"

    def down(self) -> None:
        """Cut every connection now and refuse new ones."""
        self._up.clear()
        with self._lock:
            victims, self._sockets = self._sockets, set()
        for s in victims:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def up(self) -> None:
        self._up.set()

    def down_after(self, upstream_bytes: int) -> None:
        """Cut (``down()``) once this many more bytes went from the till to the broker:
        a cut in the middle of a publishing burst, with confirms in flight."""
        self._cut_at = self.upstream_bytes + upstream_bytes

    def alarm(self) -> None:
        """Act like a broker in a memory/disk alarm towards every open connection: send
        ``connection.blocked`` and stop reading what the client sends. Connections made
        afterwards go through normally (the alarm "cleared")."""
        import pika.frame
        import pika.spec

        frame = pika.frame.Method(0, pika.spec.Connection.Blocked("test alarm")).marshal()
        with self._lock:
            clients = [c for c in self._clients if c in self._sockets]
            self._held.update(clients)
        for client in clients:
            with contextlib.suppress(OSError):
                client.sendall(frame)

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._closed.set()
        self.down()
        self._listener.close()
        self._thread.join(2)

    def _accept_loop(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if not self._up.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=2)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            self.accepted += 1
            with self._lock:
                self._sockets.update((client, upstream))
                self._clients.add(client)
            for src, dst, counted in ((client, upstream, True), (upstream, client, False)):
                threading.Thread(target=self._pipe, args=(src, dst, counted), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, counted: bool) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if src in self._held:
                    continue  # a blocked broker does not read
                if counted:
                    with self._lock:
                        self.upstream_bytes += len(data)
                        cut = self._cut_at is not None and self.upstream_bytes >= self._cut_at
                    if cut:
                        self._cut_at = None
                        self.down()
                        break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            with self._lock:
                self._sockets.discard(src)
                self._sockets.discard(dst)
