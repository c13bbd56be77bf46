"""A quick look at the broker for ``pos-desktop sync status`` (no publisher runs there)."""

from __future__ import annotations

import ssl

import pika
import pika.exceptions
from pika.adapters.blocking_connection import BlockingConnection

from pos_common.i18n import explain
from pos_contracts.brokers import broker_urls
from pos_desktop.sync.reasons import describe
from pos_desktop.sync.settings import SecretReader, SyncSettings, connection_url
from pos_desktop.sync.status import Link, SyncState


def probe_link(settings: SyncSettings, password: SecretReader, timeout: float = 3.0) -> Link:
    """Online if a broker address answers and the events exchange exists; else why not
    (the last address's reason, when a cluster's every node fails)."""
    try:
        urls = broker_urls(settings.amqp_url)
    except ValueError as exc:
        return Link(SyncState.ERROR, str(exc))
    found = Link(SyncState.OFFLINE)
    for url in urls:
        found = _probe(settings, url, password, timeout)
        if found.state is SyncState.ONLINE:
            break
    return found


def _probe(settings: SyncSettings, url: str, password: SecretReader, timeout: float) -> Link:
    try:
        params = pika.URLParameters(connection_url(url, password))
    except Exception as exc:  # missing keyring, malformed URL
        return Link(SyncState.ERROR, explain(exc))
    params.connection_attempts = 1
    params.socket_timeout = timeout
    params.blocked_connection_timeout = timeout
    params.client_properties = {"connection_name": settings.connection_name + " probe"}
    try:
        conn = BlockingConnection(params)
    except (pika.exceptions.AMQPError, OSError) as exc:  # OSError: TLS, DNS, refused
        auth = (
            pika.exceptions.ProbableAuthenticationError,
            pika.exceptions.ProbableAccessDeniedError,
        )
        # waiting fixes neither a wrong password nor a TLS mismatch: error, not offline
        state = SyncState.ERROR if isinstance(exc, (*auth, ssl.SSLError)) else SyncState.OFFLINE
        return Link(state, describe(exc))
    try:
        conn.channel().exchange_declare(settings.events_exchange, passive=True)
        return Link(SyncState.ONLINE)
    except pika.exceptions.ChannelClosedByBroker as exc:
        return Link(SyncState.ERROR, describe(exc))
    finally:
        if conn.is_open:
            conn.close()
