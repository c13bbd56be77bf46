"""One trace from a till's sale to its PostgreSQL commit (OpenTelemetry's in-memory
exporter; the real till, broker, ingest and database)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pos_common import tracing
from pos_desktop.app import Till
from tests.e2e.test_sync_end_to_end import (  # noqa: F401 - fixtures
    Central,
    central,
    configure,
    memory_keyring,
    pg,
    till,
    wait_for,
)
from tests.sync_till.helpers import sell

pytestmark = [pytest.mark.services, pytest.mark.slow]


@pytest.fixture
def spans() -> Iterator[object]:
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    assert tracing.setup("pos-test", exporter=exporter)
    try:
        yield exporter
    finally:
        tracing.shutdown()


def test_a_sale_is_one_trace_from_the_till_commit_to_the_postgresql_commit(
    till: Till, central: Central, amqp_url: str, spans: object  # noqa: F811
) -> None:
    configure(till, central, amqp_url)
    till.start_sync()
    sell(till, 1)
    wait_for(lambda: central.sales() == 1, what="the sale at head office")
    trace_id = str(pg(central.db_url, "SELECT trace_id FROM sales")[0][0])

    def finished() -> dict[str, object]:
        found = {s.name: s for s in spans.get_finished_spans()}  # type: ignore[attr-defined]
        return found if {"outbox.publish", "ingest.apply"} <= found.keys() else {}

    wait_for(lambda: bool(finished()), what="the publish to be confirmed")
    by_name = finished()
    commit, publish = by_name["sale.commit"], by_name["outbox.publish"]
    batch, apply = by_name["ingest.batch"], by_name["ingest.apply"]
    assert {format(s.context.trace_id, "032x") for s in by_name.values()} == {trace_id}  # type: ignore[attr-defined]
    assert commit.parent is None  # type: ignore[attr-defined]
    assert publish.parent.span_id == commit.context.span_id  # type: ignore[attr-defined]
    assert batch.parent.span_id == publish.context.span_id  # type: ignore[attr-defined]
    assert apply.parent.span_id == batch.context.span_id  # type: ignore[attr-defined]
    assert apply.attributes["pos.event_type"] == "sale.completed"  # type: ignore[attr-defined]
    assert commit.start_time <= publish.start_time <= apply.end_time  # type: ignore[attr-defined]


def test_tracing_is_off_without_the_otel_variables() -> None:
    assert not tracing.wanted({})
    assert tracing.wanted({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"})
    assert not tracing.wanted(
        {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_SDK_DISABLED": "true"}
    )
    assert not tracing.enabled()
    with tracing.span("sale.commit"):
        assert tracing.current_trace() is None  # the till makes its own trace id then
