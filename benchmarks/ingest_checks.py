"""What trusting no till costs the ingest, and what a cluster costs it: two same-run
comparisons for ``bench_ingest`` (``--checks``, ``--cluster``).

``--checks``: the same backlog ingested with the identity and sanity checks on (as
production runs) and off, alternating, each round on a fresh database. *Off* is made
here, in the benchmark's process only, by replacing the checks with functions that
find nothing: the broker user's identity (``TillIdentities.judge``), the bounds
(``out_of_bounds``), gross = price × quantity (``rules._priced``), the clone look-up
(``suspensions``), refunds of unknown sales (``refunds_of_unknown_sales``) and the clock
(``ClockWatch.judge``). Production has no switch to turn them off.

``--cluster``: the same backlog drained from a quorum queue on the single shared node
and on a three-node cluster started for the purpose (``tests/support/rabbit_cluster``:
loopback ports, a cookie of its own), in the same run.
"""

from __future__ import annotations

import statistics
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pika
import psycopg

from pos_central.database import migrate
from pos_central.ingest import apply, clocks, consumer, identity
from pos_central.ingest.consumer import IngestConsumer, IngestSettings
from pos_central.topology import Topology, declare_topology, delete_topology
from pos_contracts import rules

Events = list[tuple[str, str, bytes]]


@contextmanager
def checks_off() -> Iterator[None]:
    """Every identity and sanity check of the ingest finds nothing (this process only)."""
    replaced: list[tuple[Any, str, Any]] = [
        (identity.TillIdentities, "judge", lambda self, cursor, pairs: [None] * len(pairs)),
        (consumer, "out_of_bounds", lambda env, amount, quantity: None),
        (rules, "_priced", lambda line: True),
        (apply, "suspensions", lambda cursor, terminals: ({}, {})),
        (apply, "refunds_of_unknown_sales", lambda cursor, events, candidates: []),
        (clocks.ClockWatch, "judge", lambda self, headers, env: None),
    ]
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in replaced]
    try:
        for owner, name, stand_in in replaced:
            setattr(owner, name, stand_in)
        yield
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)


@contextmanager
def fresh_database(pg_admin_url: str) -> Iterator[str]:
    name = f"pos_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    db_url = pg_admin_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        migrate(db_url)
        yield db_url
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def drain(
    db_url: str, amqp_url: str, topology: Topology, count: int, settings: IngestSettings
) -> float:
    """Seconds for one ingest to apply the ``count`` sales waiting in the queue."""
    ingest = IngestConsumer(db_url=db_url, amqp_url=amqp_url, topology=topology,
                            settings=settings)
    stop = threading.Event()
    thread = threading.Thread(target=ingest.run, args=(stop,), daemon=True)
    started = time.perf_counter()
    thread.start()
    try:
        while (ingest.metrics.registry.get_sample_value(
                "pos_central_events_ingested_total", {"type": "sale.completed"}) or 0) < count:
            if time.perf_counter() - started > 600:
                raise RuntimeError("the ingest did not finish in 10 minutes")
            time.sleep(0.01)
        return time.perf_counter() - started
    finally:
        stop.set()
        thread.join(60)


def compare_checks(
    pg_admin_url: str,
    amqp_url: str,
    events: Events,
    settings: IngestSettings,
    rounds: int,
    publish: Callable[[Any, Topology, str, Events], None],
) -> dict[str, Any]:
    """events/s with the checks on and off, alternating (on first in odd rounds)."""
    rates: dict[str, list[float]] = {"on": [], "off": []}
    for round_ in range(rounds):
        for mode in ("on", "off") if round_ % 2 == 0 else ("off", "on"):
            topology = Topology(prefix=f"bench-checks-{uuid.uuid4().hex[:8]}.")
            with fresh_database(pg_admin_url) as db_url, pika.BlockingConnection(
                pika.URLParameters(amqp_url)
            ) as connection:
                channel = connection.channel()
                declare_topology(channel, topology)
                try:
                    publish(channel, topology, db_url, events)
                    with ExitStack() as stack:
                        if mode == "off":
                            stack.enter_context(checks_off())
                        seconds = drain(db_url, amqp_url, topology, len(events), settings)
                    rates[mode].append(len(events) / seconds)
                finally:
                    delete_topology(channel, topology)
    on, off = statistics.median(rates["on"]), statistics.median(rates["off"])
    return {
        "rounds": rounds,
        "events_per_round": len(events),
        "checks_on_events_per_s": [round(r) for r in rates["on"]],
        "checks_off_events_per_s": [round(r) for r in rates["off"]],
        "median_on": round(on),
        "median_off": round(off),
        "on_vs_off": round(on / off, 3),
        "budget": "checks cost at most 10 %: on_vs_off >= 0.9",
        "within_budget": on / off >= 0.9,
    }


def compare_cluster(
    pg_admin_url: str,
    single_url: str,
    events: Events,
    settings: IngestSettings,
    publish_plain: Callable[[Any, str, str, Events], None],
    folder: Path,
) -> dict[str, Any]:
    """Drain rate from the shared single node, then from a three-node cluster."""
    from tests.support.rabbit_cluster import RabbitCluster

    def one(urls: str) -> float:
        first = urls.split(",")[0]
        topology = Topology(prefix=f"bench-cluster-{uuid.uuid4().hex[:8]}.")
        with fresh_database(pg_admin_url) as db_url, pika.BlockingConnection(
            pika.URLParameters(first)
        ) as connection:
            channel = connection.channel()
            channel.confirm_delivery()
            declare_topology(channel, topology)
            try:
                publish_plain(channel, topology.events_exchange, topology.ingest_queue, events)
                return len(events) / drain(db_url, urls, topology, len(events), settings)
            finally:
                delete_topology(channel, topology)

    single = one(single_url)
    cluster = RabbitCluster(folder)
    try:
        cluster.start()
        three = one(cluster.urls)
    finally:
        cluster.close()
    return {
        "events": len(events),
        "single_node_events_per_s": round(single),
        "three_node_cluster_events_per_s": round(three),
        "cluster_vs_single": round(three / single, 3),
        "what": "quorum queue central.ingest: 1 member on the shared node, 3 on the cluster "
                "(every node on this machine)",
    }
