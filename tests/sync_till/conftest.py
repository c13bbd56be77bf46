"""Fixtures for the till side of sync: a till, a private topology, a cuttable link."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pika
import pytest
from keyring.backend import KeyringBackend

from pos_desktop.app import Till
from sync.central.topology import Topology, declare_topology, delete_topology
from sync.till.settings import SyncSettings

from .proxy import TcpProxy


class MemoryKeyring(KeyringBackend):
    """An in-memory keyring: tests never touch the developer's real keychain."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def till(tmp_path: Path) -> Iterator[Till]:
    t = Till.open(tmp_path / "till", demo=True)
    yield t
    t.close()


@pytest.fixture
def topology(amqp_url: str, unique_name: str) -> Iterator[Topology]:
    """Central's exchanges and queues under a unique prefix; deleted afterwards."""
    topo = Topology(prefix=f"test-{unique_name}.")
    with pika.BlockingConnection(pika.URLParameters(amqp_url)) as conn:
        declare_topology(conn.channel(), topo)
    yield topo
    with pika.BlockingConnection(pika.URLParameters(amqp_url)) as conn:
        channel = conn.channel()
        till_queues = [topo.till_catalog_queue("S001", t) for t in ("T01", "T02", "T09")]
        for q in till_queues:
            channel.queue_delete(q)
        delete_topology(channel, topo)


@pytest.fixture
def proxy(amqp_url: str) -> Iterator[TcpProxy]:
    p = TcpProxy()
    yield p
    p.close()


def sync_settings(till: Till, url: str, topo: Topology, **changes: object) -> SyncSettings:
    base = SyncSettings(
        store_id=till.identity.store_id,
        terminal_id=till.identity.terminal_id,
        amqp_url=url,
        central_url="",
        prefix=topo.prefix,
        poll_interval=0.2,
    )
    return base.with_overrides(**changes)


def sell(till: Till, count: int, seed: int = 7) -> list[dict[str, object]]:
    """``count`` realistic sales through the register; returns their payloads."""
    from sqlalchemy import select

    from pos_desktop.services.simulation import simulate
    from pos_desktop.store.tables import products

    with till.uow() as uow:
        skus = list(uow.conn.execute(select(products.c.sku).where(products.c.active == 1)).scalars())
        catalog = [p for p in (uow.catalog.by_sku(s) for s in skus) if p is not None]
    return [s.payload for s in simulate(till.register, catalog, count, seed=seed)]


def take_messages(amqp_url: str, queue: str, expected: int, timeout: float = 10.0,
                  *, all_of_them: bool = False) -> list[tuple[pika.BasicProperties, bytes]]:
    """Consume (and ack) messages from ``queue`` until ``expected`` arrived or time is up
    (``all_of_them``: then go on until the queue is empty, duplicates included)."""
    import time

    got: list[tuple[pika.BasicProperties, bytes]] = []
    deadline = time.monotonic() + timeout
    with pika.BlockingConnection(pika.URLParameters(amqp_url)) as conn:
        channel = conn.channel()
        while (all_of_them or len(got) < expected) and time.monotonic() < deadline:
            method, props, body = channel.basic_get(queue, auto_ack=True)
            if method is None and all_of_them and len(got) >= expected:
                break
            if method is None:
                time.sleep(0.05)
                continue
            got.append((props, body))
    return got


def queue_depth(amqp_url: str, queue: str) -> int:
    with pika.BlockingConnection(pika.URLParameters(amqp_url)) as conn:
        return int(conn.channel().queue_declare(queue, passive=True).method.message_count)
