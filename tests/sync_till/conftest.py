"""Fixtures for the till side of sync: a till, a private topology, a cuttable link."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pika
import pytest

from pos_central.topology import Topology, declare_topology, delete_topology
from pos_desktop.app import Till
from tests.support.keyring import MemoryKeyring
from tests.support.tcp_proxy import TcpProxy


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every test here: never the developer's real keychain."""
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
