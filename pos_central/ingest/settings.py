"""Tuning of the ingest (a module without imports, so the command line can read the
defaults without loading pika or psycopg)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IngestSettings:
    batch_size: int = 250
    batch_wait: float = 0.05
    """Seconds to wait for more messages after the first of a batch."""
    prefetch: int = 1000
    """Unacked messages the broker may hand over. A batch stays unacked until committed,
    and one is in PostgreSQL while the next is read: with fewer than ~4 batches of
    prefetch the reader waits for the broker after every ack (measured: 250 × 4 ingests
    ~15 % more than 500 × 2 on the 2-core benchmark machine)."""
    pipeline_depth: int = 1
    """Batches handed to PostgreSQL and not yet acked, besides the one being read."""
    backoff_initial: float = 0.5
    backoff_max: float = 30.0
    max_amount: int = 5_000_000_000
    """Centavos: the largest total of one sale or refund, cash movement, float or count
    ($ 50.000.000); beyond it an event is dead-lettered as ``out_of_bounds``."""
    max_quantity_milli: int = 10_000_000
    """The largest quantity of one line (10.000 units or kg)."""
    clock_margin: float = 600.0
    """Seconds a till's clock may be from head office's before its events are flagged
    (``clocks.py``): beyond it they are listed per terminal in the reports."""
    accept_unregistered: bool = False
    """Accept events whose broker user is no registered till (guest, a shared account):
    a lab, or while the tills move to their own users. Registered tills are still held
    to their own store and terminal."""
