"""OpenTelemetry tracing, optional (the ``otel`` extra) and off unless asked for.

On when the standard variables ask for it (``OTEL_EXPORTER_OTLP_ENDPOINT`` or
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`` set, or ``OTEL_TRACES_EXPORTER=otlp``) and
``OTEL_SDK_DISABLED`` is not true; spans are then exported over OTLP (the exporter reads
the other ``OTEL_*`` variables itself). Off, every hook here is one ``is None`` test, so
the till's commit path and the ingest's hot loop pay nothing (measured with
``benchmarks.bench_ingest``).

One trace follows a sale: ``sale.commit`` at the till (its context is what the outbox
row's ``traceparent`` holds) → ``outbox.publish`` (until the broker confirms; its
context travels in the AMQP ``traceparent`` header) → ``ingest.batch`` and, inside it,
``ingest.apply`` at head office (ending at the PostgreSQL commit).

The provider is our own, not the process-global one, so a test can install an
in-memory exporter and a process can run a till and an ingest side by side.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

_tracer: Any = None
_provider: Any = None
_open_publishes: dict[str, tuple[Any, str]] = {}
_lock = threading.Lock()

T = TypeVar("T")


class _HasTraceparent(Protocol):
    @property
    def traceparent(self) -> str: ...


def wanted(environ: Mapping[str, str] | None = None) -> bool:
    """Do the standard ``OTEL_*`` variables ask for traces to be exported?"""
    env = os.environ if environ is None else environ
    exporter = env.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true" or exporter == "none":
        return False
    if exporter == "otlp":
        return True
    return bool(
        env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def setup(
    service: str, *, environ: Mapping[str, str] | None = None, exporter: Any = None
) -> bool:
    """Switch tracing on for ``service`` if the environment asks (or an ``exporter`` is
    given: tests). Returns whether it is on. Without the ``otel`` extra it stays off."""
    global _tracer, _provider
    if exporter is None and not wanted(environ):
        return False
    try:
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
    except ImportError:
        return False
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    shutdown()
    _provider, _tracer = provider, provider.get_tracer("super-pos")
    return True


def shutdown() -> None:
    """Flush and switch tracing off."""
    global _tracer, _provider
    if _provider is not None:
        _provider.shutdown()
    _tracer = _provider = None
    with _lock:
        _open_publishes.clear()


def enabled() -> bool:
    return _tracer is not None


def provider() -> Any:
    """The tracer provider in use (for FastAPI's instrumentation), or None when off."""
    return _provider


@contextmanager
def span(name: str, **attributes: Any) -> Iterator[None]:
    """A span around a block (nothing at all when tracing is off)."""
    if _tracer is None:
        yield
        return
    with _tracer.start_as_current_span(name, attributes=attributes):
        yield


def current_trace() -> tuple[str, str] | None:
    """The current span as (trace_id, traceparent), or None (off, or no span)."""
    if _tracer is None:
        return None
    from opentelemetry import trace

    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    trace_id = format(context.trace_id, "032x")
    return trace_id, f"00-{trace_id}-{format(context.span_id, '016x')}-01"


def _parent(traceparent: str | None) -> Any:
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    return TraceContextTextMapPropagator().extract({"traceparent": traceparent or ""})


def start_publish(traceparent: str) -> str:
    """A publish span, child of the outbox row's ``traceparent``; returns the header to
    send (the span's own context, so head office's spans hang under it)."""
    if _tracer is None:
        return traceparent
    from opentelemetry import trace

    publish = _tracer.start_span(
        "outbox.publish", context=_parent(traceparent), kind=trace.SpanKind.PRODUCER
    )
    context = publish.get_span_context()
    header = f"00-{format(context.trace_id, '032x')}-{format(context.span_id, '016x')}-01"
    with _lock:
        previous = _open_publishes.pop(traceparent, None)
        _open_publishes[traceparent] = (publish, header)
    if previous is not None:  # published again after a lost connection
        previous[0].set_attribute("pos.outcome", "superseded")
        previous[0].end()
    return header


def end_publish(events: Iterable[_HasTraceparent], refused: bool = False) -> None:
    """The broker answered for ``events``: end their publish spans."""
    if _tracer is None:
        return
    for event in events:
        with _lock:
            found = _open_publishes.pop(event.traceparent, None)
        if found is not None:
            found[0].set_attribute("pos.outcome", "refused" if refused else "confirmed")
            found[0].end()


def traced_apply(
    apply: Callable[[Sequence[Any]], T],
    deliveries: Sequence[tuple[Any, Any]],
    received: float,
) -> Callable[[Sequence[Any]], T]:
    """``apply`` itself when tracing is off; else ``apply`` recording, per event, an
    ``ingest.batch`` span (from the batch's arrival, ``received`` on the
    ``perf_counter`` clock, to its commit) with an ``ingest.apply`` child (the
    PostgreSQL transaction), both under the ``traceparent`` header of the event's
    delivery (``deliveries`` are (delivery, envelope) pairs, in the order applied)."""
    if _tracer is None:
        return apply
    tracer = _tracer
    received_ns = time.time_ns() - int((time.perf_counter() - received) * 1e9)
    headers = [getattr(d.properties, "headers", None) for d, _ in deliveries]

    def applying(events: Sequence[Any]) -> T:
        started = time.time_ns()
        result = apply(events)
        committed = time.time_ns()
        from opentelemetry import trace

        for event, found in zip(events, headers, strict=True):
            envelope = getattr(event, "envelope", None)
            attributes = {
                "pos.batch_size": len(events),
                "pos.event_type": getattr(envelope, "type", ""),
                "pos.seq": getattr(envelope, "seq", 0),
            }
            batch = tracer.start_span(
                "ingest.batch",
                context=_parent((found or {}).get("traceparent")),
                kind=trace.SpanKind.CONSUMER,
                start_time=received_ns,
                attributes=attributes,
            )
            inner = tracer.start_span(
                "ingest.apply",
                context=trace.set_span_in_context(batch),
                start_time=started,
                attributes=attributes,
            )
            inner.end(end_time=committed)
            batch.end(end_time=committed)
        return result

    return applying
