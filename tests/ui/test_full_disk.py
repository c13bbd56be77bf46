"""A full disk at the payment: the window says so in Spanish and what to do, the sale
stays on screen, and it completes once there is room (SQLite's own SQLITE_FULL, through
``max_page_count``: no mock)."""

from __future__ import annotations

import sqlite3

from sqlalchemy import event

from pos_desktop.app import Till
from pos_desktop.domain.sale import TenderKind
from pos_desktop.ui.main_window import MainWindow

YERBA = "7791234643615"


def test_a_full_disk_at_the_payment_is_said_and_the_sale_kept(
        window: MainWindow, till: Till) -> None:
    with till.writer.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()

    def no_room(dbapi: sqlite3.Connection, _record: object) -> None:
        dbapi.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(till.writer, "connect", no_room)
    till.writer.dispose()
    register = window.register
    try:
        for _ in range(200):  # until the file has no page left for one more sale
            for _ in range(12):
                register.scan(YERBA)
            register.tender(TenderKind.CASH)
            window.run(register.complete)
            if register.sale.lines:
                break
        assert register.sale.lines, "the disk never filled"
        assert "El disco está lleno" in window.banner.text()
        assert "Traceback" not in window.banner.text()
    finally:
        event.remove(till.writer, "connect", no_room)
        till.writer.dispose()
    window.run(register.complete)
    assert register.sale.lines == []  # room again: the same sale completes
