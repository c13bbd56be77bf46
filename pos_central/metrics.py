"""Prometheus metrics of the ingest. Each ``IngestMetrics`` has its own registry, so
several ingests in one process (tests) do not share counters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

if TYPE_CHECKING:
    from pos_central.ingest.clocks import ClockSkew
    from pos_contracts import Envelope


class IngestMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.ingested = Counter(
            "pos_central_events_ingested",
            "Events applied to PostgreSQL",
            ["type"],
            registry=self.registry,
        )
        self.duplicates = Counter(
            "pos_central_events_duplicate",
            "Events received again and not re-applied",
            registry=self.registry,
        )
        self.dead_lettered = Counter(
            "pos_central_events_dead_lettered",
            "Messages sent to the dead-letter queue",
            ["code"],
            registry=self.registry,
        )
        self.unexpected_errors = Counter(
            "pos_central_unexpected_errors",
            "Messages dead-lettered as unexpected_error (a bug met one message), by the "
            "Python exception it raised",
            ["exception"],
            registry=self.registry,
        )
        self.held = Counter(
            "pos_central_events_held",
            "Events kept aside, not applied yet (a refund waiting for its sale)",
            ["type"],
            registry=self.registry,
        )
        self.quarantined = Counter(
            "pos_central_events_quarantined",
            "Events held for a person: clone (an identity two tills use), clone_leftover",
            ["reason"],
            registry=self.registry,
        )
        self.alerts = Counter(
            "pos_central_alerts",
            "Alerts raised for a person: conflict (a fact contradicted), clone (two tills "
            "with one identity)",
            ["kind"],
            registry=self.registry,
        )
        self.journal_breaks = Counter(
            "pos_central_journal_breaks",
            "Journal entries whose prev_hash did not match",
            registry=self.registry,
        )
        self.database_unavailable = Counter(
            "pos_central_database_unavailable",
            "Times the ingest lost PostgreSQL and backed off",
            registry=self.registry,
        )
        self.skewed = Counter(
            "pos_central_clock_skewed_events",
            "Events received from a till whose clock was off by more than --clock-margin",
            ["store_id", "terminal_id"],
            registry=self.registry,
        )
        self.clock_offset = Gauge(
            "pos_central_till_clock_offset_seconds",
            "The till's clock minus head office's, as its last off-margin event showed it",
            ["store_id", "terminal_id"],
            registry=self.registry,
        )
        self.batch_seconds = Histogram(
            "pos_central_batch_seconds",
            "Time to validate, apply, commit and ack one batch",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
            registry=self.registry,
        )
        self.batch_size = Histogram(
            "pos_central_batch_messages",
            "Messages per batch",
            buckets=(1, 10, 50, 100, 250, 500, 1000, 2000),
            registry=self.registry,
        )

    def clock_skewed(self, skewed: Sequence[tuple[Envelope, ClockSkew]]) -> None:
        for env, skew in skewed:  # the offset first: a reader who sees the count sees it
            self.clock_offset.labels(env.store_id, env.terminal_id).set(skew.offset_ms / 1000)
            self.skewed.labels(env.store_id, env.terminal_id).inc()

    def exposition(self) -> bytes:
        """Prometheus text format."""
        return generate_latest(self.registry)
