"""Two real tills restored from one disk image, both online: head office keeps every sale
of both, both tills are told and stop syncing under that identity (a restart does not
undo it), and the one a manager registers again syncs from where it was."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from pos_central.tills import TillRegistry
from pos_desktop.app import Till
from pos_desktop.sync.status import SyncState, status_bar_text
from tests.e2e.test_sync_end_to_end import (  # noqa: F401 - fixtures
    Central,
    central,
    configure,
    memory_keyring,
    outbox_count,
    pg,
    unsent,
    wait_for,
)
from tests.sync_till.helpers import sell

pytestmark = [pytest.mark.services, pytest.mark.slow]


@pytest.fixture
def image(tmp_path: Path, central: Central, amqp_url: str) -> Path:  # noqa: F811
    """A configured till's data folder, closed: the disk image."""
    folder = tmp_path / "image"
    till = Till.open(folder, demo=True)
    configure(till, central, amqp_url)
    till.close()
    return folder


@pytest.fixture
def twins(image: Path, tmp_path: Path) -> Iterator[tuple[Till, Till]]:
    opened = []
    for name in ("first", "second"):
        shutil.copytree(image, tmp_path / name)
        opened.append(Till.open(tmp_path / name, demo=True))
    try:
        yield opened[0], opened[1]
    finally:
        for till in opened:
            till.close()


def sale_ids(till: Till) -> set[str]:
    with till.reader.connect() as conn:
        return {str(s) for s in conn.execute(text("SELECT sale_id FROM sales")).scalars()}


def unsent_sale_ids(till: Till) -> set[str]:
    with till.reader.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT json_extract(envelope, '$.payload.sale_id') FROM outbox "
                "WHERE status != 'sent' AND type = 'sale.completed'"
            )
        ).scalars()
        return {str(s) for s in rows}


def central_sale_ids(central: Central) -> tuple[set[str], set[str]]:  # noqa: F811
    applied = {str(r[0]) for r in pg(central.db_url, "SELECT sale_id FROM sales")}
    held = {
        str(r[0])
        for r in pg(central.db_url, "SELECT (body::jsonb)#>>'{payload,sale_id}' FROM held_events")
        if r[0] is not None
    }
    return applied, held


def suspended(till: Till) -> bool:
    return till.sync_status().state is SyncState.SUSPENDED


def test_cloned_tills_are_both_told_and_every_sale_of_both_is_kept(
    twins: tuple[Till, Till], central: Central, amqp_url: str  # noqa: F811
) -> None:
    first, second = twins
    first.start_sync()
    sell(first, 5, seed=1)
    wait_for(lambda: unsent(first) == 0, what="the first till to send")
    wait_for(lambda: central.events() == outbox_count(first), what="central to apply them")
    second.start_sync()
    sell(second, 3, seed=2)  # the same seqs again: today half were dead-lettered, unseen
    wait_for(lambda: suspended(first) and suspended(second), timeout=60, what="both told")

    status = second.sync_status()
    text_shown, level = status_bar_text(status)
    assert level == "error"
    assert "S001/T01" in text_shown and (status.last_error or "") in text_shown
    assert not first.sync.running and not second.sync.running  # type: ignore[union-attr]
    applied, held = central_sale_ids(central)
    for till in (first, second):  # every sale: in the books, in quarantine, or still here
        assert sale_ids(till) <= applied | held | unsent_sale_ids(till)
    assert held and sale_ids(second) & held
    assert pg(central.db_url, "SELECT kind FROM central_alerts") == [("clone",)]

    sell(first, 1, seed=3)  # a sale while blocked stays in the outbox
    while_blocked = unsent_sale_ids(first) - applied - held
    assert len(while_blocked) == 1
    first.restart_sync()  # a restart does not lift it
    assert suspended(first) and not first.sync.running  # type: ignore[union-attr]

    # The manager registers the first till again; the second stays blocked for good.
    new = TillRegistry(central.db_url, amqp_url, central.topology).register("S001", "T01")
    central.till_user = new
    with first.uow() as uow:
        uow.settings.set("sync.amqp_url", central.as_till(amqp_url))
        uow.commit()
    first.restart_sync()
    wait_for(lambda: unsent(first) == 0, timeout=60, what="the first till to catch up")
    wait_for(
        lambda: while_blocked <= central_sale_ids(central)[0], what="its new sale applied"
    )
    applied, held = central_sale_ids(central)
    assert sale_ids(first) <= applied | held
    assert first.sync_status().state is SyncState.ONLINE
    assert suspended(second)
    second.restart_sync()
    assert suspended(second)

