"""Several ingest processes on the same queue: how the ingest uses more than one core.

Python runs one thread of Python at a time, and the ingest's decoding and checking is
Python; a second process on a second core nearly doubles what one machine ingests
(``benchmarks/bench_ingest --consumers 2``). Exactly-once does not depend on how many
run: ``processed_events`` decides inside each batch's transaction. Each batch inserts its
events in event_id order and locks terminals' progress rows in sorted order, so two
batches holding the same events wait for each other rather than deadlock; were
PostgreSQL to report one anyway, it is handled as an outage (nothing acked, retried).

The parent only supervises: it starts the workers, passes on a stop request, and if a
worker dies it stops the others and exits non-zero, so the service manager restarts the
whole ingest (what a worker held unacked goes back to the queue either way).
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
from collections.abc import Callable

log = logging.getLogger("pos_central.ingest")

Worker = Callable[[threading.Event, int], int]
"""Runs one ingest until the event is set; gets its worker number (0, 1, ...)."""


def run_workers(count: int, worker: Worker, stop: threading.Event) -> int:
    """Run ``worker`` in ``count`` processes until ``stop`` is set or one of them fails.
    Exit code: 0 after a requested stop with every worker done cleanly, else 1."""
    context = multiprocessing.get_context("spawn")  # no inherited threads or connections
    processes = [
        context.Process(
            target=_worker_main,
            args=(worker, number),
            name=f"pos-central-ingest-{number}",
        )
        for number in range(count)
    ]
    for process in processes:
        process.start()
    log.info("ingesta en varios procesos", extra={"workers": count})
    failed = None
    while not stop.is_set() and failed is None:
        failed = next((p for p in processes if not p.is_alive()), None)
        stop.wait(0.5)
    if failed is not None:
        log.error(
            "un proceso de la ingesta terminó; se detienen los demás",
            extra={"worker": failed.name, "exit_code": failed.exitcode},
        )
    # SIGTERM, not a shared multiprocessing.Event: setting one whose waiter was killed
    # blocks forever (its Condition waits for every sleeper to wake).
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(90)  # each finishes and acks the batch in hand
        if process.is_alive():
            process.kill()
            process.join()
    # A worker still starting when the stop came (its handler not yet installed: nothing
    # consumed) ends by the SIGTERM itself; that is a clean stop too.
    done = (0, -signal.SIGTERM) if failed is None else (0,)
    clean = all(process.exitcode in done for process in processes)
    return 0 if failed is None and clean else 1


def _worker_main(worker: Worker, number: int) -> None:
    stop = threading.Event()

    def on_signal(_signum: int, _frame: object) -> None:
        stop.set()  # the same stop as the parent's: finish the batch, exit 0

    # From the parent, or from a terminal's Ctrl+C / a service manager's SIGTERM, which
    # reach every process of the group.
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    raise SystemExit(worker(stop, number))
