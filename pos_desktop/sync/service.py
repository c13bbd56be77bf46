"""The till's sync, assembled: publisher + catalog listener + status, from the settings.

``pos_desktop.app.Till`` builds one ``TillSync`` (the composition root owns wiring); the
window polls ``status()`` on a timer; ``wake()`` is called after every local commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import Engine

from pos_common.i18n import N_, _
from pos_desktop.secrets import AMQP_PASSWORD, API_TOKEN, get_secret
from pos_desktop.store.outbox import OutboxQueue
from pos_desktop.store.uow import UnitOfWork
from pos_desktop.sync.catalog_listener import CatalogListener
from pos_desktop.sync.head_office import StatusReporter
from pos_desktop.sync.publisher import DrainResult, OutboxPublisher
from pos_desktop.sync.settings import SyncSettings, load_sync_settings
from pos_desktop.sync.status import (
    NOT_CONFIGURED,
    Link,
    SyncState,
    SyncStatus,
    read_sync_status,
)

log = logging.getLogger(__name__)

DISABLED = N_("sending to head office is off (sync.enabled)")
SUSPENDED_KEY = "sync.suspended"
"""Setting written when head office says another till uses this identity (a clone)."""


def suspended_text(store_id: str, terminal_id: str) -> str:
    return _(
        "another till uses its identity {store}/{terminal}; a manager must register it again"
    ).format(store=store_id, terminal=terminal_id)


def broker_user(amqp_url: str) -> str:
    """The user the till connects as (the first address's; guest without one)."""
    first = amqp_url.split(",")[0].strip()
    return unquote(urlsplit(first).username or "") or "guest"


def amqp_password() -> str | None:
    return get_secret(AMQP_PASSWORD, required=True)


def api_token() -> str | None:
    return get_secret(API_TOKEN)


class TillSync:
    def __init__(
        self,
        settings: SyncSettings,
        reader: Engine,
        writer: Engine,
        uow_factory: Callable[[], UnitOfWork],
        *,
        password: Callable[[], str | None] = amqp_password,
        token: Callable[[], str | None] = api_token,
        listen_catalog: bool = True,
        suspension: Mapping[str, Any] | None = None,
    ) -> None:
        self.settings = settings
        self.reader = reader
        self.uow_factory = uow_factory
        self.suspension = suspension if self._applies(suspension) else None
        """Set while head office has suspended this identity for this broker user."""
        queue = OutboxQueue(reader, writer, settings.store_id, settings.terminal_id)
        self.publisher = OutboxPublisher(settings, queue, password=password)
        self.reporter: StatusReporter | None = None
        if listen_catalog and settings.central_url:  # the window's sync, not a one-off command
            self.reporter = StatusReporter(
                settings.central_url, settings.store_id, settings.terminal_id,
                self._report, token=token,
            )
        self.catalog: CatalogListener | None = None
        if listen_catalog:
            self.catalog = CatalogListener(
                settings, uow_factory, password=password, token=token,
                on_applied=self.reporter.catalog_applied if self.reporter else None,
                on_suspended=self._on_suspended,
            )
        self.running = False
        self._stale_suspension = suspension is not None and self.suspension is None

    @classmethod
    def from_stored(
        cls,
        stored: Mapping[str, Any],
        reader: Engine,
        writer: Engine,
        uow_factory: Callable[[], UnitOfWork],
        **kwargs: Any,
    ) -> TillSync:
        kwargs.setdefault("suspension", stored.get(SUSPENDED_KEY))
        return cls(load_sync_settings(stored), reader, writer, uow_factory, **kwargs)

    def _applies(self, suspension: Mapping[str, Any] | None) -> bool:
        """A suspension holds for the identity and broker user it was told to: a manager
        registering the till again gives it a new user (pos-central till add)."""
        if not suspension:
            return False
        return (
            suspension.get("store_id"),
            suspension.get("terminal_id"),
            suspension.get("user"),
        ) == (self.settings.store_id, self.settings.terminal_id, self.user)

    @property
    def user(self) -> str:
        return broker_user(self.settings.amqp_url)

    def _on_suspended(self, notice: Mapping[str, Any]) -> None:
        """Head office suspended this identity: remember it (a restart keeps it) and stop
        syncing; the sales stay in the outbox."""
        record = {**notice, "user": self.user}
        with self.uow_factory() as uow:
            uow.settings.set(SUSPENDED_KEY, record)
            uow.commit()
        self.running = False
        self.publisher.stop()
        self.suspension = record  # shown once nothing is sent any more
        log.error(
            "sync suspended by head office",
            extra={"store_id": self.settings.store_id, "terminal_id": self.settings.terminal_id},
        )

    def start(self) -> None:
        if not self.settings.enabled or self.running:
            return
        if self.suspension is not None:
            log.error("sync not started: head office suspended this identity")
            return
        if self._stale_suspension:  # registered again since: forget the old notice
            with self.uow_factory() as uow:
                uow.settings.set(SUSPENDED_KEY, None)
                uow.commit()
            self._stale_suspension = False
        log.info(
            "sync starting",
            extra={
                "store_id": self.settings.store_id,
                "terminal_id": self.settings.terminal_id,
                "exchange": self.settings.events_exchange,
            },
        )
        self.publisher.start()
        if self.catalog is not None:
            self.catalog.start()
        if self.reporter is not None:
            self.reporter.start()
        self.running = True

    def stop(self) -> None:
        if self.reporter is not None:
            self.reporter.stop()
        if self.catalog is not None:
            self.catalog.stop()
        self.publisher.stop()
        self.running = False

    def wake(self) -> None:
        if self.running:
            self.publisher.wake()

    def drain(self, timeout: float = 60.0) -> DrainResult:
        return self.publisher.drain(timeout)

    def link(self) -> Link:
        if self.suspension is not None:
            return Link(
                SyncState.SUSPENDED,
                suspended_text(self.settings.store_id, self.settings.terminal_id),
                self.suspension.get("suspended_at"),
            )
        if not self.settings.configured:
            return Link(SyncState.OFFLINE, NOT_CONFIGURED)
        if not self.settings.enabled:
            return Link(SyncState.OFFLINE, DISABLED)
        return self.publisher.link()

    def _report(self) -> dict[str, Any]:
        """What the status report says (``head_office.StatusReporter``)."""
        status = self.status()
        version = self.catalog.version() if self.catalog is not None else 0
        return {"sync_state": status.state.value, "pending_events": status.pending,
                "oldest_unsent_at": status.oldest_unsent_at, "catalog_version": version}

    def status(self) -> SyncStatus:
        return read_sync_status(self.reader, self.link)
