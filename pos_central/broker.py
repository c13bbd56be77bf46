"""Connections to head office's broker: one URL or a cluster's list (``--amqp-url
amqp://…@mq1/,amqp://…@mq2/``), each connection made to the first address that answers."""

from __future__ import annotations

import pika
import pika.exceptions

from pos_contracts.brokers import Failover, first_answering


def blocking_connection(
    failover: Failover | str, *, timeout: float | None = None, name: str | None = None
) -> pika.BlockingConnection:
    """Connected to the first address that answers (the last good one tried first);
    raises the last address's error when none does."""

    def connect(url: str) -> pika.BlockingConnection:
        parameters = pika.URLParameters(url)
        parameters.connection_attempts = 1
        if timeout is not None:
            parameters.socket_timeout = timeout
            parameters.blocked_connection_timeout = timeout
        if name is not None:
            parameters.client_properties = {"connection_name": name}
        return pika.BlockingConnection(parameters)

    addresses = Failover.of(failover) if isinstance(failover, str) else failover
    return first_answering(addresses, connect, (pika.exceptions.AMQPConnectionError, OSError))
