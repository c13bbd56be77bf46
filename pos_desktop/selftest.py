"""``pos-desktop --self-test``: sell one item through the real window, offscreen, on a
temporary data folder, then check what the database holds. Prints each check; exit 0/1.

It exercises the same pieces as a real till (composition root, migrations, demo catalogue,
window, keyboard handling, checkout transaction), so a packaged build can prove itself.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

DEMO_BARCODE = "7791234643615"  # Yerba Mate Playadito 1 kg in the demo catalogue


class SelfTestFailed(Exception):
    pass


def _check(label: str, ok: bool, detail: str = "") -> None:
    print(f"[{'OK' if ok else 'FAIL'}] {label}{': ' + detail if detail else ''}", flush=True)
    if not ok:
        raise SelfTestFailed(label)


def _arca_wsdls_load() -> bool:
    """The fiscal adapter's SOAP clients parse the WSDLs shipped in pos_arca (a packaged
    build that left them out could not issue a single comprobante)."""
    from pos_arca.transport import _document

    return all(_document(name) is not None for name in ("wsaa.wsdl", "wsfev1.wsdl"))


def run_self_test(data_dir: Path | None = None) -> int:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if data_dir is None:
        with tempfile.TemporaryDirectory(prefix="super-pos-selftest-") as tmp:
            return _run(Path(tmp))
    return _run(data_dir)


def _run(data_dir: Path) -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from sqlalchemy import func, select

    from pos_desktop.app import Till
    from pos_desktop.store.repositories import GENESIS_HASH, chain_hash
    from pos_desktop.store.tables import journal, outbox, payments, print_jobs, sale_lines, sales
    from pos_desktop.ui.launch import application, build_window

    print(f"Super POS self-test on {data_dir}", flush=True)
    app = application()
    till = Till.open(data_dir, demo=True)
    window = None
    try:
        _check("demo catalogue loaded", till.register.catalog.count() > 0)
        window = build_window(till)
        window.show()
        _check("window shown", QTest.qWaitForWindowExposed(window, 5000))
        app.processEvents()
        _check("scan field has the keyboard", window.focusWidget() is window.scan)
        QTest.keyClicks(window.scan, DEMO_BARCODE)
        QTest.keyClick(window.scan, Qt.Key.Key_Return)
        sale = till.register.sale
        _check(
            "scanned item is on the sale",
            len(sale.lines) == 1,
            sale.lines[0].product.name if sale.lines else "no line",
        )
        total = sale.total
        QTest.keyClick(window.scan, Qt.Key.Key_F12)
        dialog = window.dialog
        _check("payment dialog opened", dialog is not None)
        assert dialog is not None
        QTest.keyClick(dialog.focusProxy() or dialog, Qt.Key.Key_Return)  # exact cash
        app.processEvents()
        _check("payment dialog closed", window.dialog is None)
        _check("sale completed", not till.register.sale.lines)
        with till.uow() as uow:
            conn = uow.conn
            row = conn.execute(
                select(sales.c.sale_id, sales.c.total, sales.c.ticket_number, sales.c.payload)
            ).one()
            sale_id = row.sale_id
            ticket = json.loads(row.payload)["ticket"]
            _check(
                "one sale saved",
                conn.execute(select(func.count()).select_from(sales)).scalar_one() == 1,
                f"total {row.total}",
            )
            _check("sale total matches the window", row.total == total)
            lines = conn.execute(select(sale_lines).where(sale_lines.c.sale_id == sale_id)).all()
            _check("sale line saved", len(lines) == 1 and lines[0].barcode == DEMO_BARCODE)
            pays = conn.execute(select(payments).where(payments.c.sale_id == sale_id)).all()
            _check(
                "cash payment saved",
                len(pays) == 1 and pays[0].kind == "cash" and pays[0].amount == total,
            )
            entries = conn.execute(select(journal).order_by(journal.c.seq)).all()
            mine = [i for i, e in enumerate(entries) if e.kind == "sale" and e.ref == ticket]
            prev = entries[mine[0] - 1].hash if mine and mine[0] > 0 else GENESIS_HASH
            entry = entries[mine[0]] if mine else None
            _check(
                "journal entry chained",
                entry is not None
                and entry.prev_hash == prev
                and entry.hash == chain_hash(prev, entry.record),
                f"seq {entry.seq}" if entry is not None else "missing",
            )
            events = conn.execute(select(outbox).order_by(outbox.c.seq)).all()
            ours = [
                e
                for e in events
                if e.type == "sale.completed"
                and json.loads(e.envelope)["payload"]["sale_id"] == sale_id
            ]
            _check(
                "outbox event pending",
                len(ours) == 1 and ours[0].status == "pending",
                f"seq {ours[0].seq}" if ours else "missing",
            )
            _check(
                "outbox numbering gapless",
                [e.seq for e in events] == list(range(1, len(events) + 1)),
            )
            jobs = conn.execute(select(print_jobs).where(print_jobs.c.ref == ticket)).all()
            _check("receipt print job queued", len(jobs) == 1 and jobs[0].kind == "receipt")
        _check("ARCA's WSDLs load (shipped, never downloaded)", _arca_wsdls_load())
        print("Self-test passed.", flush=True)
        return 0
    except SelfTestFailed as exc:
        print(f"Self-test FAILED at: {exc}", file=sys.stderr, flush=True)
        return 1
    except Exception as exc:
        print(f"Self-test FAILED: {exc!r}", file=sys.stderr, flush=True)
        return 1
    finally:
        if window is not None:
            window.stop_parts()
            window.close()
            window.deleteLater()
        till.close()
