"""Head office on a cluster's address list (``--amqp-url URL1,URL2,…``): the ingest
connects to the first node that answers and, when the node it consumes from dies,
goes on with the next; every sale is applied once."""

from __future__ import annotations

import pytest

from pos_central.config import redact
from pos_central.ingest.consumer import IngestConsumer
from pos_contracts.testing import SimulatedTerminal
from tests.support.tcp_proxy import TcpProxy

from .conftest import FAST, Broker, RunningIngest, scalar, wait_until

pytestmark = pytest.mark.services
DEAD = "amqp://guest:guest@127.0.0.1:1/%2F"  # nothing listens on port 1


def test_the_ingest_takes_the_node_that_answers_and_fails_over(
    central_db: str, broker: Broker
) -> None:
    till = SimulatedTerminal(seed=12)
    with TcpProxy() as node:
        urls = f"{DEAD},{node.url()},{broker.url}"
        ingest = RunningIngest(IngestConsumer(
            db_url=central_db, amqp_url=urls, topology=broker.topology, settings=FAST))
        ingest.thread.start()
        try:
            broker.publish([till.sale(1) for _ in range(20)])
            wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 20)
            assert node.accepted == 1  # through the proxied node, after the dead one
            node.down()  # the node it consumes from dies
            broker.publish([till.sale(1) for _ in range(20)])
            wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 40,
                       what="the rest through the next node")
        finally:
            ingest.stop.set()
            ingest.thread.join(30)
    assert ingest.error is None
    assert scalar(central_db, "SELECT count(DISTINCT event_id) FROM processed_events") == 40


def test_a_cluster_list_is_redacted_address_by_address() -> None:
    assert redact("amqp://central:s3cret@mq1:5672/%2F,amqp://central:s3cret@mq2:5672/%2F") == (
        "amqp://central:***@mq1:5672/%2F,amqp://central:***@mq2:5672/%2F"
    )
