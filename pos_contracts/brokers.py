"""A broker address list, as both ends read it: one AMQP URL, or several separated by
commas (the nodes of a RabbitMQ cluster), e.g.
``amqp://tienda@mq1:5672/%2F,amqp://tienda@mq2:5672/%2F,amqp://tienda@mq3:5672/%2F``.

Each connection tries the addresses in turn, starting with the one that last worked, so
a dead node costs one failed attempt per reconnection instead of one per connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")


def broker_urls(text: str) -> list[str]:
    """The addresses of ``text``; ``ValueError`` if it names none."""
    urls = [part.strip() for part in text.split(",") if part.strip()]
    if not urls:
        raise ValueError(f"no broker address in {text!r}")
    return urls


class Failover:
    """The order in which to try a list of addresses (thread-safe)."""

    def __init__(self, urls: Iterable[str]) -> None:
        self.urls = list(urls)
        if not self.urls:
            raise ValueError("no broker address")
        self._first = 0
        self._lock = threading.Lock()

    @classmethod
    def of(cls, text: str) -> Failover:
        return cls(broker_urls(text))

    def order(self) -> list[str]:
        """Every address, the one that last worked (or is next after a failure) first."""
        with self._lock:
            first = self._first
        return self.urls[first:] + self.urls[:first]

    def current(self) -> str:
        """The address the next connection tries first (the last that worked)."""
        with self._lock:
            return self.urls[self._first]

    def worked(self, url: str) -> None:
        with self._lock:
            self._first = self.urls.index(url)

    def failed(self, url: str) -> None:
        """``url`` was lost or refused: the next connection starts with the one after it."""
        with self._lock:
            if self.urls[self._first] == url:
                self._first = (self._first + 1) % len(self.urls)


def first_answering(
    failover: Failover,
    connect: Callable[[str], T],
    unreachable: tuple[type[BaseException], ...],
) -> T:
    """``connect`` to each address in ``failover``'s order until one answers; an error in
    ``unreachable`` moves on to the next address, the last one's is raised."""
    error: BaseException | None = None
    for url in failover.order():
        try:
            found = connect(url)
        except unreachable as failure:
            error = failure
            failover.failed(url)
            continue
        failover.worked(url)
        return found
    assert error is not None
    raise error
