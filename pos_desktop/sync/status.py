"""How far behind head office this till is, for the status bar and ``sync status --json``.

Two sources make one ``SyncStatus``: the outbox (pending and failed events, the age of
the oldest unsent one) and whether the catalogue is behind head office's and why (a
change or snapshot the till refused), read from the database, and the live link state
that the publisher reports (online / offline / error and why). The window polls
``read_sync_status`` on a timer and shows ``status_bar_text``; this module knows
nothing of Qt or of the broker, so the dependency still points inward.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from pos_common.i18n import N_, _, ngettext
from pos_desktop.store.outbox import Backlog, outbox_backlog
from pos_desktop.sync.catalog_behind import behind


class SyncState(enum.StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"
    ERROR = "error"
    SUSPENDED = "suspended"
    """Head office found another till with this identity: nothing is sent until a manager
    registers this one again."""


@dataclass(frozen=True, slots=True)
class Link:
    """What the publisher last saw of the broker."""

    state: SyncState
    error: str | None = None
    since: str | None = None  # RFC 3339 UTC of the last change of state


@dataclass(frozen=True, slots=True)
class SyncStatus:
    state: SyncState
    pending: int  # every event not yet confirmed by the broker (failed included)
    failed: int  # refused by the broker (unroutable or nacked): kept, retried, shown
    oldest_unsent_at: str | None
    oldest_unsent_age_s: float | None
    last_error: str | None
    since: str | None
    catalog_behind: str | None = None
    """Why the catalogue is behind head office's (a change or snapshot it refused)."""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["state"] = self.state.value
        return data


# What the sync service reports when no broker is configured (a standalone till).
NOT_CONFIGURED = N_("sync not configured (sync.amqp_url / POS_AMQP_URL)")


def combine(backlog: Backlog, link: Link, now: datetime | None = None,
            catalog_behind: str | None = None) -> SyncStatus:
    """Events the broker refused make the state ``error`` even while the link is up."""
    now = now or datetime.now(UTC)
    age = None
    if backlog.oldest_unsent_at:
        written = datetime.fromisoformat(backlog.oldest_unsent_at)
        if written.tzinfo is None:
            written = written.replace(tzinfo=UTC)
        age = round(max(0.0, (now - written).total_seconds()), 1)
    state, error = link.state, link.error
    if backlog.failed and state is SyncState.ONLINE:
        state, error = SyncState.ERROR, backlog.failed_error
    return SyncStatus(
        state=state,
        pending=backlog.unsent,
        failed=backlog.failed,
        oldest_unsent_at=backlog.oldest_unsent_at,
        oldest_unsent_age_s=age,
        last_error=error or (backlog.failed_error if backlog.failed else None),
        since=link.since,
        catalog_behind=catalog_behind,
    )


def read_sync_status(
    engine: Engine, link: Callable[[], Link], now: datetime | None = None
) -> SyncStatus:
    """Read the outbox (a short read, never the write lock) and merge the link state.

    ``link`` is the publisher's ``link`` method, or a probe when no publisher runs here.
    """
    with engine.connect() as conn:
        backlog = outbox_backlog(conn)
        refused = behind(conn)
    return combine(backlog, link(), now, refused["reason"] if refused else None)


def format_age(seconds: float) -> str:
    if seconds < 60:
        return _("{n} s").format(n=int(seconds))
    if seconds < 3600:
        return _("{n} min").format(n=int(seconds // 60))
    if seconds < 86400:
        return _("{n} h").format(n=int(seconds // 3600))
    days = int(seconds // 86400)
    return ngettext("{n} day", "{n} days", days).format(n=days)


def status_bar_text(status: SyncStatus) -> tuple[str, str]:
    """(text, level) for ``status_bar.set_sync_state`` (which puts "Sync:" in front);
    level is ok / info (standalone) / warning / error."""
    if status.last_error == NOT_CONFIGURED:  # a standalone till: nothing is wrong, nothing
        return _("standalone till (no head office)"), "info"  # waits to be sent anywhere
    label = {
        SyncState.ONLINE: _("online"),
        SyncState.OFFLINE: _("offline"),
        SyncState.ERROR: _("error"),
        SyncState.SUSPENDED: _("BLOCKED"),
    }[status.state]
    parts = [label]
    if status.state is SyncState.SUSPENDED and status.last_error:
        parts.append(_(status.last_error))  # first: nothing is sent until this is dealt with
    if status.pending:
        parts.append(_("{n} to send").format(n=status.pending))
        if status.oldest_unsent_age_s is not None:
            parts.append(_("oldest {age}").format(age=format_age(status.oldest_unsent_age_s)))
    if status.failed:
        parts.append(_("{n} refused").format(n=status.failed))
    if status.state not in (SyncState.ONLINE, SyncState.SUSPENDED) and status.last_error:
        parts.append(_(status.last_error))  # a reason named by a msgid is translated here
    level = {
        SyncState.ONLINE: "ok",
        SyncState.OFFLINE: "warning",
        SyncState.ERROR: "error",
        SyncState.SUSPENDED: "error",
    }[status.state]
    if status.catalog_behind:  # sales go on; prices and products are not head office's
        parts.append(_("catalogue behind head office: {reason}").format(
            reason=status.catalog_behind))
        level = "warning" if level == "ok" else level
    return " · ".join(parts), level
