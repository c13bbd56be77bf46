"""Helpers shared by the till-sync tests and the end-to-end test (not fixtures)."""

from __future__ import annotations

import time

import pika

from pos_central.topology import Topology
from pos_desktop.app import Till
from pos_desktop.sync.settings import SyncSettings


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
