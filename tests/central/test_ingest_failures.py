"""Crashes and outages never lose an event, never apply one twice, never dead-letter a
good one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from pos_central.ingest.consumer import IngestHooks
from pos_contracts.testing import SimulatedTerminal
from tests.support.tcp_proxy import TcpProxy

from .conftest import Broker, running_ingest, scalar, wait_until

pytestmark = pytest.mark.services
ROOT = Path(__file__).parents[2]


def ingest_command(db_url: str, broker: Broker, *options: str) -> list[str]:
    """``pos-central ingest`` on this test's database and topology (events published as
    guest: --accept-unregistered)."""
    return [
        *(sys.executable, "-m", "pos_central.cli", "ingest", "--accept-unregistered", *options),
        *("--db-url", db_url, "--amqp-url", broker.url, "--prefix", broker.topology.prefix),
    ]


def through(proxy: TcpProxy, db_url: str) -> str:
    parts = urlsplit(db_url)
    return urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy.port}"))


def test_postgres_unreachable_during_ingest_dead_letters_nothing_and_applies_all_later(
    central_db: str, broker: Broker
) -> None:
    till = SimulatedTerminal(seed=21)
    events = [till.sale() for _ in range(150)]
    with TcpProxy("127.0.0.1", 5432) as proxy:
        batches: list[int] = []

        def cut_in_second_batch(batch: object) -> None:
            batches.append(1)
            if len(batches) == 2:  # PostgreSQL goes away after one commit, before the next
                proxy.down()

        broker.publish(events[:60])
        with running_ingest(
            through(proxy, central_db), broker, hooks=IngestHooks(before_commit=cut_in_second_batch)
        ) as ingest:
            wait_until(lambda: len(batches) >= 2, what="the outage")
            broker.publish(events[60:])
            wait_until(
                lambda: ingest.counter("pos_central_database_unavailable_total") >= 2,
                what="ingest retrying while PostgreSQL is away",
            )
            assert not ingest.consumer.ready.is_set()
            assert broker.depth(broker.topology.dead_letter_queue) == 0
            assert scalar(central_db, "SELECT count(*) FROM sales") < 150
            proxy.up()
            wait_until(
                lambda: scalar(central_db, "SELECT count(*) FROM sales") == 150, what="all sales"
            )
            wait_until(lambda: broker.depth(broker.topology.ingest_queue) == 0)
    assert scalar(central_db, "SELECT count(*) FROM processed_events") == 150
    assert scalar(central_db, "SELECT sum(total) FROM sales") == sum(
        e.payload["total"] for e in events
    )
    assert broker.dead_letters() == []


_CRASHING_INGEST = textwrap.dedent("""
    import os, signal, sys, threading
    from pos_central.ingest.consumer import IngestConsumer, IngestHooks, IngestSettings
    from pos_central.topology import Topology

    db_url, amqp_url, prefix, moment = sys.argv[1:5]

    def die(batch):
        if batch:
            os.kill(os.getpid(), signal.SIGKILL)

    IngestConsumer(db_url=db_url, amqp_url=amqp_url, topology=Topology(prefix),
                   hooks=IngestHooks(**{moment: die}),
                   settings=IngestSettings(batch_size=40, batch_wait=0.5,
                                           accept_unregistered=True)).run(threading.Event())
""")


@pytest.mark.parametrize(
    ("moment", "committed_before_crash"), [("before_commit", 0), ("after_commit", 40)]
)
def test_ingest_killed_around_its_commit_applies_every_event_exactly_once(
    central_db: str, broker: Broker, tmp_path: Path, moment: str, committed_before_crash: int
) -> None:
    till = SimulatedTerminal(seed=22)
    events = [till.sale() for _ in range(100)]
    broker.publish(events)
    wait_until(lambda: broker.depth(broker.topology.ingest_queue) == 100)
    script = tmp_path / "crashing_ingest.py"
    script.write_text(_CRASHING_INGEST, encoding="utf-8")
    crashed = subprocess.run(
        [sys.executable, str(script), central_db, broker.url, broker.topology.prefix, moment],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        timeout=120,
    )
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr.decode()[-2000:]
    assert scalar(central_db, "SELECT count(*) FROM sales") == committed_before_crash
    wait_until(
        lambda: broker.depth(broker.topology.ingest_queue) == 100,
        what="unacked batch back in the queue",
    )

    with running_ingest(central_db, broker) as ingest:
        wait_until(lambda: broker.depth(broker.topology.ingest_queue) == 0)
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM processed_events") == 100)
        wait_until(
            lambda: ingest.counter("pos_central_events_duplicate_total") == committed_before_crash
        )
    assert scalar(central_db, "SELECT sum(total) FROM sales") == sum(
        e.payload["total"] for e in events
    )
    assert scalar(central_db, "SELECT count(*) FROM sale_lines") == sum(
        len(e.payload["lines"]) for e in events
    )
    assert broker.dead_letters() == []


def test_a_stop_request_finishes_the_current_batch_then_returns(
    central_db: str, broker: Broker
) -> None:
    till = SimulatedTerminal(seed=23)
    broker.publish(till.sale() for _ in range(30))
    wait_until(lambda: broker.depth(broker.topology.ingest_queue) == 30)
    stop_requested = threading.Event()
    with running_ingest(
        central_db, broker, hooks=IngestHooks(before_commit=lambda batch: stop_requested.set())
    ) as ingest:
        # the hook stands for SIGTERM arriving while a batch is being applied
        wait_until(stop_requested.is_set)
        ingest.stop.set()
        ingest.thread.join(timeout=30)
        assert not ingest.thread.is_alive()
    assert scalar(central_db, "SELECT count(*) FROM sales") == 30
    assert broker.depth(broker.topology.ingest_queue) == 0


def test_the_ingest_command_exits_0_on_sigterm(central_db: str, broker: Broker) -> None:
    till = SimulatedTerminal(seed=24)
    events = [till.sale() for _ in range(20)]
    broker.publish(events)
    process = subprocess.Popen(
        ingest_command(central_db, broker),
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 20)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
    logs = process.stderr.read() if process.stderr else ""
    applied = [json.loads(line) for line in logs.splitlines() if '"venta registrada"' in line]
    assert {line["trace_id"] for line in applied} == {event.trace_id for event in events}
    assert {line["service"] for line in applied} == {"pos-central-ingest"}
    assert {(line["store_id"], line["terminal_id"]) for line in applied} == {("S001", "T01")}


def test_two_worker_processes_apply_every_event_once_and_stop_cleanly_on_sigterm(
    central_db: str, broker: Broker, tmp_path: Path
) -> None:
    tills = [SimulatedTerminal("S001", f"T0{n}", seed=30 + n) for n in range(1, 5)]
    made = {till.terminal_id: [till.sale() for _ in range(60)] for till in tills}
    events = [event for batch in zip(*made.values(), strict=True) for event in batch]
    broker.publish(events)
    broker.publish(events[::7])  # re-sent: must change nothing, whichever worker gets it
    log_file = (tmp_path / "ingest.log").open("w+", encoding="utf-8")  # not a pipe: ~80 kB
    process = subprocess.Popen(
        ingest_command(central_db, broker, "--workers", "2", "--batch-size", "20"),
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stderr=log_file,
    )
    try:
        wait_until(
            lambda: consumers_on(broker) == 2,
            what="two consumers on the ingest queue",
        )
        wait_until(lambda: broker.depth(broker.topology.ingest_queue) == 0, timeout=60)
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == len(events))
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert scalar(central_db, "SELECT count(*) FROM processed_events") == len(events)
    assert scalar(central_db, "SELECT sum(total) FROM sales") == sum(
        event.payload["total"] for event in events
    )
    assert (
        scalar(central_db, "SELECT sum(contiguous_seq) FROM terminal_progress WHERE gaps = '[]'")
        == 4 * 60
    )
    assert broker.dead_letters() == []
    log_file.seek(0)
    logs = log_file.read()
    log_file.close()
    assert "ingesta en varios procesos" in logs
    applied = [json.loads(line) for line in logs.splitlines() if '"venta registrada"' in line]
    assert len({line["trace_id"] for line in applied}) == len(events)


def consumers_on(broker: Broker) -> int:
    queue = broker.channel.queue_declare(broker.topology.ingest_queue, passive=True)
    return int(queue.method.consumer_count)


def workers_of(pid: int) -> list[int]:
    """The spawned worker processes of ``pid`` (not multiprocessing's resource tracker)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [
        int(child)
        for child in children
        if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()
    ]


def test_a_worker_that_dies_is_started_again_and_the_ingest_goes_on(
    central_db: str, broker: Broker, tmp_path: Path
) -> None:
    till = SimulatedTerminal(seed=44)
    events = [till.sale() for _ in range(60)]
    broker.publish(events[:30])
    log_path = tmp_path / "ingest.log"
    process = subprocess.Popen(
        ingest_command(central_db, broker, "--workers", "2"),
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stderr=log_path.open("w", encoding="utf-8"),
    )
    try:
        wait_until(lambda: len(workers_of(process.pid)) == 2, what="two workers")
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 30)
        first = workers_of(process.pid)
        os.kill(first[0], signal.SIGKILL)  # today: the whole ingest stopped, exit 1
        wait_until(
            lambda: len(set(workers_of(process.pid)) - set(first)) == 1
            and len(workers_of(process.pid)) == 2,
            what="the dead worker replaced",
        )
        assert process.poll() is None
        wait_until(lambda: consumers_on(broker) == 2, what="two consumers again")
        broker.publish(events[30:])
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 60)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert scalar(central_db, "SELECT count(*) FROM processed_events") == 60
    restarts = [
        json.loads(line)
        for line in log_path.read_text().splitlines()
        if "un proceso de la ingesta terminó; se lo reinicia" in line
    ]
    assert [r["exit_code"] for r in restarts] == [-signal.SIGKILL]
