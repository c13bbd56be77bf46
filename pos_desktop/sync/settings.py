"""What the till's sync needs to know: who it is and where head office is.

Read from the till's ``settings`` table, each value overridable by an environment
variable (kiosk images and support set them without opening the window):

==================  =====================  ==================
setting             environment            meaning
==================  =====================  ==================
``store.id``        ``POS_STORE_ID``       store code at head office
``terminal.id``     ``POS_TERMINAL_ID``    till code within the store
``sync.amqp_url``   ``POS_AMQP_URL``       broker, *without* the password
``sync.central_url`` ``POS_CENTRAL_URL``   head office's HTTP API
``sync.prefix``     ``POS_SYNC_PREFIX``    name prefix of exchanges/queues (tests)
``sync.enabled``    (set when a URL is)    start the publisher with the window
==================  =====================  ==================

The broker password and the API token are not settings: see ``pos_desktop.secrets``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from pos_common.i18n import N_
from pos_contracts.wire import CATALOG_EXCHANGE, EVENTS_EXCHANGE, till_catalog_queue
from pos_desktop.domain.errors import PosError

ENV = {
    "store.id": "POS_STORE_ID",
    "terminal.id": "POS_TERMINAL_ID",
    "sync.amqp_url": "POS_AMQP_URL",
    "sync.central_url": "POS_CENTRAL_URL",
    "sync.prefix": "POS_SYNC_PREFIX",
}

SecretReader = Callable[[], str | None]


@dataclass(frozen=True, slots=True)
class SyncSettings:
    store_id: str
    terminal_id: str
    amqp_url: str  # never holds a password read from the keyring (see connection_url)
    central_url: str
    prefix: str = ""
    enabled: bool = True
    window: int = 5000  # unconfirmed messages in flight (~12 MB of sales at most)
    poll_interval: float = 0.5  # seconds; catches writes by other processes
    heartbeat: int = 30
    blocked_timeout: float = 30.0  # a broker alarm closes the link after this long

    @property
    def events_exchange(self) -> str:
        return self.prefix + EVENTS_EXCHANGE

    @property
    def catalog_exchange(self) -> str:
        return self.prefix + CATALOG_EXCHANGE

    @property
    def catalog_queue(self) -> str:
        return till_catalog_queue(self.store_id, self.terminal_id, self.prefix)

    @property
    def connection_name(self) -> str:
        return f"pos-desktop {self.store_id}/{self.terminal_id}"

    @property
    def configured(self) -> bool:
        return bool(self.amqp_url)

    def with_overrides(self, **changes: Any) -> SyncSettings:
        return replace(self, **changes)


def load_sync_settings(
    stored: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> SyncSettings:
    """Settings from the table's values (``stored``), each overridden by its variable."""
    env = os.environ if environ is None else environ

    def pick(key: str, default: str) -> str:
        value = env.get(ENV[key]) or stored.get(key) or default
        return str(value).strip()

    amqp_url = pick("sync.amqp_url", "")
    from_env = bool(env.get(ENV["sync.amqp_url"]))
    enabled = from_env or bool(stored.get("sync.enabled", bool(amqp_url)))
    return SyncSettings(
        store_id=pick("store.id", "S001"),
        terminal_id=pick("terminal.id", "T01"),
        amqp_url=amqp_url,
        central_url=pick("sync.central_url", "").rstrip("/"),
        prefix=pick("sync.prefix", ""),
        enabled=enabled and bool(amqp_url),
    )


def redact(url: str) -> str:
    """The URL (or a cluster's list) as it may appear in a log or on screen: any
    password replaced by ***."""
    if "," in url:
        return ",".join(redact(part.strip()) for part in url.split(","))
    parts = urlsplit(url)
    if not parts.password:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return parts._replace(netloc=netloc).geturl()


class NoBrokerPassword(PosError):
    message = (
        N_("no password for the broker user {user}: store it with pos-desktop sync configure "
        "--password-stdin, or set POS_AMQP_PASSWORD")
    )


def connection_url(amqp_url: str, password: SecretReader) -> str:
    """The URL to connect with: the keyring's password merged in at connect time.

    A URL that already carries a password (a developer's ``POS_AMQP_URL``) is used as is;
    a URL without a user name uses the broker's default (guest on a test broker); a user
    with no password anywhere is ``NoBrokerPassword``, which says how to store one.
    """
    parts = urlsplit(amqp_url)
    if parts.password is not None or not parts.username:
        return amqp_url
    secret = password()
    if not secret:  # pika would fail with "argument of type 'NoneType' is not iterable"
        raise NoBrokerPassword(user=unquote(parts.username))
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = f"{quote(unquote(parts.username), safe='')}:{quote(secret, safe='')}@{host}"
    if parts.port:
        netloc += f":{parts.port}"
    return parts._replace(netloc=netloc).geturl()
