"""Till → RabbitMQ → central ingest → PostgreSQL: a 20,000-sale backlog at one till.

A till sells ``--sales`` realistic sales (1-12 lines, through the register) while offline,
then, against the real RabbitMQ and PostgreSQL on loopback:

1. publisher alone: ``pos-desktop sync push``'s drain (outbox → broker, confirmed and
   marked sent), nobody consuming;
2. ingest alone: central's ingest consumes that queue into PostgreSQL;
3. end to end: publisher and ingest together, from the same backlog (outbox reset to
   pending, fresh database), sale commit → row in PostgreSQL;
4. raw baseline in the same run: plain pika pipelined publish (confirm window, no
   database) and a plain consumer doing a batched insert (COPY of the raw JSON, no
   validation, no business logic), alone and together;

The ingest runs in its own process, as deployed (head office never shares an interpreter
with a till), and so does the raw consumer it is compared with. Everything shares this
machine's cores: till, publisher, RabbitMQ, PostgreSQL and the ingest.
5. online latency: the till's publisher thread running and the ingest running, sales
   made one after another; sale commit → PostgreSQL ``processed_events.processed_at``.

    python -m benchmarks.bench_sync [--sales 20000] [--online 300] [--out FILE]

Budgets (issue 4): publisher ≥ 5,000 events/s, ingest ≥ 5,000 events/s, end to end
≥ 3,000 sales/s and ≥ half of the raw baseline; online commit-to-PostgreSQL p99 ≤ 1.5 s.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import platform
import random
import shutil
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pika
import psycopg
from pika.adapters.select_connection import SelectConnection
from sqlalchemy import select, text, update

from benchmarks.stats import summarize
from pos_central.database import migrate
from pos_central.ingest.consumer import IngestConsumer, IngestSettings
from pos_central.logs import INGEST_SERVICE, configure_logging
from pos_central.topology import Topology, declare_topology, delete_topology
from pos_desktop.app import Till
from pos_desktop.logs import setup_logging
from pos_desktop.services.simulation import simulate, simulate_sale
from pos_desktop.store.outbox import OutboxQueue
from pos_desktop.store.tables import outbox, products
from pos_desktop.sync.backoff import Backoff
from pos_desktop.sync.publisher import OutboxPublisher
from pos_desktop.sync.settings import SyncSettings

AMQP_URL = os.environ.get("POS_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
PG_ADMIN_URL = os.environ.get("POS_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
BENCH_TILL = ("S001", "T01")  # the demo till's store and terminal (its catalogue queue)


# -- scaffolding ---------------------------------------------------------------------------
@dataclass
class Central:
    db_url: str
    topology: Topology


@contextmanager
def central() -> Iterator[Central]:
    """A fresh migrated database and a private topology, removed afterwards."""
    suffix = uuid.uuid4().hex[:10]
    database = f"pos_bench_sync_{suffix}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    db_url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{database}"
    topology = Topology(prefix=f"bench-sync-{suffix}.")
    with pika.BlockingConnection(pika.URLParameters(AMQP_URL)) as conn:
        declare_topology(conn.channel(), topology)
    try:
        migrate(db_url)
        yield Central(db_url, topology)
    finally:
        with pika.BlockingConnection(pika.URLParameters(AMQP_URL)) as conn:
            # the till's catalogue queue too: its listener declares it when sync starts
            delete_topology(conn.channel(), topology,
                            [topology.till_catalog_queue(*BENCH_TILL)])
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def count(db_url: str, sql: str) -> int:
    with psycopg.connect(db_url) as db:
        row = db.execute(sql).fetchone()
    return int(row[0]) if row else 0


def wait_rows(db_url: str, sql: str, target: int, timeout: float = 600.0) -> float:
    """Seconds until ``sql`` counts ``target`` rows (polled every 10 ms)."""
    started = time.perf_counter()
    with psycopg.connect(db_url, autocommit=True) as db:
        while True:
            row = db.execute(sql).fetchone()
            if row and int(row[0]) >= target:
                return time.perf_counter() - started
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"only {row} of {target} rows after {timeout} s")
            time.sleep(0.01)


def _ingest_process(db_url: str, prefix: str, ready: Any, go: Any, stop: Any) -> None:
    """Central's ingest, alone in its process (spawned: nothing shared with the till)."""
    with open(os.devnull, "w", encoding="utf-8") as devnull:
        # Production logs one JSON line per applied event; keep that cost, drop the output.
        configure_logging(INGEST_SERVICE, logging.INFO, stream=devnull)
        consumer = IngestConsumer(
            db_url=db_url, amqp_url=AMQP_URL, topology=Topology(prefix=prefix),
            # a lab: the bench publishes as the broker's guest user, no registered till
            settings=IngestSettings(accept_unregistered=True),
        )
        ready.set()  # imported and built: start-up is not part of any measurement
        go.wait()
        local_stop = threading.Event()
        thread = threading.Thread(target=consumer.run, args=(local_stop,), daemon=True)
        thread.start()
        stop.wait()
        local_stop.set()
        thread.join(60)


class RunningIngest:
    """``pos-central ingest`` in its own process, as deployed: the till and head office never
    share an interpreter (or a GIL). Consuming starts when the block is entered."""

    def __init__(self, c: Central) -> None:
        context = multiprocessing.get_context("spawn")
        self.ready, self.go, self.stop = context.Event(), context.Event(), context.Event()
        self.process = context.Process(
            target=_ingest_process,
            args=(c.db_url, c.topology.prefix, self.ready, self.go, self.stop),
            daemon=True,
        )
        self.process.start()
        if not self.ready.wait(60):
            raise RuntimeError("the ingest process did not start")

    def __enter__(self) -> RunningIngest:
        self.go.set()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.process.join(60)


def publisher_for(till: Till, c: Central, **changes: Any) -> OutboxPublisher:
    settings = SyncSettings(store_id=till.identity.store_id, terminal_id=till.identity.terminal_id,
                            amqp_url=AMQP_URL, central_url="", prefix=c.topology.prefix,
                            **changes)
    queue = OutboxQueue(till.reader, till.writer, settings.store_id, settings.terminal_id)
    return OutboxPublisher(settings, queue, backoff=Backoff(base=0.1, cap=1.0))


def reset_outbox(till: Till) -> None:
    with till.writer.begin() as conn:
        conn.execute(update(outbox).values(status="pending", sent_at=None, attempts=0))


def catalog_of(till: Till) -> list[Any]:
    with till.uow() as uow:
        skus = list(uow.conn.execute(select(products.c.sku).where(products.c.active == 1)).scalars())
        return [p for p in (uow.catalog.by_sku(s) for s in skus) if p is not None]


# -- the raw baseline ----------------------------------------------------------------------
def raw_publish(exchange: str, messages: list[tuple[str, str, bytes]], window: int = 5000) -> float:
    """Plain pika, pipelined: publish with a confirm window, no database. Seconds taken."""
    state: dict[str, Any] = {"next": 0, "tag": 0, "acked": 0, "t0": 0.0, "t1": 0.0}
    inflight: OrderedDict[int, None] = OrderedDict()

    def pump(channel: Any) -> None:
        while len(inflight) < window and state["next"] < len(messages):
            event_id, key, body = messages[state["next"]]
            channel.basic_publish(exchange, key, body, pika.BasicProperties(
                delivery_mode=2, message_id=event_id, content_type="application/json"))
            state["next"] += 1
            state["tag"] += 1
            inflight[state["tag"]] = None

    def on_confirm(frame: Any) -> None:
        tag, multiple = frame.method.delivery_tag, frame.method.multiple
        while inflight and (next(iter(inflight)) <= tag if multiple else tag in inflight):
            if multiple:
                inflight.popitem(last=False)
            else:
                inflight.pop(tag)
            state["acked"] += 1
        if state["acked"] == len(messages):
            state["t1"] = time.perf_counter()
            conn.close()
        else:
            pump(channel_ref[0])

    channel_ref: list[Any] = []

    def on_channel(channel: Any) -> None:
        channel_ref.append(channel)
        state["t0"] = time.perf_counter()
        channel.confirm_delivery(on_confirm, callback=lambda _f: pump(channel))

    conn = SelectConnection(pika.URLParameters(AMQP_URL),
                            on_open_callback=lambda c: c.channel(on_open_callback=on_channel),
                            on_close_callback=lambda c, _r: c.ioloop.stop())
    conn.ioloop.start()
    return float(state["t1"] - state["t0"])


class RawConsumer:
    """Plain pika consumer + batched COPY of the raw JSON, commit, one multiple ack."""

    def __init__(
        self,
        db_url: str,
        queue: str,
        batch_size: int = IngestSettings.batch_size,
        prefetch: int = IngestSettings.prefetch,
    ) -> None:
        with psycopg.connect(db_url, autocommit=True) as db:
            db.execute("CREATE TABLE IF NOT EXISTS raw_events (message_id text, body jsonb)")
        self.db = psycopg.connect(db_url)
        self.connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
        self.channel = self.connection.channel()
        self.channel.basic_qos(prefetch_count=prefetch)  # as the ingest's
        self.batch_size = batch_size
        self.queue = queue

    def run(self, total: int) -> float:
        """Consume ``total`` messages; seconds taken."""
        pending: list[tuple[int, str, bytes]] = []
        self.channel.basic_consume(
            self.queue, lambda _c, m, p, b: pending.append((m.delivery_tag, p.message_id, b))
        )
        done = 0
        started = time.perf_counter()
        while done < total:
            deadline = time.monotonic() + 0.05
            while len(pending) < self.batch_size and (not pending or time.monotonic() < deadline):
                self.connection.process_data_events(time_limit=0.01)
            batch, pending[:] = pending[: self.batch_size], pending[self.batch_size :]
            with (
                self.db.cursor() as cur,
                cur.copy("COPY raw_events (message_id, body) FROM STDIN") as cp,
            ):
                for _tag, message_id, body in batch:
                    cp.write_row((message_id, body.decode()))
            self.db.commit()
            self.channel.basic_ack(batch[-1][0], multiple=True)
            done += len(batch)
        elapsed = time.perf_counter() - started
        self.connection.close()
        self.db.close()
        return elapsed


def _raw_consumer_process(
    db_url: str, queue: str, total: int, ready: Any, go: Any, out: Any
) -> None:
    consumer = RawConsumer(db_url, queue)  # connected before the clock starts
    ready.set()
    go.wait()
    out.put(consumer.run(total))


class RawConsumerProcess:
    """The raw consumer in its own process, exactly like the ingest it is compared with."""

    def __init__(self, db_url: str, queue: str, total: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.ready, self.go, self.out = context.Event(), context.Event(), context.Queue()
        self.process = context.Process(
            target=_raw_consumer_process,
            args=(db_url, queue, total, self.ready, self.go, self.out),
            daemon=True,
        )
        self.process.start()
        if not self.ready.wait(60):
            raise RuntimeError("the raw consumer process did not start")

    def start(self) -> None:
        self.go.set()

    def seconds(self) -> float:
        elapsed = float(self.out.get(timeout=600))
        self.process.join(60)
        return elapsed


def raw_queue(c: Central) -> str:
    name = c.topology.prefix + "raw"
    with pika.BlockingConnection(pika.URLParameters(AMQP_URL)) as conn:
        ch = conn.channel()
        ch.exchange_declare(name, "topic", durable=True)
        ch.queue_declare(name, durable=True, arguments={"x-queue-type": "quorum"})
        ch.queue_bind(name, name, "#")
    return name


def drop_raw(name: str) -> None:
    with pika.BlockingConnection(pika.URLParameters(AMQP_URL)) as conn:
        ch = conn.channel()
        ch.queue_delete(name)
        ch.exchange_delete(name)


# -- the measurement -----------------------------------------------------------------------
def measure(sales: int, online: int, seed: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))  # removed at the end, as the queues
    setup_logging("pos-desktop", log_dir=work / "logs", stderr=False)  # production's logging
    till = Till.open(work / "till", demo=True)
    try:
        t0 = time.perf_counter()
        simulate(till.register, catalog_of(till), sales, seed=seed)
        made_in = time.perf_counter() - t0
        with till.reader.connect() as conn:
            events = int(conn.execute(text("SELECT count(*) FROM outbox")).scalar_one())
            lines = [len(json.loads(p)["lines"]) for p in conn.execute(
                text("SELECT payload FROM sales")).scalars()]
            messages = [(str(e), str(t), str(b).encode()) for e, t, b in conn.execute(
                select(outbox.c.event_id, outbox.c.type, outbox.c.envelope).order_by(outbox.c.seq))]
        result: dict[str, Any] = {
            "benchmark": "till sync (publisher, ingest, end to end, online latency)",
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "backlog": {"sales": sales, "events": events, "made_in_s": round(made_in, 1),
                        "lines_per_sale": {"min": min(lines), "max": max(lines),
                                           "mean": round(sum(lines) / len(lines), 2)}},
        }
        print(f"backlog ready: {sales} sales, {events} events in {made_in:.0f} s", flush=True)

        with central() as c:  # 1 publisher alone, then 2 ingest alone
            publisher = publisher_for(till, c)
            t0 = time.perf_counter()
            drained = publisher.drain(timeout=600)
            pub_s = time.perf_counter() - t0
            if not drained.complete or drained.confirmed != events:
                raise RuntimeError(f"publisher did not drain the backlog: {drained}")
            result["publisher"] = {"seconds": round(pub_s, 3), "events_per_s": round(events / pub_s),
                                   "max_in_flight": publisher.max_in_flight}
            print("publisher:", result["publisher"], flush=True)
            with RunningIngest(c):
                ingest_s = wait_rows(c.db_url, "SELECT count(*) FROM processed_events", events)
            result["ingest"] = {"seconds": round(ingest_s, 3),
                                "events_per_s": round(events / ingest_s)}
            print("ingest:", result["ingest"], flush=True)

        reset_outbox(till)
        with central() as c, RunningIngest(c):  # 3 end to end
            time.sleep(0.5)  # the ingest is connected and idle
            publisher = publisher_for(till, c)
            t0 = time.perf_counter()
            drainer = threading.Thread(target=publisher.drain, kwargs={"timeout": 600})
            drainer.start()
            wait_rows(c.db_url, "SELECT count(*) FROM processed_events", events)
            e2e_s = time.perf_counter() - t0
            drainer.join()
            assert count(c.db_url, "SELECT count(*) FROM sales") == sales
            result["end_to_end"] = {"seconds": round(e2e_s, 3), "sales_per_s": round(sales / e2e_s),
                                    "events_per_s": round(events / e2e_s)}
            print("end to end:", result["end_to_end"], flush=True)

        with central() as c:  # 4 raw baseline: alone, then together
            queue = raw_queue(c)
            try:
                raw_pub = raw_publish(queue, messages)
                alone = RawConsumerProcess(c.db_url, queue, len(messages))
                alone.start()
                raw_con = alone.seconds()
                with psycopg.connect(c.db_url, autocommit=True) as db:
                    db.execute("TRUNCATE raw_events")
                together = RawConsumerProcess(c.db_url, queue, len(messages))
                time.sleep(0.5)  # connected and idle, as the ingest is in phase 3
                t0 = time.perf_counter()
                together.start()
                raw_publish(queue, messages)
                together.seconds()
                raw_e2e = time.perf_counter() - t0
            finally:
                drop_raw(queue)
        result["raw_baseline"] = {
            "what": "pika SelectConnection pipelined publish (window 5000, as ours; no DB); pika consumer "
                    "in its own process (as the ingest is) "
                    f"+ COPY of raw JSON in batches of {IngestSettings.batch_size} with prefetch "
            f"{IngestSettings.prefetch}, as the ingest (no validation, no business logic)",
            "publish_events_per_s": round(events / raw_pub),
            "consume_events_per_s": round(events / raw_con),
            "end_to_end_seconds": round(raw_e2e, 3),
            "end_to_end_sales_per_s": round(sales / raw_e2e),
        }
        print("raw:", result["raw_baseline"], flush=True)

        result["online"] = online_latency(till, online, seed)
        print("online:", result["online"], flush=True)
    finally:
        till.close()
        shutil.rmtree(work, ignore_errors=True)
    e2e, raw = result["end_to_end"]["sales_per_s"], result["raw_baseline"]["end_to_end_sales_per_s"]
    result["end_to_end_vs_raw"] = round(e2e / raw, 3)
    result["budget"] = {"publisher_events_per_s": 5000, "ingest_events_per_s": 5000,
                        "end_to_end_sales_per_s": 3000, "end_to_end_vs_raw": 0.5,
                        "online_p99_ms": 1500}
    result["within_budget"] = {
        "publisher": result["publisher"]["events_per_s"] >= 5000,
        "ingest": result["ingest"]["events_per_s"] >= 5000,
        "end_to_end": e2e >= 3000,
        "end_to_end_vs_raw": e2e / raw >= 0.5,
        "online_p99": result["online"]["latency"]["p99_ms"] <= 1500,
    }
    return result


def online_latency(till: Till, n: int, seed: int) -> dict[str, Any]:
    """Sales one after another with the publisher thread and the ingest running."""
    with central() as c, RunningIngest(c):
        with till.writer.begin() as conn:  # the backlog is not part of this measure
            conn.execute(update(outbox).values(status="sent"))
        with till.uow() as uow:
            uow.settings.set("sync.amqp_url", AMQP_URL)
            uow.settings.set("sync.prefix", c.topology.prefix)
            uow.settings.set("sync.enabled", True)
            uow.commit()
        till.start_sync()
        try:
            rng = random.Random(seed)
            catalog = [p for p in catalog_of(till) if p.active]
            committed: dict[str, float] = {}
            for _ in range(n):
                done = simulate_sale(till.register, catalog, rng)
                committed[done.payload["sale_id"]] = datetime.now(UTC).timestamp()
                time.sleep(rng.uniform(0.0, 0.05))  # a busy till, not a loop
            wait_rows(c.db_url, "SELECT count(*) FROM sales", n, timeout=60)
            with psycopg.connect(c.db_url) as db:
                rows = db.execute(
                    "SELECT s.sale_id::text, extract(epoch FROM p.processed_at) "
                    "FROM sales s JOIN processed_events p USING (event_id)").fetchall()
        finally:
            till.stop_sync()
            till.sync = None
            till.after_commit.clear()
    latencies = [float(applied) - committed[sale_id] for sale_id, applied in rows]
    return {"sales": n, "latency": summarize(latencies),
            "what": "sale commit at the till → processed_at of its event in PostgreSQL"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sales", type=int, default=20_000)
    parser.add_argument("--online", type=int, default=300, help="sales for the latency measure")
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args(argv)
    with open(os.devnull, "w", encoding="utf-8") as devnull:
        configure_logging(INGEST_SERVICE, logging.INFO, stream=devnull)
        result = measure(args.sales, args.online, args.seed)
    out = json.dumps(result, indent=2)
    print(out)
    if args.out:
        args.out.write_text(out + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
