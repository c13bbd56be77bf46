"""Selling at the till window by keystrokes, as a cashier (and a barcode scanner) would."""

from __future__ import annotations

import json
import threading

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pos_desktop.app import Till
from pos_desktop.domain.errors import PermissionDenied
from pos_desktop.domain.sale import TenderKind
from pos_desktop.services.checkout import Cashier
from pos_desktop.ui.confirm_dialog import ConfirmDialog
from pos_desktop.ui.dialog_base import EntryDialog
from pos_desktop.ui.help_dialog import KeysDialog
from pos_desktop.ui.launch import build_window
from pos_desktop.ui.main_window import MainWindow
from pos_desktop.ui.park_dialog import ParkDialog
from pos_desktop.ui.payment_dialog import PaymentDialog
from pos_desktop.ui.search_dialog import SearchDialog
from pos_desktop.ui.sync_indicator import SyncIndicator
from tests.ui.conftest import key, scan, unit_barcodes

YERBA = "7791234643615"  # Yerba Mate Playadito 1 kg, $ 5.290,00
TARAGUI = "7790387451504"  # Yerba Mate Taragüí Con Palo 1 kg, $ 4.990,00
ENTER = Qt.Key.Key_Return


def lines(window: MainWindow) -> list[tuple[str, int]]:
    return [(li.product.name, li.quantity_milli) for li in window.register.sale.lines]


def shown(window: MainWindow) -> list[tuple[str, ...]]:
    return [row.cells for row in window.model.rows]


def saved_sales(till: Till) -> list[dict[str, object]]:
    with till.uow() as uow:
        return list(uow.sales.payloads())


def has_keyboard(qtbot: QtBot, window: MainWindow) -> None:
    """The scan field gets the keyboard back (once the window is active again)."""
    assert window.focusWidget() is window.scan
    qtbot.waitUntil(window.scan.hasFocus, timeout=1000)


def no_modal() -> bool:
    return QApplication.activeModalWidget() is None


# -- scanning ------------------------------------------------------------------------------


def test_the_scan_field_has_the_keyboard_at_start(qtbot: QtBot, window: MainWindow) -> None:
    has_keyboard(qtbot, window)


def test_a_scanned_code_adds_a_line_and_the_big_total(qtbot: QtBot, window: MainWindow) -> None:
    scan(qtbot, window, YERBA)

    assert shown(window) == [
        ("1", "Yerba Mate Playadito 1 kg", "1", "$ 5.290,00", "", "$ 5.290,00")
    ]
    assert window.total_panel.amount.text() == "$ 5.290,00"
    assert window.scan.text() == ""
    assert window.table.current_row() == 0
    has_keyboard(qtbot, window)


def test_quantity_before_the_code_in_one_entry_or_two(qtbot: QtBot, window: MainWindow) -> None:
    scan(qtbot, window, "3*" + YERBA)
    scan(qtbot, window, "2*")  # the quantity alone waits for the next scan
    assert window.quantity_badge.isVisible()
    scan(qtbot, window, TARAGUI)

    assert lines(window) == [
        ("Yerba Mate Playadito 1 kg", 3000),
        ("Yerba Mate Taragüí Con Palo 1 kg", 2000),
    ]
    assert not window.quantity_badge.isVisible()
    assert window.total_panel.amount.text() == "$ 25.850,00"


def test_an_unknown_code_is_a_red_message_not_a_modal_and_scanning_goes_on(
    qtbot: QtBot, window: MainWindow
) -> None:
    scan(qtbot, window, "7799999999999")

    assert window.banner.text() == "Código desconocido: 7799999999999"
    assert window.banner.level == "error"
    assert no_modal()
    has_keyboard(qtbot, window)
    scan(qtbot, window, YERBA)
    assert lines(window) == [("Yerba Mate Playadito 1 kg", 1000)]


def test_a_bad_quantity_is_explained_in_spanish(qtbot: QtBot, window: MainWindow) -> None:
    scan(qtbot, window, "2,5*" + YERBA)

    assert window.banner.level == "error"
    assert window.banner.text().startswith("Cantidad inválida")
    assert lines(window) == []
    assert no_modal()


def test_a_weighed_product_scanned_without_weight_asks_for_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    scan(qtbot, window, "A0339")  # Pan Francés, sold by the kilo
    assert window.banner.level == "error"
    assert "0,350*A0339" in window.banner.text()

    scan(qtbot, window, "0,350*A0339")
    assert shown(window)[0][2:4] == ("0,350 kg", "$ 4.290,00/kg")
    assert window.register.sale.total == 150150  # 4290.00 × 0.350 = 1501.50


def test_a_scanner_burst_of_twenty_codes_keeps_every_line_in_order(
    qtbot: QtBot, window: MainWindow
) -> None:
    codes = unit_barcodes()[:20]
    for code, _name in codes:  # 13 digits + Enter, back to back, no waiting
        scan(qtbot, window, code)

    assert [name for name, _q in lines(window)] == [name for _c, name in codes]
    assert [q for _n, q in lines(window)] == [1000] * 20
    assert len(window.model.rows) == 20


def test_scans_queued_while_an_add_is_processed_are_not_lost(
    qtbot: QtBot, window: MainWindow, qapp: QApplication
) -> None:
    """Post every keystroke of 20 scans before the first is handled, like a scanner
    that fires while the till is still adding: all must arrive, in order."""
    codes = [code for code, _n in unit_barcodes()[:19]] + [YERBA]
    for code in codes:
        for ch in code:
            k = Qt.Key(ord(ch))
            qapp.postEvent(
                window.scan, QKeyEvent(QEvent.Type.KeyPress, k, Qt.KeyboardModifier.NoModifier, ch)
            )
            qapp.postEvent(
                window.scan,
                QKeyEvent(QEvent.Type.KeyRelease, k, Qt.KeyboardModifier.NoModifier, ch),
            )
        qapp.postEvent(
            window.scan,
            QKeyEvent(QEvent.Type.KeyPress, ENTER, Qt.KeyboardModifier.NoModifier, "\r"),
        )
        qapp.postEvent(
            window.scan,
            QKeyEvent(QEvent.Type.KeyRelease, ENTER, Qt.KeyboardModifier.NoModifier, "\r"),
        )
    assert lines(window) == []  # nothing handled yet: all 20 scans are waiting in the queue

    qtbot.waitUntil(lambda: len(window.register.sale.lines) >= 20, timeout=5000)
    barcodes = [li.barcode for li in window.register.sale.lines]
    assert barcodes == codes
    assert window.banner.level != "error"


def test_the_same_code_scanned_again_adds_to_the_line(qtbot: QtBot, window: MainWindow) -> None:
    for _ in range(5):
        scan(qtbot, window, YERBA)
    assert lines(window) == [("Yerba Mate Playadito 1 kg", 5000)]
    assert shown(window)[0][5] == "$ 26.450,00"


# -- editing the sale ------------------------------------------------------------------------


def test_up_down_move_the_selection_and_del_voids_that_line(
    qtbot: QtBot, window: MainWindow
) -> None:
    scan(qtbot, window, YERBA)
    scan(qtbot, window, TARAGUI)
    scan(qtbot, window, "A0010")  # Café La Virginia Molido 500 g, by SKU
    key(qtbot, window.scan, Qt.Key.Key_Up)
    assert window.table.current_row() == 1
    has_keyboard(qtbot, window)

    key(qtbot, window.scan, Qt.Key.Key_Delete)
    assert isinstance(window.dialog, ConfirmDialog)  # a void asks first
    assert "Yerba Mate Taragüí Con Palo 1 kg × 1" in window.dialog.hint.text()
    key(qtbot, window.dialog, ENTER)

    assert [n for n, _q in lines(window)] == [
        "Yerba Mate Playadito 1 kg",
        "Café La Virginia Molido 500 g",
    ]
    assert "Anulado" in window.banner.text()
    has_keyboard(qtbot, window)


def test_del_edits_the_text_when_something_is_typed(qtbot: QtBot, window: MainWindow) -> None:
    scan(qtbot, window, YERBA)
    qtbot.keyClicks(window.scan, "779")
    key(qtbot, window.scan, Qt.Key.Key_Home)
    key(qtbot, window.scan, Qt.Key.Key_Delete)
    assert window.scan.text() == "79"
    assert len(lines(window)) == 1


def test_f2_changes_the_quantity_typed_or_in_its_dialog(qtbot: QtBot, window: MainWindow) -> None:
    scan(qtbot, window, YERBA)
    qtbot.keyClicks(window.scan, "4")
    key(qtbot, window.scan, Qt.Key.Key_F2)
    assert lines(window) == [("Yerba Mate Playadito 1 kg", 4000)]

    key(qtbot, window.scan, Qt.Key.Key_F2)
    dialog = window.dialog
    assert isinstance(dialog, EntryDialog)
    dialog.field.clear()
    qtbot.keyClicks(dialog.field, "1,5")
    key(qtbot, dialog.field, ENTER)
    assert dialog.isVisible()  # half a unit of a unit product: refused inside the dialog
    assert dialog.error.text()
    assert "Cantidad inválida" in dialog.error.text()
    dialog.field.clear()
    qtbot.keyClicks(dialog.field, "2")
    key(qtbot, dialog.field, ENTER)

    assert window.dialog is None
    assert lines(window) == [("Yerba Mate Playadito 1 kg", 2000)]
    has_keyboard(qtbot, window)


def test_line_discount_percent_and_ticket_discount_amount(qtbot: QtBot, window: MainWindow) -> None:
    scan(qtbot, window, "2*" + YERBA)  # $ 10.580,00
    scan(qtbot, window, TARAGUI)  # $ 4.990,00
    key(qtbot, window.scan, Qt.Key.Key_Up)

    key(qtbot, window.scan, Qt.Key.Key_F4)  # line discount dialog for the Playadito line
    dialog = window.dialog
    assert isinstance(dialog, EntryDialog)
    qtbot.keyClicks(dialog.field, "10%")
    key(qtbot, dialog.field, ENTER)
    assert window.dialog is None
    assert shown(window)[0][4:] == ("-$ 1.058,00", "$ 9.522,00")
    assert not window.table.isColumnHidden(4)

    qtbot.keyClicks(window.scan, "500")  # typed, then F6: $ 500 off the ticket
    key(qtbot, window.scan, Qt.Key.Key_F6)

    assert window.register.sale.total == 952200 + 499000 - 50000
    assert window.total_panel.amount.text() == "$ 14.012,00"
    assert "Descuentos" in window.total_panel.detail.text()


def test_a_discount_larger_than_the_line_is_refused(qtbot: QtBot, window: MainWindow) -> None:
    scan(qtbot, window, YERBA)
    qtbot.keyClicks(window.scan, "9000")
    key(qtbot, window.scan, Qt.Key.Key_F4)
    assert window.banner.level == "error"
    assert "Descuento inválido" in window.banner.text()
    assert window.register.sale.total == 529000


def test_cancel_sale_asks_first(qtbot: QtBot, window: MainWindow) -> None:
    scan(qtbot, window, YERBA)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    key(qtbot, window.scan, Qt.Key.Key_X, ctrl_shift)
    dialog = window.dialog
    assert isinstance(dialog, ConfirmDialog)
    key(qtbot, dialog, Qt.Key.Key_Escape)
    assert window.dialog is None
    assert len(lines(window)) == 1

    key(qtbot, window.scan, Qt.Key.Key_X, ctrl_shift)
    dialog = window.dialog
    assert isinstance(dialog, ConfirmDialog)
    key(qtbot, dialog, ENTER)
    assert lines(window) == []
    assert window.total_panel.amount.text() == "$ 0,00"
    has_keyboard(qtbot, window)


# -- search ----------------------------------------------------------------------------------


def test_f3_finds_cafe_without_accent_and_enter_adds_it(qtbot: QtBot, window: MainWindow) -> None:
    key(qtbot, window.scan, Qt.Key.Key_F3)
    dialog = window.dialog
    assert isinstance(dialog, SearchDialog)
    qtbot.keyClicks(dialog.field, "CAFE virg")
    qtbot.waitUntil(lambda: len(dialog.products) > 0, timeout=2000)
    names = [p.name for p in dialog.products]
    assert names and all(n.startswith("Café La Virginia") for n in names)

    key(qtbot, dialog.field, Qt.Key.Key_Down)
    chosen = dialog.products[1].name
    key(qtbot, dialog.field, ENTER)

    assert window.dialog is None
    assert lines(window) == [(chosen, 1000)]
    has_keyboard(qtbot, window)


def test_search_of_a_weighed_product_asks_the_weight(qtbot: QtBot, window: MainWindow) -> None:
    key(qtbot, window.scan, Qt.Key.Key_F3)
    dialog = window.dialog
    assert isinstance(dialog, SearchDialog)
    qtbot.keyClicks(dialog.field, "pan frances")
    key(qtbot, dialog.field, ENTER)  # Enter right away: no need to wait for the pause
    assert dialog.weight.isVisible()
    qtbot.keyClicks(dialog.weight, "0,25")
    key(qtbot, dialog.weight, ENTER)

    assert lines(window) == [("Pan Francés", 250)]


def test_esc_closes_search_without_touching_the_sale(qtbot: QtBot, window: MainWindow) -> None:
    scan(qtbot, window, YERBA)
    key(qtbot, window.scan, Qt.Key.Key_F3)
    dialog = window.dialog
    assert isinstance(dialog, SearchDialog)
    qtbot.keyClicks(dialog.field, "coca")
    key(qtbot, dialog.field, Qt.Key.Key_Escape)
    assert window.dialog is None
    assert lines(window) == [("Yerba Mate Playadito 1 kg", 1000)]
    has_keyboard(qtbot, window)


# -- payment ---------------------------------------------------------------------------------


def open_payment(qtbot: QtBot, window: MainWindow) -> PaymentDialog:
    key(qtbot, window.scan, Qt.Key.Key_F12)
    dialog = window.dialog
    assert isinstance(dialog, PaymentDialog)
    return dialog


def test_enter_with_nothing_typed_takes_exact_cash(
    qtbot: QtBot, window: MainWindow, till: Till
) -> None:
    scan(qtbot, window, YERBA)
    dialog = open_payment(qtbot, window)
    assert dialog.total_value.text() == "$ 5.290,00"
    key(qtbot, dialog.field, ENTER)

    assert window.dialog is None
    [sale] = saved_sales(till)
    assert sale["tenders"] == [{"kind": "cash", "amount": 529000, "reference": None}]
    assert sale["change"] == 0
    assert lines(window) == []
    assert "0001-00000001" in window.banner.text()
    has_keyboard(qtbot, window)


def test_exact_cash_for_weighed_goods_is_rounded_down_to_the_peso(
    qtbot: QtBot, window: MainWindow, till: Till
) -> None:
    scan(qtbot, window, "0,347*A0339")  # Pan Francés, $ 4.290/kg: $ 1.488,63
    dialog = open_payment(qtbot, window)
    assert dialog.total_value.text() == "$ 1.488,63"
    assert dialog.preview.text() == "Enter: Efectivo $ 1.488,00 (redondeo -$ 0,63)"
    qtbot.keyClicks(dialog.field, "2000")
    assert dialog.preview.text() == "Vuelto: $ 512,00"
    dialog.field.clear()
    key(qtbot, dialog.field, ENTER)
    assert window.dialog is None
    [sale] = saved_sales(till)
    assert (sale["total"], sale["rounding"], sale["change"]) == (148_800, 63, 0)


def test_split_payment_debit_then_cash_with_change(
    qtbot: QtBot, window: MainWindow, till: Till
) -> None:
    scan(qtbot, window, "2*" + YERBA)  # $ 10.580,00
    dialog = open_payment(qtbot, window)
    key(qtbot, dialog.field, Qt.Key.Key_F2)  # debit
    qtbot.keyClicks(dialog.field, "5.000")
    key(qtbot, dialog.field, ENTER)
    assert dialog.isVisible()
    assert dialog.due_value.text() == "$ 5.580,00"
    assert dialog.tenders.count() == 1

    qtbot.keyClicks(dialog.field, "10000")  # cash (the default again)
    assert dialog.preview.text() == "Vuelto: $ 4.420,00"
    key(qtbot, dialog.field, ENTER)

    assert window.dialog is None
    [sale] = saved_sales(till)
    assert sale["tenders"] == [
        {"kind": "debit", "amount": 500000, "reference": None},
        {"kind": "cash", "amount": 1000000, "reference": None},
    ]
    assert sale["change"] == 442000
    assert window.total_panel.change.text() == "Vuelto: $ 4.420,00"
    assert "Vuelto: $ 4.420,00" in window.banner.text()


def test_credit_and_transfer_split_with_the_remaining_amount(
    qtbot: QtBot, window: MainWindow, till: Till
) -> None:
    scan(qtbot, window, YERBA)
    dialog = open_payment(qtbot, window)
    key(qtbot, dialog.field, Qt.Key.Key_F3)
    qtbot.keyClicks(dialog.field, "1290")
    key(qtbot, dialog.field, ENTER)
    key(qtbot, dialog.field, Qt.Key.Key_F4)  # transfer / QR: Enter takes what is left
    key(qtbot, dialog.field, ENTER)

    [sale] = saved_sales(till)
    assert [(t["kind"], t["amount"]) for t in sale["tenders"]] == [
        ("credit", 129000),
        ("transfer", 400000),
    ]


def test_a_card_over_the_amount_due_is_refused_inside_the_dialog(
    qtbot: QtBot, window: MainWindow, till: Till
) -> None:
    scan(qtbot, window, YERBA)
    dialog = open_payment(qtbot, window)
    key(qtbot, dialog.field, Qt.Key.Key_F3)
    qtbot.keyClicks(dialog.field, "6000")
    key(qtbot, dialog.field, ENTER)

    assert dialog.isVisible()
    assert dialog.error.text()
    assert "Pago no aceptado" in dialog.error.text()
    assert saved_sales(till) == []
    key(qtbot, dialog.field, Qt.Key.Key_Escape)


def test_a_barcode_scanned_into_the_amount_is_not_taken_as_cash(
    qtbot: QtBot, window: MainWindow, till: Till
) -> None:
    scan(qtbot, window, YERBA)
    dialog = open_payment(qtbot, window)
    qtbot.keyClicks(dialog.field, TARAGUI)  # the scanner fires while paying
    key(qtbot, dialog.field, ENTER)
    assert dialog.isVisible()
    assert "código de barras" in dialog.error.text()
    assert window.register.sale.tenders == []
    assert saved_sales(till) == []
    key(qtbot, dialog.field, Qt.Key.Key_Escape)


def test_bad_amount_is_explained_and_the_dialog_stays(qtbot: QtBot, window: MainWindow) -> None:
    scan(qtbot, window, YERBA)
    dialog = open_payment(qtbot, window)
    qtbot.keyClicks(dialog.field, "12,3,4")
    key(qtbot, dialog.field, ENTER)
    assert dialog.isVisible()
    assert "Importe inválido" in dialog.error.text()
    key(qtbot, dialog.field, Qt.Key.Key_Escape)


def test_esc_leaves_the_payment_and_keeps_the_sale(
    qtbot: QtBot, window: MainWindow, till: Till
) -> None:
    scan(qtbot, window, YERBA)
    dialog = open_payment(qtbot, window)
    key(qtbot, dialog.field, Qt.Key.Key_F2)
    qtbot.keyClicks(dialog.field, "1000")
    key(qtbot, dialog.field, ENTER)
    key(qtbot, dialog.field, Qt.Key.Key_Escape)

    assert window.dialog is None
    assert lines(window) == [("Yerba Mate Playadito 1 kg", 1000)]
    assert "Pagado: $ 1.000,00" in window.total_panel.detail.text()
    assert saved_sales(till) == []
    has_keyboard(qtbot, window)

    dialog = open_payment(qtbot, window)  # the debit taken is still there
    assert dialog.tenders.count() == 1
    key(qtbot, dialog.field, ENTER)
    [sale] = saved_sales(till)
    assert [(t["kind"], t["amount"]) for t in sale["tenders"]] == [
        ("debit", 100000),
        ("cash", 429000),
    ]


def test_paying_an_empty_sale_is_a_message_not_a_dialog(qtbot: QtBot, window: MainWindow) -> None:
    key(qtbot, window.scan, Qt.Key.Key_F12)
    assert window.dialog is None
    assert window.banner.level == "error"
    assert window.banner.text() == "La venta no tiene artículos."


# -- parking ---------------------------------------------------------------------------------


def test_f5_parks_the_sale_and_recalls_it(qtbot: QtBot, window: MainWindow, till: Till) -> None:
    scan(qtbot, window, "2*" + YERBA)
    scan(qtbot, window, TARAGUI)
    key(qtbot, window.scan, Qt.Key.Key_F5)
    assert lines(window) == []
    assert "espera" in window.banner.text()

    scan(qtbot, window, "A0010")  # serve the next customer meanwhile
    key(qtbot, window.dialog or window.scan, Qt.Key.Key_F12)
    pay = window.dialog
    assert isinstance(pay, PaymentDialog)
    key(qtbot, pay.field, ENTER)

    key(qtbot, window.scan, Qt.Key.Key_F5)
    dialog = window.dialog
    assert isinstance(dialog, ParkDialog)
    assert dialog.list.count() == 1
    key(qtbot, dialog.list, ENTER)

    assert window.dialog is None
    assert lines(window) == [
        ("Yerba Mate Playadito 1 kg", 2000),
        ("Yerba Mate Taragüí Con Palo 1 kg", 1000),
    ]
    assert window.register.parked() == []
    has_keyboard(qtbot, window)


def test_f5_with_nothing_on_hold_says_so(qtbot: QtBot, window: MainWindow) -> None:
    key(qtbot, window.scan, Qt.Key.Key_F5)
    assert window.dialog is None
    assert window.banner.text() == "No hay ventas en espera."


# -- what other features plug into -------------------------------------------------------------


def test_status_bar_shows_store_terminal_cashier_and_the_sync_and_printer_slots(
    window: MainWindow,
) -> None:
    status = window.status
    assert status.store.text() == "Almacén Don Pepe (S001)"
    assert "T01" in status.terminal.text()
    assert window.register.cashier is not None
    assert status.cashier.text() == f"Atiende: {window.register.cashier.name}"
    window.register.cashier = Cashier("u-luis", "Luis")  # a cashier change shows at once
    window.refresh()
    assert status.cashier.text() == "Atiende: Luis"
    assert not status.sync.isVisible()
    status.set_sync_state("Sin conexión · 3 pendientes", "warning")
    status.set_printer_state("Sin papel", "error")
    assert status.sync.isVisible() and "3 pendientes" in status.sync.text()
    assert status.printer.property("level") == "error"


def test_an_added_action_runs_once_from_its_key_and_gives_focus_back(
    qtbot: QtBot, window: MainWindow
) -> None:
    calls: list[str] = []
    window.add_action("Abrir cajón", lambda: calls.append("drawer"), shortcut="F9", button=True)
    key(qtbot, window.scan, Qt.Key.Key_F9)
    assert calls == ["drawer"]
    button = window.button("Abrir cajón")
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert calls == ["drawer", "drawer"]
    has_keyboard(qtbot, window)


class DenyVoids:
    def __init__(self) -> None:
        self.allowed = False

    def check(self, action: str, **details: object) -> None:
        if action == "void_line" and not self.allowed:
            raise PermissionDenied(action="Anular un ítem")


def test_a_denied_action_goes_to_the_error_handler_which_can_retry(
    qtbot: QtBot, window: MainWindow
) -> None:
    guard = DenyVoids()
    window.register.guard = guard
    scan(qtbot, window, YERBA)
    key(qtbot, window.scan, Qt.Key.Key_Delete)
    assert isinstance(window.dialog, ConfirmDialog)  # Del asks first
    key(qtbot, window.dialog, ENTER)
    assert window.banner.level == "error"
    assert "supervisor" in window.banner.text()
    assert len(lines(window)) == 1

    def supervisor_says_yes(exc: object, retry: object) -> bool:
        guard.allowed = True
        retry()  # type: ignore[operator]
        return True

    window.add_error_handler(PermissionDenied, supervisor_says_yes)
    key(qtbot, window.scan, Qt.Key.Key_Delete)
    key(qtbot, window.dialog, ENTER)
    assert lines(window) == []


def test_a_completed_sale_is_announced_for_the_printer_and_sync(
    qtbot: QtBot, window: MainWindow
) -> None:
    scan(qtbot, window, YERBA)
    dialog = open_payment(qtbot, window)
    with qtbot.waitSignal(window.sale_completed, timeout=1000) as blocker:
        key(qtbot, dialog.field, ENTER)
    done = blocker.args[0]
    assert done.ticket == "0001-00000001"
    assert json.dumps(done.payload["total"]) == "529000"


def test_closing_the_window_holds_an_open_sale(qtbot: QtBot, window: MainWindow) -> None:
    scan(qtbot, window, YERBA)
    window.close()
    assert [p["total"] for p in window.register.parked()] == [529000]


@pytest.mark.parametrize("code", ["", "   "])
def test_enter_on_an_empty_field_does_nothing(qtbot: QtBot, window: MainWindow, code: str) -> None:
    scan(qtbot, window, code)
    assert lines(window) == []
    assert window.banner.text() == ""


def test_touch_buttons_run_the_same_commands(qtbot: QtBot, window: MainWindow) -> None:
    scan(qtbot, window, YERBA)
    pay = window.button("pay")
    assert pay is not None
    assert pay.text() == "F12\nCobrar"
    qtbot.mouseClick(pay, Qt.MouseButton.LeftButton)
    dialog = window.dialog
    assert isinstance(dialog, PaymentDialog)
    qtbot.mouseClick(dialog.kind_buttons[TenderKind.DEBIT], Qt.MouseButton.LeftButton)
    assert dialog.kind is TenderKind.DEBIT
    qtbot.mouseClick(dialog.pay_button, Qt.MouseButton.LeftButton)  # the rest, by debit
    assert window.dialog is None
    assert lines(window) == []
    void = window.button("void")
    assert void is not None and void.text() == "Supr\nAnular"


def test_f1_lists_every_key_including_added_actions(qtbot: QtBot, window: MainWindow) -> None:
    window.add_action("Abrir cajón", lambda: None, shortcut="F9")
    key(qtbot, window.scan, Qt.Key.Key_F1)
    dialog = window.dialog
    assert isinstance(dialog, KeysDialog)
    rows = {
        dialog.table.item(r, 0).text(): dialog.table.item(r, 1).text()
        for r in range(dialog.table.rowCount())
    }
    assert rows["F12"] == "Cobrar"
    assert rows["Supr"] == "Anular ítem"
    assert rows["F9"] == "Abrir cajón"
    key(qtbot, dialog, Qt.Key.Key_Escape)
    assert window.dialog is None


def test_the_sync_state_is_read_off_the_gui_thread_and_shown(
    qtbot: QtBot, window: MainWindow
) -> None:
    readers: list[str] = []

    def read() -> str:
        readers.append(threading.current_thread().name)
        return "3 pending"

    indicator = SyncIndicator(window.status, read, lambda s: (f"sin conexión · {s}", "warning"))
    indicator.start()
    qtbot.waitUntil(lambda: "3 pending" in window.status.sync.text(), timeout=2000)
    assert window.status.sync.property("level") == "warning"
    assert readers and readers[0] != threading.main_thread().name

    def broken() -> str:
        raise OSError("disk gone")

    indicator.read = broken
    indicator.poll()
    qtbot.waitUntil(lambda: "desconocido" in window.status.sync.text(), timeout=2000)
    indicator.stop()


def test_the_launched_window_polls_the_real_sync_state(qtbot: QtBot, till: Till) -> None:
    built = build_window(till)
    qtbot.addWidget(built)
    try:
        qtbot.waitUntil(lambda: built.status.sync.text().startswith("Sinc.:"), timeout=5000)
        assert built.status.sync.property("level") in ("ok", "info", "warning", "error")
    finally:
        built.stop_parts()
