"""Wrong clocks: a till whose clock is far from head office's files its sales under the
wrong day. Each such event is flagged per terminal, with the sales listed, in the daily
report and ``pos-central report conflicts``, and counted in ``/metrics``; a message that
only waited at the broker while no ingest consumed is not taken for a wrong clock."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pika
import pytest

from pos_central.api import sync_health
from pos_central.conflicts import build_conflicts_report, render_text
from pos_central.database import connect
from pos_central.report import build_daily_report
from pos_contracts import Envelope
from pos_contracts.testing import SimulatedTerminal
from pos_contracts.wire import SENT_AT_HEADER

from .conftest import FAST, Broker, running_ingest, scalar, wait_until

pytestmark = pytest.mark.services

YEAR = 365 * 86400
MARGIN = replace(FAST, clock_margin=600)


def publish(broker: Broker, events: list[Envelope], sent_at: float | None) -> None:
    """As a till publishes: ``sent_at`` is its own clock (None: a till too old to say)."""
    for env in events:
        headers = {} if sent_at is None else {SENT_AT_HEADER: int(sent_at * 1000)}
        broker.channel.basic_publish(
            broker.topology.events_exchange, env.routing_key, env.to_json(),
            pika.BasicProperties(delivery_mode=2, content_type="application/json",
                                 message_id=env.event_id, headers=headers),
            mandatory=True,
        )


def a_year_ago_terminal(terminal_id: str, seed: int) -> SimulatedTerminal:
    """A till whose clock says it is a year ago: its sales are dated then."""
    year_ago = (datetime.now(UTC) - timedelta(seconds=YEAR)).date().isoformat()
    return SimulatedTerminal(terminal_id=terminal_id, seed=seed, day=year_ago)


def test_a_till_a_year_behind_is_flagged_with_its_sales_listed(
    central_db: str, broker: Broker
) -> None:
    wrong, right = a_year_ago_terminal("T01", 3), SimulatedTerminal(terminal_id="T02", seed=4)
    with running_ingest(central_db, broker, settings=MARGIN) as ingest:
        wait_until(ingest.consumer.ready.is_set, what="the ingest consuming")
        publish(broker, [wrong.sale(2), wrong.sale(1)], time.time() - YEAR)
        publish(broker, [right.sale(1)], time.time())
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 3)
        # Both of its sales counted (they may come in two batches), not just the first.
        wait_until(lambda: ingest.counter("pos_central_clock_skewed_events_total",
                                          store_id="S001", terminal_id="T01") >= 2)
        skewed = ingest.counter("pos_central_clock_skewed_events_total",
                                store_id="S001", terminal_id="T01")
        offset = ingest.counter("pos_central_till_clock_offset_seconds",
                                store_id="S001", terminal_id="T01")
        assert ingest.counter("pos_central_clock_skewed_events_total",
                              store_id="S001", terminal_id="T02") == 0
    assert skewed == 2
    assert -YEAR - 60 < offset < -YEAR + 60
    today = datetime.now().astimezone().date()
    report = build_daily_report(central_db, today)
    [terminal] = report["clocks"]
    assert (terminal["store_id"], terminal["terminal_id"], terminal["events"]) == ("S001", "T01", 2)
    assert [item["seq"] for item in terminal["items"]] == [1, 2]
    assert all(item["type"] == "sale.completed" and item["ticket"] for item in terminal["items"])
    assert report["totals"]["clock_skewed_events"] == 2
    conflicts = build_conflicts_report(central_db)
    assert conflicts["clocks"] == report["clocks"]
    text = render_text(conflicts)
    assert "Reloj desfasado, caja S001/T01: 365 días atrasado; 2 eventos" in text
    assert f"ticket {terminal['items'][0]['ticket']}" in text
    # Head office's dashboard says it too (its alerts of the last week).
    with connect(central_db) as db:
        tills = sync_health.terminals(db, None, datetime.now(UTC))
        [alert] = [a for a in sync_health.alerts(db, tills) if a.kind == "misfiled_sales"]
    assert (alert.store_id, alert.terminal_id, alert.values["count"]) == ("S001", "T01", 2)
    assert -YEAR - 60 < alert.values["seconds"] < -YEAR + 60
    # The sales stay as the till said (filed under its day): nothing is rewritten.
    assert scalar(central_db, "SELECT count(*) FROM sales WHERE business_date < %s",
                  (today - timedelta(days=300),)) == 2


def test_a_clock_ahead_is_flagged_even_from_a_till_that_does_not_stamp_its_messages(
    central_db: str, broker: Broker
) -> None:
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    ahead = SimulatedTerminal(terminal_id="T03", seed=5, day=tomorrow)
    publish(broker, [ahead.sale(1)], None)  # no x-pos-sent-at: judged by occurred_at
    with running_ingest(central_db, broker, settings=MARGIN) as ingest:
        wait_until(lambda: ingest.counter("pos_central_clock_skewed_events_total",
                                          store_id="S001", terminal_id="T03") == 1)
    [terminal] = build_conflicts_report(central_db)["clocks"]
    assert terminal["offset_s_min"] > 86400


def test_a_backlog_that_waited_for_the_ingest_is_not_a_wrong_clock(
    central_db: str, broker: Broker
) -> None:
    """Sent with a right clock an hour ago, while no ingest ran: the wait is the broker's.
    The same till's next message, once the ingest consumes, still checks its clock."""
    till = SimulatedTerminal(terminal_id="T04", seed=6)
    publish(broker, [till.sale(1) for _ in range(3)], time.time() - 3600)
    with running_ingest(central_db, broker, settings=MARGIN) as ingest:
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 3)
        assert scalar(central_db, "SELECT count(*) FROM clock_skews") == 0
        publish(broker, [till.sale(1)], time.time() - 3600)  # now it is its clock
        wait_until(lambda: ingest.counter("pos_central_clock_skewed_events_total",
                                          store_id="S001", terminal_id="T04") == 1,
                   what="the late message flagged")
        assert scalar(central_db, "SELECT count(*) FROM clock_skews") == 1
        assert ingest.counter("pos_central_clock_skewed_events_total",
                              store_id="S001", terminal_id="T04") == 1


def test_report_conflicts_prints_the_wrong_clock(central_db: str, broker: Broker) -> None:
    wrong = a_year_ago_terminal("T09", 9)
    with running_ingest(central_db, broker, settings=MARGIN) as ingest:
        wait_until(ingest.consumer.ready.is_set, what="the ingest consuming")
        publish(broker, [wrong.sale(1)], time.time() - YEAR)
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM clock_skews") == 1)
    done = subprocess.run(
        [sys.executable, "-m", "pos_central.cli", "--db-url", central_db, "report", "conflicts"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Reloj desfasado, caja S001/T09: 365 días atrasado; 1 eventos" in done.stdout
