"""The ingest applies each event exactly once, whatever the broker delivers."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from functools import partial

import pytest

from pos_central.report import build_daily_report
from pos_contracts import Envelope, build_envelope
from pos_contracts.testing import SimulatedTerminal, iva_breakdown

from .conftest import Broker, query, running_ingest, scalar, wait_until

pytestmark = pytest.mark.services


def sales(terminal: SimulatedTerminal, count: int) -> list[Envelope]:
    return [terminal.sale() for _ in range(count)]


def snapshot(db_url: str) -> dict[str, object]:
    """Counts and sums of every business table: what 'nothing changed' means."""
    tables = {
        "sales": "count(*), coalesce(sum(total), 0)",
        "sale_lines": "count(*), coalesce(sum(amount), 0)",
        "payments": "count(*), coalesce(sum(amount), 0)",
        "sale_iva": "count(*), coalesce(sum(tax), 0)",
        "refunds": "count(*), coalesce(sum(total), 0)",
        "cash_movements": "count(*), coalesce(sum(amount), 0)",
        "shifts": "count(*), coalesce(sum(counted_cash), 0)",
        "processed_events": "count(*), coalesce(sum(seq), 0)",
        "terminal_progress": "count(*), coalesce(sum(contiguous_seq), 0)",
        "sales_by_hour": "coalesce(sum(sales), 0), coalesce(sum(total), 0)",
    }
    return {
        table: query(db_url, f"SELECT {what} FROM {table}")[0] for table, what in tables.items()
    }


def test_a_batch_of_sales_is_applied_once_with_every_line_payment_and_iva(
    central_db: str, broker: Broker
) -> None:
    first, second = (
        SimulatedTerminal("S001", "T01", seed=1),
        SimulatedTerminal("S002", "T07", seed=2),
    )
    events = [
        event for pair in zip(sales(first, 60), sales(second, 60), strict=True) for event in pair
    ]
    broker.publish(events)
    with running_ingest(central_db, broker) as ingest:
        wait_until(
            lambda: (
                ingest.counter("pos_central_events_ingested_total", type="sale.completed") == 120
            ),
            what="120 sales ingested",
        )
    payloads = [event.payload for event in events]
    assert query(central_db, "SELECT count(*), sum(total), sum(change) FROM sales") == [
        (120, sum(p["total"] for p in payloads), sum(p["change"] for p in payloads))
    ]
    assert scalar(central_db, "SELECT count(*) FROM sale_lines") == sum(
        len(p["lines"]) for p in payloads
    )
    assert scalar(central_db, "SELECT sum(amount) FROM payments") == sum(
        t["amount"] for p in payloads for t in p["tenders"]
    )
    assert scalar(central_db, "SELECT sum(tax) FROM sale_iva") == sum(
        i["tax"] for p in payloads for i in p["iva"]
    )
    assert query(
        central_db,
        "SELECT store_id, terminal_id, contiguous_seq, max_seq, gaps, events "
        "FROM terminal_progress ORDER BY store_id",
    ) == [("S001", "T01", 60, 60, [], 60), ("S002", "T07", 60, 60, [], 60)]
    assert query(central_db, "SELECT store_id, terminal_id FROM terminals ORDER BY 1") == [
        ("S001", "T01"),
        ("S002", "T07"),
    ]
    assert broker.depth(broker.topology.ingest_queue) == 0
    assert broker.dead_letters() == []
    assert_hourly_summary_is_the_sales(central_db)


def assert_hourly_summary_is_the_sales(db_url: str) -> None:
    """The dashboard's summary (kept by the ingest) says what summing the sales says."""
    kept = query(db_url, "SELECT business_date, store_id, terminal_id, hour_start, sales, "
                         "total FROM sales_by_hour ORDER BY 1, 2, 3, 4")
    assert kept == query(
        db_url,
        "SELECT business_date, store_id, terminal_id, "
        "date_trunc('hour', completed_at AT TIME ZONE 'UTC'), count(*), sum(total) "
        "FROM sales GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
    )
    assert kept


def test_every_event_published_twice_changes_nothing(central_db: str, broker: Broker) -> None:
    till = SimulatedTerminal(seed=3)
    events = [till.open_shift(), *sales(till, 40)]
    events += [till.refund(events[5]), till.move_cash("out", 150_000), till.close_shift()]
    broker.publish(events)
    with running_ingest(central_db, broker) as ingest:
        wait_until(
            lambda: scalar(central_db, "SELECT count(*) FROM processed_events") == len(events)
        )
        wait_until(lambda: broker.depth(broker.topology.ingest_queue) == 0)
        before = snapshot(central_db)
        # again, and each one twice in a row (the same message twice in one batch)
        broker.publish(event for event in events for _ in range(2))
        wait_until(
            lambda: ingest.counter("pos_central_events_duplicate_total") == 2 * len(events),
            what="every re-delivery counted as duplicate",
        )
    assert snapshot(central_db) == before
    assert_hourly_summary_is_the_sales(central_db)
    assert before["sales"] == (
        40,
        sum(e.payload["total"] for e in events if e.type == "sale.completed"),
    )
    assert broker.dead_letters() == []


def test_poison_messages_are_dead_lettered_with_their_reason_and_good_ones_applied(
    central_db: str, broker: Broker
) -> None:
    till = SimulatedTerminal(seed=4)
    good = sales(till, 30)
    unbalanced = till.sale()
    unbalanced_body = json.loads(unbalanced.to_json())
    unbalanced_body["payload"]["total"] += 1
    float_body = unbalanced.to_json().replace(b'"change":', b'"change":0.5,"x":')
    catalog = build_envelope(
        "catalog.changed",
        {"catalog_version": 1, "currency": "ARS", "products": []},
        store_id="central",
        terminal_id="catalog",
        seq=1,
    )
    poison: list[bytes] = [
        b"\x00\x01 not json",
        json.dumps(unbalanced_body).encode(),
        float_body,
        json.dumps({**json.loads(good[0].to_json()), "type": "sale.voided"}).encode(),
        catalog.to_json(),
        json.dumps({"event_id": "x"}).encode(),
    ]
    mixed: list[Envelope | bytes] = []
    for index, event in enumerate(good):
        mixed.append(event)
        if index % 5 == 0:
            mixed.append(poison[index // 5])
    broker.publish(mixed)
    with running_ingest(central_db, broker) as ingest:
        wait_until(
            lambda: scalar(central_db, "SELECT count(*) FROM sales") == 30, what="good sales"
        )
        wait_until(
            lambda: broker.depth(broker.topology.dead_letter_queue) == len(poison), what="poison"
        )
        wait_until(lambda: broker.depth(broker.topology.ingest_queue) == 0)
        codes = ("not_json", "amounts", "payload", "unknown_type", "unexpected_type", "envelope")

        def dead_by_code() -> dict[str, float]:
            return {
                code: ingest.counter("pos_central_events_dead_lettered_total", code=code)
                for code in codes
            }

        # Each is counted just after its dead letter is confirmed: wait for it, not race it.
        wait_until(lambda: sum(dead_by_code().values()) == len(poison), what="dead letters counted")
        counted = dead_by_code()
    dead = broker.dead_letters()
    reasons = sorted(headers["x-pos-reject-reason"].split(":")[0] for headers, _ in dead)
    assert reasons == sorted(
        ["not_json", "amounts", "payload", "unknown_type", "unexpected_type", "envelope"]
    )
    assert sorted(body for _, body in dead) == sorted(poison)
    assert all(
        headers["x-pos-original-exchange"] == broker.topology.events_exchange for headers, _ in dead
    )
    assert counted == dict.fromkeys(codes, 1.0)
    assert scalar(central_db, "SELECT sum(total) FROM sales") == sum(
        e.payload["total"] for e in good
    )


def test_bytes_that_are_not_utf8_are_dead_lettered_and_the_ingest_goes_on(
    central_db: str, broker: Broker
) -> None:
    till = SimulatedTerminal(seed=13)
    first, bad, last = till.sale(), till.sale(), till.sale()
    body = bad.to_json().replace(b'"description":"', b'"description":"\xff', 1)
    broker.publish([first, body, last])
    with running_ingest(central_db, broker):
        wait_until(lambda: broker.depth(broker.topology.dead_letter_queue) == 1)
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 2)
    [(headers, dead)] = broker.dead_letters()
    assert headers["x-pos-reject-reason"].startswith("not_json:") and dead == body


def test_out_of_order_events_of_one_terminal_give_contiguous_seq_and_gaps(
    central_db: str, broker: Broker
) -> None:
    till = SimulatedTerminal(seed=5)
    events = {event.seq: event for event in [till.open_shift(), *sales(till, 19)]}

    def progress() -> tuple[int, int, list[list[int]]]:
        rows = query(central_db, "SELECT contiguous_seq, max_seq, gaps FROM terminal_progress")
        return rows[0] if rows else (0, 0, [])

    with running_ingest(central_db, broker):
        for seqs, expected in [
            ([1, 2, 3, 4, 5, 8, 9, 10], (5, 10, [[6, 7]])),
            ([15, 12], (5, 15, [[6, 7], [11, 11], [13, 14]])),
            ([7, 6], (10, 15, [[11, 11], [13, 14]])),
            ([14, 13, 11], (15, 15, [])),
            ([20, 19, 18, 17, 16], (20, 20, [])),
        ]:
            broker.publish(events[seq] for seq in seqs)
            wait_until(partial(lambda want: progress() == want, expected), what=f"{expected}")
    assert scalar(central_db, "SELECT count(*) FROM journal_breaks") == 0
    assert (
        scalar(central_db, "SELECT last_journal_hash FROM terminal_progress") == till.journal_hash
    )


def test_several_terminals_walk_in_chunks_and_each_keeps_its_own_chain(
    central_db: str, broker: Broker, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pos_central.ingest import progress as progress_module

    monkeypatch.setattr(progress_module, "_WALK_CHUNK", 3)  # walks of many rounds
    tills = [SimulatedTerminal("S001", f"T0{n}", seed=60 + n) for n in range(1, 4)]
    made = {till.terminal_id: sales(till, 11) for till in tills}
    # seq 1 of each till last: everything else is stored first, then walked in chunks of 3
    broker.publish(event for events in made.values() for event in events[1:])
    broker.publish(events[0] for events in made.values())
    with running_ingest(central_db, broker):
        wait_until(
            lambda: (
                query(central_db, "SELECT sum(contiguous_seq) FROM terminal_progress") == [(33,)]
            )
        )
    assert query(
        central_db,
        "SELECT terminal_id, contiguous_seq, max_seq, gaps, last_journal_hash "
        "FROM terminal_progress ORDER BY 1",
    ) == [(till.terminal_id, 11, 11, [], till.journal_hash) for till in tills]
    assert scalar(central_db, "SELECT count(*) FROM journal_breaks") == 0


def test_a_broken_journal_chain_is_recorded_and_the_event_still_applied(
    central_db: str, broker: Broker
) -> None:
    till = SimulatedTerminal(seed=6)
    events = sales(till, 6)
    tampered_payload = json.loads(json.dumps(events[3].payload))
    tampered_payload["journal"]["prev_hash"] = "f" * 64
    events[3] = replace(events[3], payload=tampered_payload)
    broker.publish(reversed(events))  # the check must not depend on arrival order
    with running_ingest(central_db, broker) as ingest:
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 6)
        wait_until(lambda: ingest.counter("pos_central_journal_breaks_total") == 1)
    assert query(
        central_db, "SELECT seq, expected_prev_hash, found_prev_hash FROM journal_breaks"
    ) == [(4, events[2].payload["journal"]["hash"], "f" * 64)]


def test_another_event_with_a_seq_already_taken_is_kept_in_quarantine(
    central_db: str, broker: Broker
) -> None:
    till = SimulatedTerminal(seed=7)
    events = sales(till, 3)
    impostor = build_envelope(
        "sale.completed",
        SimulatedTerminal(seed=99).sale().payload,
        store_id="S001",
        terminal_id="T01",
        seq=2,
    )
    broker.publish(events)
    with running_ingest(central_db, broker):
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 3)
        broker.publish([impostor])
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM held_events") == 1)
    # a second till with this identity (tests/central/test_clones.py): kept, not applied
    assert query(central_db, "SELECT seq, reason, body FROM held_events") == [
        (2, "clone", impostor.to_json().decode())
    ]
    assert broker.dead_letters() == []
    assert (
        scalar(central_db, "SELECT sale_id::text FROM sales WHERE seq = 2")
        == events[1].payload["sale_id"]
    )


def test_a_sale_recorded_by_another_event_is_isolated_without_losing_the_batch(
    central_db: str, broker: Broker
) -> None:
    till = SimulatedTerminal(seed=8)
    events = sales(till, 10)
    # seq 11 re-sends sale 5 under a new event: the batch fails on sales' primary key,
    # is retried one by one, and only this one is rejected
    copy = build_envelope(
        "sale.completed", events[4].payload, store_id="S001", terminal_id="T01", seq=11
    )
    broker.publish([*events, copy])
    with running_ingest(central_db, broker):
        wait_until(lambda: broker.depth(broker.topology.dead_letter_queue) == 1)
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 10)
    [(headers, _)] = broker.dead_letters()
    assert headers["x-pos-reject-reason"].startswith(
        "conflict: no se puede registrar sale.completed seq 11"
    )
    assert scalar(central_db, "SELECT contiguous_seq FROM terminal_progress") == 10


def cash_rounded(event: Envelope, rounding: int) -> Envelope:
    """The same cash sale, the customer let off ``rounding`` centavos (sale.completed v2)."""
    p = json.loads(json.dumps(event.payload))
    p["lines"][-1]["amount"] -= rounding
    p["lines"][-1]["discount"] += rounding
    p["total"] -= rounding
    p["change"] += rounding  # same cash handed over, more change
    p["rounding"] = rounding
    p["iva"] = iva_breakdown(p["lines"])
    return replace(
        build_envelope(
            "sale.completed", p, store_id="S001", terminal_id="T01", seq=event.seq,
            schema_version=event.schema_version,
        ),
        event_id=event.event_id,
    )


def test_cash_rounding_is_stored_and_a_v1_sale_has_none(central_db: str, broker: Broker) -> None:
    till = SimulatedTerminal(seed=12)
    rounded = cash_rounded(till.sale(3, tender="cash"), 67)
    old = till.sale(2, tender="debit")
    payload_v1 = {key: value for key, value in old.payload.items()
                  if key not in ("rounding", "fiscal")}
    payload_v1["lines"] = [
        {k: v for k, v in line.items() if k != "line_discount"} for line in old.payload["lines"]
    ]
    v1 = build_envelope(
        "sale.completed",
        payload_v1,
        store_id="S001",
        terminal_id="T01",
        seq=old.seq,
        schema_version=1,
    )
    broker.publish([rounded, v1])
    with running_ingest(central_db, broker):
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 2)
    assert query(central_db, "SELECT seq, rounding, total FROM sales ORDER BY seq") == [
        (1, 67, rounded.payload["total"]),
        (2, 0, old.payload["total"]),
    ]
    assert scalar(central_db, "SELECT sum(amount) FROM sale_lines") == (
        rounded.payload["total"] + old.payload["total"]
    )
    day = date.fromisoformat(rounded.payload["completed_at"][:10])
    assert build_daily_report(central_db, day)["totals"]["cash_rounding"] == 67
    assert broker.dead_letters() == []


def test_refunds_shifts_and_cash_movements_are_applied(central_db: str, broker: Broker) -> None:
    till = SimulatedTerminal(seed=9)
    opened = till.open_shift(1_500_000)
    sold = sales(till, 5)
    refund = till.refund(sold[1])
    moved_in, moved_out = till.move_cash("in", 20_000, "Cambio"), till.move_cash("out", 300_000)
    closed = till.close_shift(counted_difference=-700)
    # the close arrives before the opening: the shift row is built from both sides
    broker.publish([closed, *sold, refund, moved_out, moved_in, opened])
    with running_ingest(central_db, broker):
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM processed_events") == 10)
    assert query(
        central_db,
        "SELECT float, z_number, expected_cash, counted_cash, over_short, sales_count, "
        "opened_by_id, closed_by_id FROM shifts",
    ) == [
        (
            1_500_000,
            1,
            closed.payload["expected_cash"],
            closed.payload["expected_cash"] - 700,
            -700,
            5,
            "u-encargada",
            "u-encargada",
        )
    ]
    assert query(central_db, "SELECT total, approved_by_id, reason FROM refunds") == [
        (refund.payload["total"], "u-encargada", "Producto fallado")
    ]
    assert scalar(central_db, "SELECT sum(amount) FROM refund_tenders") == refund.payload["total"]
    assert query(central_db, "SELECT direction, amount FROM cash_movements ORDER BY seq") == [
        ("in", 20_000),
        ("out", 300_000),
    ]
    assert scalar(central_db, "SELECT contiguous_seq FROM terminal_progress") == 10
    assert scalar(central_db, "SELECT count(*) FROM journal_breaks") == 0
    assert closed.schema_version == 2  # the Z's extra figures reach head office
    assert query(central_db, "SELECT totals->'by_cashier', totals->'overrides' FROM shifts") == [
        (closed.payload["totals"]["by_cashier"], 0)
    ]
