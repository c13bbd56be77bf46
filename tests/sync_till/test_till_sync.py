"""Sync as the window starts it: ``Till.start_sync`` / ``restart_sync`` / ``sync_status``."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from pos_central.topology import Topology
from pos_desktop.app import Till
from pos_desktop.sync.status import SyncState

from .helpers import sell, take_messages

pytestmark = pytest.mark.services


def wait_for(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


def test_configuring_then_restarting_sync_takes_the_new_settings(
    till: Till, amqp_url: str, topology: Topology, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("POS_AMQP_URL", raising=False)
    sync = till.start_sync()  # not configured yet: nothing starts, the status says why
    assert not sync.running
    assert till.sync_status().state is SyncState.OFFLINE
    assert "sync.amqp_url" in (till.sync_status().last_error or "")

    with till.uow() as uow:
        uow.settings.set("sync.amqp_url", amqp_url)
        uow.settings.set("sync.prefix", topology.prefix)
        uow.settings.set("sync.enabled", True)
        uow.commit()
    sync = till.restart_sync()
    try:
        assert sync.running
        assert till.after_commit == [sync.wake]
        wait_for(lambda: till.sync_status().state is SyncState.ONLINE)
        wait_for(lambda: till.sync_status().pending == 0)
        before = sync.publisher.confirmed_total
        sell(till, 2)
        wait_for(lambda: sync.publisher.confirmed_total == before + 2)
        assert till.sync_status().pending == 0
        assert len(take_messages(amqp_url, topology.ingest_queue, before + 2)) == before + 2
    finally:
        till.stop_sync()
