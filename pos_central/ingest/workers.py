"""Several ingest processes on the same queue: how the ingest uses more than one core.

Python runs one thread of Python at a time, and the ingest's decoding and checking is
Python; a second process on a second core nearly doubles what one machine ingests
(``benchmarks/bench_ingest --consumers 2``). Exactly-once does not depend on how many
run: ``processed_events`` decides inside each batch's transaction. Each batch inserts its
events in event_id order and locks terminals' progress rows in sorted order, so two
batches holding the same events wait for each other rather than deadlock; were
PostgreSQL to report one anyway, it is handled as an outage (nothing acked, retried).

The parent only supervises: it starts the workers, passes on a stop request, and when a
worker dies (a crash, an OOM kill, a SIGKILL) it starts that worker again, after a pause
that doubles while it keeps dying (1 s up to 30 s; back to 1 s once a worker has run a
minute). What the dead worker held unacked goes back to the queue and is taken by the
others meanwhile; the ingest as a whole never stops for one worker.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.process
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pos_common.backoff import Backoff

log = logging.getLogger("pos_central.ingest")

RESTART_INITIAL = 1.0
RESTART_MAX = 30.0
STEADY_AFTER = 60.0
"""Seconds a worker must have run for its next restart to come without delay growth."""



def restart_waits(initial: float = RESTART_INITIAL, maximum: float = RESTART_MAX) -> Backoff:
    """The pauses before restarting a worker that keeps dying: exactly 1 s, 2 s, 4 s … 30 s
    (no jitter: a handful of local processes, and the log says when the next try comes)."""
    return Backoff(base=initial, cap=maximum, jitter=False)


Worker = Callable[[threading.Event, int], int]
"""Runs one ingest until the event is set; gets its worker number (0, 1, ...)."""


@dataclass
class _Slot:
    """One worker number and the process now serving it (None while it waits a restart)."""

    number: int
    process: multiprocessing.process.BaseProcess | None = None
    started: float = 0.0
    waits: Backoff = field(default_factory=restart_waits)
    restart_at: float | None = None


def run_workers(
    count: int,
    worker: Worker,
    stop: threading.Event,
    *,
    restart_initial: float = RESTART_INITIAL,
    restart_max: float = RESTART_MAX,
) -> int:
    """Run ``worker`` in ``count`` processes until ``stop`` is set, restarting any that
    dies. Exit code: 0 when every worker still running finished cleanly, else 1."""
    context = multiprocessing.get_context("spawn")  # no inherited threads or connections
    slots = [_Slot(number, waits=restart_waits(restart_initial, restart_max))
             for number in range(count)]

    def launch(slot: _Slot) -> None:
        slot.process = context.Process(
            target=_worker_main,
            args=(worker, slot.number),
            name=f"pos-central-ingest-{slot.number}",
        )
        slot.process.start()
        slot.started, slot.restart_at = time.monotonic(), None
        log.info(
            "proceso de la ingesta iniciado",
            extra={"worker": slot.number, "pid": slot.process.pid},
        )

    for slot in slots:
        launch(slot)
    log.info("ingesta en varios procesos", extra={"workers": count})
    while not stop.is_set():
        now = time.monotonic()
        for slot in slots:
            if slot.process is not None and not slot.process.is_alive():
                if now - slot.started >= STEADY_AFTER:
                    slot.waits.reset()  # it had been working: no penalty
                delay = slot.waits.next_delay()
                log.error(
                    "un proceso de la ingesta terminó; se lo reinicia",
                    extra={
                        "worker": slot.number,
                        "exit_code": slot.process.exitcode,
                        "retry_in_s": delay,
                    },
                )
                slot.process, slot.restart_at = None, now + delay
            elif slot.process is None and slot.restart_at is not None and now >= slot.restart_at:
                launch(slot)
        stop.wait(0.2)
    running = [slot.process for slot in slots if slot.process is not None]
    # SIGTERM, not a shared multiprocessing.Event: setting one whose waiter was killed
    # blocks forever (its Condition waits for every sleeper to wake).
    for process in running:
        if process.is_alive():
            process.terminate()
    for process in running:
        process.join(90)  # each finishes and acks the batch in hand
        if process.is_alive():
            process.kill()
            process.join()
    return 0 if all(process.exitcode == 0 for process in running) else 1


def _worker_main(worker: Worker, number: int) -> None:
    stop = threading.Event()

    def on_signal(_signum: int, _frame: object) -> None:
        stop.set()  # the same stop as the parent's: finish the batch, exit 0

    # From the parent, or from a terminal's Ctrl+C / a service manager's SIGTERM, which
    # reach every process of the group.
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    raise SystemExit(worker(stop, number))
