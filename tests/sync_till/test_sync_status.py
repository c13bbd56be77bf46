"""What the status bar and ``sync status`` show, computed from the outbox and the link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from pos_common.i18n import set_language
from pos_desktop.app import Till
from pos_desktop.store.tables import outbox
from pos_desktop.sync.status import (
    Link,
    SyncState,
    read_sync_status,
    status_bar_text,
)

from .helpers import sell


def mark_all_sent(till: Till) -> None:
    """The demo till opens a shift (one event): start from an outbox with nothing unsent."""
    with till.writer.begin() as conn:
        conn.execute(update(outbox).values(status="sent"))


def test_pending_count_and_age_of_the_oldest_unsent_event(till: Till) -> None:
    mark_all_sent(till)
    sell(till, 3)
    with till.writer.begin() as conn:
        first = conn.execute(select(func.min(outbox.c.seq)).where(outbox.c.status == "pending"))
        conn.execute(update(outbox).where(outbox.c.seq == first.scalar_one()).values(status="sent"))
    later = datetime.now(UTC) + timedelta(minutes=5)
    status = read_sync_status(till.reader, lambda: Link(SyncState.OFFLINE, "sin red"), now=later)
    assert status.state is SyncState.OFFLINE
    assert (status.pending, status.failed) == (2, 0)
    assert status.oldest_unsent_age_s is not None
    assert 295 <= status.oldest_unsent_age_s <= 310
    data = status.to_dict()
    assert data["state"] == "offline" and data["pending"] == 2 and data["last_error"] == "sin red"


def test_refused_events_turn_an_online_link_into_an_error(till: Till) -> None:
    mark_all_sent(till)
    sell(till, 2)
    with till.writer.begin() as conn:
        last = conn.execute(select(func.max(outbox.c.seq))).scalar_one()
        conn.execute(
            update(outbox).where(outbox.c.seq == last).values(status="failed", last_error="NO_ROUTE")
        )
    status = read_sync_status(till.reader, lambda: Link(SyncState.ONLINE))
    assert status.state is SyncState.ERROR
    assert (status.pending, status.failed, status.last_error) == (2, 1, "NO_ROUTE")
    text, level = status_bar_text(status)
    assert level == "error"
    assert "NO_ROUTE" in text


def test_nothing_pending_reads_online_and_ok(till: Till) -> None:
    mark_all_sent(till)
    status = read_sync_status(till.reader, lambda: Link(SyncState.ONLINE))
    assert (status.state, status.pending, status.oldest_unsent_age_s) == (SyncState.ONLINE, 0, None)
    assert status_bar_text(status)[1] == "ok"


def test_status_bar_text_names_count_and_age() -> None:
    from pos_desktop.sync.status import SyncStatus

    status = SyncStatus(SyncState.OFFLINE, 12, 0, "2026-11-28T10:00:00+00:00", 7320.0,
                        "sin conexión", None)
    set_language("en")
    text, level = status_bar_text(status)
    assert level == "warning"
    assert text == "offline · 12 to send · oldest 2 h · sin conexión"


def test_till_sync_status_without_configuration_says_so(till: Till) -> None:
    status = till.sync_status()
    assert status.state is SyncState.OFFLINE
    assert "sync.amqp_url" in (status.last_error or "")


def test_a_catalogue_behind_head_office_shows_with_its_reason_until_caught_up(
    till: Till,
) -> None:
    from pos_desktop.sync.catalog_apply import apply_snapshot
    from pos_desktop.sync.catalog_behind import mark_behind

    mark_all_sent(till)
    online = lambda: Link(SyncState.ONLINE)  # noqa: E731
    mark_behind(till.uow, "catálogo: PLU repetido: 401", 9)
    status = read_sync_status(till.reader, online)
    assert status.to_dict()["catalog_behind"] == "catálogo: PLU repetido: 401"
    previous = set_language("es_AR")
    try:
        text, level = status_bar_text(status)
    finally:
        set_language(previous)
    assert text == ("conectado · catálogo atrasado respecto de la central: catálogo: PLU "
                    "repetido: 401")
    assert level == "warning"  # selling goes on; someone should look
    apply_snapshot(till.uow, 9, [])
    assert read_sync_status(till.reader, online).catalog_behind is None
