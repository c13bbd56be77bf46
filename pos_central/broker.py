"""Connections to head office's broker: one URL or a cluster's list (``--amqp-url
amqp://…@mq1/,amqp://…@mq2/``), each connection made to the first address that answers."""

from __future__ import annotations

import ssl

import pika
import pika.exceptions
from pika.adapters.utils import connection_workflow as workflow

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


def cause(error: BaseException) -> BaseException:
    """The error pika wrapped (two or three levels deep when connecting). The till has
    its own (``pos_desktop.sync.reasons.innermost``): the shared kernel may not import
    pika, and head office may not import the till."""
    for _ in range(10):
        if isinstance(error, workflow.AMQPConnectionWorkflowFailed) and error.exceptions:
            error = error.exceptions[-1]
        elif isinstance(error, workflow.AMQPConnectorPhaseErrorBase):
            error = error.exception
        elif (isinstance(error, pika.exceptions.AMQPConnectionError) and len(error.args) == 1
              and isinstance(error.args[0], BaseException)):
            error = error.args[0]
        else:
            break
    return error


def untrusted_certificate(error: BaseException) -> str | None:
    """What to tell a sysadmin when the broker's TLS certificate is not trusted."""
    found = cause(error)
    if not isinstance(found, ssl.SSLCertVerificationError):
        return None
    return (
        f"RabbitMQ: no se confía en el certificado TLS del servidor "
        f"({found.verify_message or found.reason}); revise la CA en --amqp-url "
        "(?ssl_options={'ca_certs': '/ruta/ca.pem'}, codificado para URL) o el nombre del "
        "servidor en el certificado"
    )
