"""The API process's heap once it has started: what start-up built (modules, the app, its
routes and schemas, ~150,000 objects) lives as long as the process, so it is moved out of
the cycle collector's sight.

Without this every full (generation 2) collection walks all of it: measured in
``benchmarks/bench_api`` on the shared 2-core machine, one took 250-450 ms, and one ran
about every hundred dashboard requests, which alone put the page's p99 over its 150 ms
budget. After ``gc.freeze()`` a full collection walks only what requests left behind
(tens of milliseconds at most). ``pos-central serve`` calls this once the server is up;
the benchmark calls it at the same point, so that it measures what is served.
"""

from __future__ import annotations

import gc


def settle_after_start() -> None:
    """Collect what start-up threw away, then freeze the rest (it is never freed)."""
    gc.collect()
    gc.freeze()
