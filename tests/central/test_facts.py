"""A fact once recorded is never silently rewritten: a second Z for a closed shift, or the
same event_id with another body, is a conflict (dead-lettered and alerted), not an
overwrite and not a quiet duplicate."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from pos_contracts import Envelope, build_envelope
from pos_contracts.testing import SimulatedTerminal

from .conftest import Broker, query, running_ingest, scalar, wait_until

pytestmark = pytest.mark.services


def rebuilt(event: Envelope, *, seq: int, event_id: str | None = None, **changes: Any) -> Envelope:
    """``event`` with payload fields changed, valid, under ``seq`` (and a new event id
    unless one is given)."""
    payload = {**json.loads(json.dumps(event.payload)), **changes}
    return build_envelope(
        event.type,
        payload,
        store_id=event.store_id,
        terminal_id=event.terminal_id,
        seq=seq,
        schema_version=event.schema_version,
        occurred_at=event.occurred_at,
        event_id=event_id,
    )


def recount(closed: Envelope, extra: int, *, seq: int) -> Envelope:
    """The same Z with ``extra`` more cash counted."""
    p = closed.payload
    return rebuilt(
        closed,
        seq=seq,
        counted_cash=p["counted_cash"] + extra,
        over_short=p["over_short"] + extra,
    )


def z_on_record(db_url: str) -> list[tuple[Any, ...]]:
    return query(db_url, "SELECT z_number, counted_cash, over_short, totals FROM shifts")


def alerts(db_url: str) -> list[tuple[Any, ...]]:
    return query(
        db_url, "SELECT kind, store_id, terminal_id, seq, event_id::text FROM central_alerts"
    )


def test_a_second_z_for_a_closed_shift_is_a_conflict_and_the_first_stays(
    central_db: str, broker: Broker
) -> None:
    till = SimulatedTerminal(seed=31)
    events = [till.open_shift(), till.sale(), till.sale(), till.close_shift()]
    closed = events[-1]
    second = recount(closed, 500_000, seq=till.seq + 1)  # today: overwrote the Z
    broker.publish(events)
    with running_ingest(central_db, broker) as ingest:
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM processed_events") == 4)
        first = z_on_record(central_db)
        broker.publish([second])
        wait_until(lambda: broker.depth(broker.topology.dead_letter_queue) == 1)
        assert ingest.counted("pos_central_alerts_total", 1, kind="conflict") == 1
    assert z_on_record(central_db) == first
    assert first[0][1] == closed.payload["counted_cash"]
    [(headers, body)] = broker.dead_letters()
    assert headers["x-pos-reject-reason"].startswith(
        f"conflict: shift.closed seq 5 de la caja S001/T01: el turno {closed.payload['shift_id']} "
        "ya tiene otros datos registrados"
    )
    assert body == second.to_json()
    assert alerts(central_db) == [("conflict", "S001", "T01", 5, second.event_id)]
    # not applied: seq 5 is still missing, the terminal's progress stops at 4
    assert scalar(central_db, "SELECT count(*) FROM processed_events") == 4
    assert query(central_db, "SELECT contiguous_seq, max_seq FROM terminal_progress") == [(4, 4)]


def test_the_same_z_sent_again_under_another_event_changes_nothing_and_is_no_conflict(
    central_db: str, broker: Broker
) -> None:
    till = SimulatedTerminal(seed=32)
    events = [till.open_shift(), till.sale(), till.close_shift()]
    again = rebuilt(events[-1], seq=till.seq + 1)
    broker.publish([*events, again])
    with running_ingest(central_db, broker):
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM processed_events") == 4)
    assert broker.dead_letters() == []
    assert alerts(central_db) == []
    assert scalar(central_db, "SELECT counted_cash FROM shifts") == (
        events[-1].payload["counted_cash"]
    )


def test_a_second_opening_with_other_figures_is_a_conflict(
    central_db: str, broker: Broker
) -> None:
    till = SimulatedTerminal(seed=33)
    opened = till.open_shift(1_000_000)
    reopened = rebuilt(opened, seq=2, float=9_000_000)
    broker.publish([opened])
    with running_ingest(central_db, broker):
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM shifts") == 1)
        broker.publish([reopened])
        wait_until(lambda: broker.depth(broker.topology.dead_letter_queue) == 1)
    assert scalar(central_db, "SELECT float FROM shifts") == 1_000_000
    [(headers, _)] = broker.dead_letters()
    assert headers["x-pos-reject-reason"].startswith("conflict: shift.opened seq 2")


def test_the_same_event_id_with_another_body_is_a_conflict_not_a_duplicate(
    central_db: str, broker: Broker
) -> None:
    till = SimulatedTerminal(seed=34)
    sale = till.sale(3, tender="debit")
    lines = json.loads(json.dumps(sale.payload["lines"]))
    tampered = rebuilt(sale, seq=sale.seq, event_id=sale.event_id, cashier=None, lines=lines)
    assert tampered.event_id == sale.event_id and tampered.to_json() != sale.to_json()
    later = till.sale()
    broker.publish([sale])
    with running_ingest(central_db, broker) as ingest:
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 1)
        # once after the first was stored, once twice inside one batch with the original
        broker.publish([tampered, later])
        wait_until(lambda: broker.depth(broker.topology.dead_letter_queue) == 1)
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 2)
        broker.publish([sale])  # a plain re-delivery is still a duplicate
        wait_until(lambda: ingest.counter("pos_central_events_duplicate_total") == 1)
        assert ingest.counted("pos_central_alerts_total", 1, kind="conflict") == 1
        assert ingest.counted("pos_central_events_dead_lettered_total", 1, code="conflict") == 1
    [(headers, body)] = broker.dead_letters()
    assert headers["x-pos-reject-reason"].startswith(
        f"conflict: el evento {sale.event_id} (sale.completed, caja S001/T01 seq 1) ya se "
        "recibió con otro contenido"
    )
    assert body == tampered.to_json()
    assert scalar(central_db, "SELECT cashier_id FROM sales WHERE seq = 1") == "u-cajero"
    assert alerts(central_db) == [("conflict", "S001", "T01", 1, sale.event_id)]


def test_within_one_batch_the_same_event_id_with_another_body_is_a_conflict(
    central_db: str, broker: Broker
) -> None:
    till = SimulatedTerminal(seed=35)
    sale = till.sale(2, tender="credit")
    tampered = replace(sale, trace_id="f" * 32)  # the same event, another body
    broker.publish([sale, tampered, tampered])
    with running_ingest(central_db, broker) as ingest:
        wait_until(lambda: broker.depth(broker.topology.dead_letter_queue) == 2)
        wait_until(lambda: ingest.counter("pos_central_alerts_total", kind="conflict") == 1)
    assert scalar(central_db, "SELECT count(*) FROM sales") == 1
    assert scalar(central_db, "SELECT trace_id FROM sales") == sale.trace_id
    assert len(alerts(central_db)) == 1  # one message, one alert, however often it comes


def test_conflicts_are_listed_by_report_conflicts_and_in_the_daily_report(
    central_db: str, broker: Broker, capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import date

    from pos_central.cli import main
    from pos_central.report import build_daily_report

    till = SimulatedTerminal(seed=36)
    events = [till.open_shift(), till.sale(), till.close_shift()]
    broker.publish([*events, recount(events[-1], 100, seq=4)])
    with running_ingest(central_db, broker):
        wait_until(lambda: broker.depth(broker.topology.dead_letter_queue) == 1)
    assert main(["report", "conflicts", "--db-url", central_db]) == 0
    text = capsys.readouterr().out
    assert "Conflictos y alertas: 1" in text
    assert "Conflicto (un hecho registrado no se reescribe)" in text
    assert "tienda S001, caja T01, seq 4" in text
    assert main(["report", "conflicts", "--db-url", central_db, "--json"]) == 0
    [alert] = json.loads(capsys.readouterr().out)["alerts"]
    assert (alert["kind"], alert["seq"]) == ("conflict", 4)
    today = date.fromisoformat(str(scalar(central_db, "SELECT current_date")))
    report = build_daily_report(central_db, today)
    assert report["totals"]["alerts"] == 1
    assert [a["event_id"] for a in report["alerts"]] == [alert["event_id"]]
