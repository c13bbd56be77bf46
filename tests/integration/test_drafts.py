"""The sale on screen is saved without the cashier waiting for the disk: the row is in
the WAL when the save returns (kill -9 keeps it) and on disk once the book's thread has
fsynced it (a power cut keeps it)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pos_desktop.app import Till
from pos_desktop.store.db import database_path
from pos_desktop.store.drafts import DraftBook


def test_a_saved_draft_is_seen_by_another_connection_and_then_synced(tmp_path: Path) -> None:
    Till.open(tmp_path, demo=True).close()
    till = Till.open(tmp_path)
    try:
        book = DraftBook(till.writer)
        book.save({"sale_id": "s-1", "lines": []})
        # another process's view of the file: the row is committed already
        other = sqlite3.connect(database_path(tmp_path))
        assert other.execute("SELECT sale_id FROM open_sale").fetchall() == [("s-1",)]
        other.close()
        assert book.synced(timeout=30)
        book.clear()
        assert book.synced(timeout=30)
        assert book.pending() is None
        book.close()
        book.close()  # twice is harmless (the till closes its own as well)
    finally:
        till.close()


def test_simulate_holds_a_recovered_sale_even_with_its_card_payment(tmp_path: Path) -> None:
    # Killed after the script's card tender: the next simulate stopped with "a card was
    # already taken" (a sale with a card cannot be held) instead of selling on.
    from pos_desktop.domain.sale import TenderKind

    till = Till.open(tmp_path, demo=True)
    till.register.scan("7791234643615")
    till.register.tender(TenderKind.DEBIT, 100_000)
    till.close()
    till = Till.open(tmp_path, demo=True)
    try:
        assert till.recovered is not None
        till.start_scripted_run()
        assert not till.register.sale.lines
        assert len(till.register.parked()) == 1
    finally:
        till.close()
