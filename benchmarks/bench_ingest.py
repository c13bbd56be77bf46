"""Central ingest throughput: 20,000 sale.completed events (1-12 lines) pre-published to a
private queue, ingested to PostgreSQL, next to a raw baseline measured in the same run
(a plain pika consumer that batch-inserts the raw JSON into a table with COPY, no
validation and no business logic). Prints JSON; medians and p99 of batch latency.

    python -m benchmarks.bench_ingest [--events 20000] [--batch-size 250] [--prefetch 1000]
                                      [--consumers N] [--checks ROUNDS] [--cluster]
                                      [--out FILE]

``--checks ROUNDS`` instead ingests ``--events`` sales ROUNDS times with the identity and
sanity checks on and ROUNDS times off, alternating, and prints the ratio of the medians
(budget: the checks cost at most 10 %). ``--cluster`` drains ``--events`` sales from the
shared single node and from a three-node cluster started for it, same run
(``benchmarks/ingest_checks.py``).

``--consumers N`` runs N ingest processes on the same queue (how production scales past
one core: exactly-once holds across them through processed_events, and terminals are
locked in a fixed order so two consumers cannot deadlock). Their client CPU is the sum
over the child processes; progress is read from PostgreSQL.

Budget (issue): ingest >= 5,000 events/s and >= half of the raw baseline.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import platform
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pika
import psycopg

from benchmarks.stats import summarize
from pos_central.database import migrate
from pos_central.ingest.consumer import IngestConsumer, IngestSettings
from pos_central.logs import INGEST_SERVICE, configure_logging
from pos_central.metrics import IngestMetrics
from pos_central.tills import TillRegistry
from pos_central.topology import Topology, declare_topology, delete_topology
from pos_contracts.testing import SimulatedTerminal

AMQP_URL = os.environ.get("POS_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
PG_ADMIN_URL = os.environ.get("POS_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TERMINALS = 20


def process_cpu() -> float:
    times = os.times()
    return times.user + times.system


def backend_cpu(pid: int | None) -> float | None:
    """CPU seconds used so far by one PostgreSQL backend (same host only)."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def ingest_backend_pids(db_url: str) -> list[int]:
    with psycopg.connect(db_url) as db:
        rows = db.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = 'pos-central'"
        ).fetchall()
    return [int(row[0]) for row in rows]


def backends_cpu(pids: list[int]) -> float | None:
    times = [backend_cpu(pid) for pid in pids]
    return None if not times or None in times else sum(t for t in times if t is not None)


def cpu_figures(count: int, client: float, server: float | None) -> dict[str, Any]:
    return {
        "client_cpu_us_per_event": round(client / count * 1e6),
        "postgres_backend_cpu_us_per_event": None
        if server is None
        else round(server / count * 1e6),
    }


class BatchTimer:
    """Stands in for the batch-latency histogram to keep every sample."""

    def __init__(self) -> None:
        self.samples: list[float] = []

    def observe(self, seconds: float) -> None:
        self.samples.append(seconds)


def make_events(count: int) -> list[tuple[str, str, bytes]]:
    """(event_id, terminal_id, body), the terminals interleaved as a chain's tills are."""
    tills = [SimulatedTerminal("S001", f"T{n:02d}", seed=n) for n in range(1, TERMINALS + 1)]
    events = [tills[i % TERMINALS].sale() for i in range(count)]
    return [(event.event_id, event.terminal_id, event.to_json()) for event in events]


def prepublish(
    channel: Any,
    exchange: str,
    routing_key: str,
    queue: str,
    events: list[tuple[str, str, bytes]],
    tills: dict[str, tuple[Any, str]] | None = None,
) -> None:
    """Publish ``events``; with ``tills`` (terminal -> (channel, user)) each through its own
    till's connection with its user_id, as production does (the ingest checks it)."""
    for event_id, terminal_id, body in events:
        sender, user_id = (channel, None) if tills is None else tills[terminal_id]
        sender.basic_publish(
            exchange,
            routing_key,
            body,
            pika.BasicProperties(
                delivery_mode=2,
                content_type="application/json",
                message_id=event_id,
                user_id=user_id,
            ),
        )
    while channel.queue_declare(queue, passive=True).method.message_count < len(events):
        time.sleep(0.1)


@contextmanager
def till_connections(
    db_url: str, topology: Topology
) -> Iterator[dict[str, tuple[Any, str]]]:
    """Every benchmark terminal registered (its own broker user), one connection each."""
    registry = TillRegistry(db_url, AMQP_URL, topology)
    connections = []
    try:
        found: dict[str, tuple[Any, str]] = {}
        for n in range(1, TERMINALS + 1):
            terminal = f"T{n:02d}"
            user = registry.register("S001", terminal)
            url = user.amqp_url.replace("@", f":{user.password}@", 1)
            connection = pika.BlockingConnection(pika.URLParameters(url))
            connections.append(connection)
            found[terminal] = (connection.channel(), user.user)
        yield found
    finally:
        for connection in connections:
            connection.close()
        for user in registry.admin.users():
            if user.startswith(topology.prefix):
                registry.admin.delete_user(user)


def run_ingest(
    db_url: str, topology: Topology, count: int, batch_size: int, prefetch: int
) -> dict[str, Any]:
    metrics = IngestMetrics()
    timer = BatchTimer()
    metrics.batch_seconds = timer  # type: ignore[assignment]
    consumer = IngestConsumer(
        db_url=db_url,
        amqp_url=AMQP_URL,
        topology=topology,
        metrics=metrics,
        settings=IngestSettings(batch_size=batch_size, prefetch=prefetch,
                                   accept_unregistered=True),  # guest, no registered till
    )
    stop = threading.Event()
    thread = threading.Thread(target=consumer.run, args=(stop,), daemon=True)
    cpu_before = process_cpu()
    started = time.perf_counter()
    thread.start()
    consumer.ready.wait(30)
    pids = ingest_backend_pids(db_url)
    server_before = backends_cpu(pids)
    while (
        metrics.registry.get_sample_value(
            "pos_central_events_ingested_total", {"type": "sale.completed"}
        )
        or 0
    ) < count:
        time.sleep(0.01)
        if time.perf_counter() - started > 600:
            raise RuntimeError("ingest did not finish in 10 minutes")
    elapsed = time.perf_counter() - started
    server_after = backends_cpu(pids)
    client = process_cpu() - cpu_before
    stop.set()
    thread.join(timeout=60)
    server = None if server_before is None or server_after is None else server_after - server_before
    return {
        "seconds": round(elapsed, 3),
        "events_per_s": round(count / elapsed),
        **cpu_figures(count, client, server),
        "batches": len(timer.samples),
        "batch_latency": summarize(timer.samples),
    }


def _consumer_process(
    db_url: str,
    prefix: str,
    batch_size: int,
    prefetch: int,
    ready: Any,
    go: Any,
    stop: Any,
    samples: Any,
) -> None:
    """One ingest process of ``--consumers N`` (spawned: nothing shared with the parent)."""
    with open(os.devnull, "w", encoding="utf-8") as devnull:
        configure_logging(INGEST_SERVICE, logging.INFO, stream=devnull)
        metrics = IngestMetrics()
        timer = BatchTimer()
        metrics.batch_seconds = timer  # type: ignore[assignment]
        consumer = IngestConsumer(
            db_url=db_url,
            amqp_url=AMQP_URL,
            topology=Topology(prefix=prefix),
            metrics=metrics,
            settings=IngestSettings(batch_size=batch_size, prefetch=prefetch,
                                   accept_unregistered=True),  # guest, no registered till
        )
        ready.set()  # imported and built: the start-up is not part of the measurement
        go.wait()
        cpu_before = process_cpu()
        local_stop = threading.Event()
        thread = threading.Thread(target=consumer.run, args=(local_stop,), daemon=True)
        thread.start()
        stop.wait()
        local_stop.set()
        thread.join(timeout=60)
        samples.put((timer.samples, process_cpu() - cpu_before))


class ProcessGroup:
    """``count`` spawned processes running ``target(*args, ready, go, stop, out)``: each sets
    ``ready`` once imported and connected-ready, starts at ``go``, ends at ``stop`` and
    puts (batch latencies, its CPU seconds) on ``out``."""

    def __init__(self, count: int, target: Callable[..., None], *args: Any) -> None:
        context = multiprocessing.get_context("spawn")
        self.go, self.stop = context.Event(), context.Event()
        self.out: Any = context.Queue()
        readies = [context.Event() for _ in range(count)]
        self.processes = [
            context.Process(
                target=target, args=(*args, ready, self.go, self.stop, self.out), daemon=True
            )
            for ready in readies
        ]
        for process in self.processes:
            process.start()
        for ready in readies:
            ready.wait(60)

    def wait_rows(self, db_url: str, table: str, count: int, started: float) -> None:
        """Poll ``table`` until it has ``count`` rows (10 minutes at most)."""
        with psycopg.connect(db_url.replace("+psycopg", ""), autocommit=True) as db:
            while True:
                row = db.execute(f"SELECT count(*) FROM {table}").fetchone()
                if row is not None and row[0] >= count:
                    return
                time.sleep(0.05)
                if time.perf_counter() - started > 600:
                    raise RuntimeError(f"{table} did not reach {count} rows in 10 minutes")

    def finish(self) -> tuple[list[float], float]:
        """Stop them all; their batch latencies and their CPU seconds, summed."""
        self.stop.set()
        samples: list[float] = []
        client = 0.0
        for _ in self.processes:
            theirs, their_cpu = self.out.get(timeout=60)
            samples += theirs
            client += their_cpu
        for process in self.processes:
            process.join(timeout=60)
        return samples, client


def run_ingest_processes(
    db_url: str, topology: Topology, count: int, batch_size: int, prefetch: int, consumers: int
) -> dict[str, Any]:
    """``consumers`` ingest processes on the same queue; done when PostgreSQL has them all."""
    group = ProcessGroup(
        consumers, _consumer_process, db_url, topology.prefix, batch_size, prefetch
    )
    started = time.perf_counter()
    group.go.set()
    pids: list[int] = []
    while len(pids) < consumers and time.perf_counter() - started < 30:
        pids = ingest_backend_pids(db_url)
    server_before = backends_cpu(pids)
    group.wait_rows(db_url, "processed_events", count, started)
    elapsed = time.perf_counter() - started
    server_after = backends_cpu(pids)
    batch_samples, client = group.finish()
    server = None if server_before is None or server_after is None else server_after - server_before
    return {
        "consumers": consumers,
        "seconds": round(elapsed, 3),
        "events_per_s": round(count / elapsed),
        **cpu_figures(count, client, server),
        "batches": len(batch_samples),
        "batch_latency": summarize(batch_samples),
    }


def raw_consume(
    db_url: str,
    queue: str,
    batch_size: int,
    prefetch: int,
    finished: Callable[[int], bool],
    on_connected: Callable[[int], None] = lambda _pid: None,
) -> list[float]:
    """Same transport, no business logic: pika batches -> COPY raw JSON -> commit -> ack,
    until ``finished(messages consumed)``. Returns the batch latencies."""
    samples: list[float] = []
    done = 0
    connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
    channel = connection.channel()
    channel.basic_qos(prefetch_count=prefetch)
    pending: list[tuple[int, str, bytes]] = []
    channel.basic_consume(
        queue,
        lambda _c, method, props, body: pending.append(
            (method.delivery_tag, props.message_id, body)
        ),
    )
    with psycopg.connect(db_url.replace("+psycopg", "")) as db:
        on_connected(db.info.backend_pid)
        while not finished(done):
            deadline = None
            while len(pending) < batch_size:
                now = time.monotonic()
                deadline = deadline or now + 0.05
                if now >= deadline:
                    break
                connection.process_data_events(time_limit=max(0.0, deadline - now))
            batch, pending[:] = pending[:batch_size], pending[batch_size:]
            if not batch:
                continue
            t0 = time.perf_counter()
            with (
                db.cursor() as cursor,
                cursor.copy("COPY raw_events (message_id, body) FROM STDIN") as copy,
            ):
                for _tag, message_id, body in batch:
                    copy.write_row((message_id, body.decode()))
            db.commit()
            channel.basic_ack(batch[-1][0], multiple=True)
            samples.append(time.perf_counter() - t0)
            done += len(batch)
    connection.close()
    return samples


def run_raw_baseline(
    db_url: str, queue: str, count: int, batch_size: int, prefetch: int
) -> dict[str, Any]:
    """One plain consumer in this process."""
    pids: list[int] = []
    cpu_before = process_cpu()
    started = time.perf_counter()
    server_before: list[float | None] = []

    def connected(pid: int) -> None:
        pids.append(pid)
        server_before.append(backend_cpu(pid))

    samples = raw_consume(
        db_url, queue, batch_size, prefetch, lambda done: done >= count, connected
    )
    elapsed = time.perf_counter() - started
    client = process_cpu() - cpu_before
    after = backend_cpu(pids[0])
    server = None if server_before[0] is None or after is None else after - server_before[0]
    return {
        "consumers": 1,
        "seconds": round(elapsed, 3),
        "events_per_s": round(count / elapsed),
        **cpu_figures(count, client, server),
        "batches": len(samples),
        "batch_latency": summarize(samples),
    }


def _raw_process(
    db_url: str,
    queue: str,
    batch_size: int,
    prefetch: int,
    ready: Any,
    go: Any,
    stop: Any,
    out: Any,
) -> None:
    ready.set()
    go.wait()
    cpu_before = process_cpu()
    samples = raw_consume(db_url, queue, batch_size, prefetch, lambda _done: stop.is_set())
    out.put((samples, process_cpu() - cpu_before))


def run_raw_processes(
    db_url: str, queue: str, count: int, batch_size: int, prefetch: int, consumers: int
) -> dict[str, Any]:
    """``consumers`` plain consumers, each in its own process, as the ingest is compared."""
    group = ProcessGroup(consumers, _raw_process, db_url, queue, batch_size, prefetch)
    started = time.perf_counter()
    group.go.set()
    group.wait_rows(db_url, "raw_events", count, started)
    elapsed = time.perf_counter() - started
    samples, client = group.finish()
    return {
        "consumers": consumers,
        "seconds": round(elapsed, 3),
        "events_per_s": round(count / elapsed),
        **cpu_figures(count, client, None),
        "batches": len(samples),
        "batch_latency": summarize(samples),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--batch-size", type=int, default=IngestSettings.batch_size)
    parser.add_argument(
        "--prefetch",
        type=int,
        default=IngestSettings.prefetch,
        help="for the ingest and the raw baseline alike",
    )
    parser.add_argument(
        "--consumers", type=int, default=1, help="ingest processes on the same queue"
    )
    parser.add_argument(
        "--checks", type=int, metavar="ROUNDS", help="checks on vs off, ROUNDS of each"
    )
    parser.add_argument(
        "--cluster", action="store_true", help="single node vs a three-node cluster"
    )
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args(argv)
    # Production logs one JSON line per applied sale; keep that cost, drop the output.
    with open(os.devnull, "w", encoding="utf-8") as devnull:
        configure_logging(INGEST_SERVICE, logging.INFO, stream=devnull)
        if args.checks or args.cluster:
            result = _compare(args)
        else:
            result = _measure(args.events, args.batch_size, args.consumers, args.prefetch)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


def _compare(args: argparse.Namespace) -> dict[str, Any]:
    import tempfile

    from benchmarks.ingest_checks import compare_checks, compare_cluster

    events = make_events(args.events)
    settings = IngestSettings(batch_size=args.batch_size, prefetch=args.prefetch)
    result: dict[str, Any] = {"benchmark": "central ingest: same-run comparisons"}

    def as_tills(channel: Any, topology: Topology, db_url: str, batch: Any) -> None:
        with till_connections(db_url, topology) as tills:  # registered: identity is checked
            prepublish(channel, topology.events_exchange, "sale.completed",
                       topology.ingest_queue, batch, tills)

    def as_guest(channel: Any, exchange: str, queue: str, batch: Any) -> None:
        prepublish(channel, exchange, "sale.completed", queue, batch)

    if args.checks:
        result["checks"] = compare_checks(PG_ADMIN_URL, AMQP_URL, events, settings,
                                          args.checks, as_tills)
    if args.cluster:
        with tempfile.TemporaryDirectory(prefix="bench-rmq-") as folder:
            result["cluster"] = compare_cluster(
                PG_ADMIN_URL, AMQP_URL, events,
                IngestSettings(batch_size=args.batch_size, prefetch=args.prefetch,
                               accept_unregistered=True),
                as_guest, Path(folder),
            )
    load = os.getloadavg()
    result["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(),
                         "load_average_1m_after": round(load[0], 2)}
    return result


def _measure(
    count: int, batch_size: int, consumers: int = 1, prefetch: int = IngestSettings.prefetch
) -> dict[str, Any]:
    suffix = uuid.uuid4().hex[:10]
    database = f"pos_bench_{suffix}"
    topology = Topology(prefix=f"bench-{suffix}.")
    raw_queue = f"bench-{suffix}.raw"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    db_url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{database}"
    connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
    channel = connection.channel()
    try:
        migrate(db_url)
        declare_topology(channel, topology)
        channel.queue_declare(raw_queue, durable=True, arguments={"x-queue-type": "quorum"})
        events = make_events(count)
        lines = [len(json.loads(body)["payload"]["lines"]) for _, _, body in events]
        with till_connections(db_url, topology) as tills:
            prepublish(
                channel,
                topology.events_exchange,
                "sale.completed",
                topology.ingest_queue,
                events,
                tills,
            )
        prepublish(channel, "", raw_queue, raw_queue, events)
        with psycopg.connect(db_url.replace("+psycopg", ""), autocommit=True) as db:
            db.execute("CREATE TABLE raw_events (message_id text, body jsonb)")
        raw = run_raw_baseline(db_url, raw_queue, count, batch_size, prefetch)
        raw_same: dict[str, Any] | None = None
        if consumers > 1:  # the same number of plain consumers, from the same backlog again
            with psycopg.connect(db_url.replace("+psycopg", ""), autocommit=True) as db:
                db.execute("TRUNCATE raw_events")
            prepublish(channel, "", raw_queue, raw_queue, events)
            raw_same = run_raw_processes(db_url, raw_queue, count, batch_size, prefetch, consumers)
        if consumers > 1:
            ingest = run_ingest_processes(db_url, topology, count, batch_size, prefetch, consumers)
        else:
            ingest = run_ingest(db_url, topology, count, batch_size, prefetch)
        with psycopg.connect(db_url) as db:
            stored = db.execute("SELECT count(*) FROM sales").fetchone()
        if stored is None or stored[0] != count:
            raise RuntimeError(f"expected {count} sales in PostgreSQL, found {stored}")
    finally:
        queues = [topology.till_catalog_queue("S001", f"T{n:02d}") for n in range(1, TERMINALS + 1)]
        delete_topology(channel, topology, [raw_queue, *queues])
        connection.close()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    ratio = ingest["events_per_s"] / raw["events_per_s"]
    load = os.getloadavg()
    return {
        "benchmark": "central ingest",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_1m_after": round(load[0], 2),
        },
        "events": count,
        "terminals": TERMINALS,
        "lines_per_sale": {
            "min": min(lines),
            "max": max(lines),
            "mean": round(sum(lines) / len(lines), 2),
        },
        "batch_size": batch_size,
        "prefetch": prefetch,
        "consumers": consumers,
        "ingest": ingest,
        "raw_baseline": {
            **raw,
            "what": "pika + COPY of the raw JSON into a jsonb column, no validation",
        },
        "ingest_vs_raw": round(ratio, 3),
        **(
            {}
            if raw_same is None
            else {
                "raw_baseline_same_consumers": raw_same,
                "ingest_vs_raw_same_consumers": round(
                    ingest["events_per_s"] / raw_same["events_per_s"], 3
                ),
            }
        ),
        "budget": {"min_events_per_s": 5000, "min_ratio_to_raw": 0.5},
        "within_budget": ingest["events_per_s"] >= 5000 and ratio >= 0.5,
    }


if __name__ == "__main__":
    raise SystemExit(main())
