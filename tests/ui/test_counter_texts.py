"""What the cashier and the manager read, as issue 14 found it: each text fixed here."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontInfo
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate
from pytestqt.qtbot import QtBot

from pos_common.i18n import explain, set_language
from pos_desktop.app import Till
from pos_desktop.domain.people import UserLocked
from pos_desktop.domain.permissions import Action, ApprovalRequired, Role
from pos_desktop.domain.sale import Tender, TenderKind
from pos_desktop.services.reports import figures_dict, report_document
from pos_desktop.ui.drawer_count import DrawerCount
from pos_desktop.ui.main_window import MainWindow
from pos_desktop.ui.override_dialog import OverrideDialog
from pos_desktop.ui.refund_dialog import RefundDialog
from pos_desktop.ui.settings_dialog import SettingsDialog
from pos_desktop.ui.wizard import SetupWizard
from pos_desktop.ui.z_dialog import XReportDialog, ZDialog
from tests.ui.conftest import key, scan

YERBA = "7791234643615"


def test_in_english_the_drawer_count_names_each_note_right(qtbot: QtBot) -> None:
    """The first row read "$200.00 · note" and counted as $ 20.000; two rows read alike."""
    set_language("en")
    count = DrawerCount()
    qtbot.addWidget(count)
    labels = [count.table.item(r, 0).text() for r in range(count.table.rowCount())]
    assert labels[:3] == ["$20,000 · note", "$10,000 · note", "$2,000 · note"]
    assert "$200 · note" in labels and "$1 · coin" in labels
    assert len(set(labels)) == len(labels)
    set_language("es_AR")
    spanish = DrawerCount()
    qtbot.addWidget(spanish)
    assert spanish.table.item(0, 0).text() == "$ 20.000 · billete"


def test_menus_name_the_keys_as_the_buttons_do(qtbot: QtBot, window: MainWindow) -> None:
    """Menus said "Del" and "Ctrl+Shift+X" where the buttons say "Supr", "Ctrl+Mayús+X"."""
    void, cancel = window.actions_by_name["void"], window.actions_by_name["cancel"]
    assert void.text().endswith("\tSupr") and cancel.text().endswith("\tCtrl+Mayús+X")
    button = window.button("void")
    assert button is not None and button.text().startswith("Supr")
    keys = dict(window.commands.key_list())
    assert keys["Supr"] == "Anular ítem" and keys["Ctrl+Mayús+X"] == "Cancelar venta"


def test_one_minus_sign_and_never_minus_zero(till: Till) -> None:
    """Both "−$" and "-$" showed, and an X with no refunds said "-$ 0,00"."""
    set_language("es_AR")
    doc = report_document(figures_dict(till.shifts.x_report()), x=True)
    values = [str(row.get("value", "")) for row in doc["rows"]]
    assert "-$ 0,00" not in values and not any("−" in v for v in values)
    assert "$ 0,00" in values  # cash out and cash refunds: nothing taken off


def test_the_x_report_on_screen_lines_up_in_a_monospaced_font(
    qtbot: QtBot, window: MainWindow, till: Till
) -> None:
    dialog = XReportDialog(window, till.shifts)
    qtbot.addWidget(dialog)
    assert QFontInfo(dialog.text.font()).fixedPitch()


def test_the_count_prompt_is_never_cut(qtbot: QtBot, window: MainWindow, till: Till) -> None:
    """ "F12 = listo" did not fit the field as a placeholder."""
    dialog = ZDialog(window, till.shifts, till.guard, till.people, standalone=True)
    qtbot.addWidget(dialog)
    dialog.show()
    prompt = dialog.count.prompt
    assert prompt.isVisible() and "F12 = listo" in prompt.text()
    assert prompt.wordWrap() or prompt.fontMetrics().horizontalAdvance(prompt.text()) <= \
        prompt.width()
    assert dialog.count.done_button.isVisible()  # and a button for a finger
    dialog.reject()


def test_refund_lines_keep_their_words(qtbot: QtBot, window: MainWindow, till: Till) -> None:
    """Descriptions were cut to three letters."""
    scan(qtbot, window, YERBA)
    sale = till.register.pay_and_complete([Tender(TenderKind.CASH, till.register.sale.total)])
    dialog = RefundDialog(window, till.refunds, till.guard, till.people)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.field, str(sale.ticket_number))
    key(qtbot, dialog.field, Qt.Key.Key_Return)
    name = dialog.table.item(0, 1).text()
    assert name == "Yerba Mate Playadito 1 kg"
    assert dialog.table.fontMetrics().horizontalAdvance(name) < dialog.table.columnWidth(1)
    dialog.reject()


def test_a_drop_down_shows_its_current_choice(qtbot: QtBot, till: Till) -> None:
    """The open list drew the current choice as an empty row (white on white)."""
    till.session.start_without_pin(till.people.get("u-marta"))  # type: ignore[arg-type]
    dialog = SettingsDialog(till.config)
    qtbot.addWidget(dialog)
    dialog.show()
    combo = next(c for c in dialog.findChildren(QComboBox) if c.isVisible())
    assert isinstance(combo.itemDelegate(), QStyledItemDelegate)
    combo.showPopup()
    view = combo.view()
    row = view.visualRect(view.model().index(combo.currentIndex(), 0))
    image = view.viewport().grab().toImage()
    background = QColor(image.pixel(row.center().x() + row.width() // 3, row.center().y()))
    assert background.blue() > 150 and background.red() < 100  # the selection's blue
    text = [QColor(image.pixel(x, row.center().y())) for x in range(row.left(), row.center().x())]
    assert any(c.lightness() > 200 for c in text)  # and light letters on it
    combo.hidePopup()
    dialog.reject()


def test_roles_and_locks_agree_with_whoever_they_name(
    qtbot: QtBot, window: MainWindow, till: Till
) -> None:
    """ "Marta · encargado", "Ana está bloqueado"."""
    dialog = OverrideDialog(window, till.guard, till.people,
                            ApprovalRequired(Action.DISCOUNT, Role.SUPERVISOR))
    qtbot.addWidget(dialog)
    rows = [dialog.who.item(i).text() for i in range(dialog.who.count())]
    assert "Marta · encargado/a" in rows and "Sergio · supervisor/a" in rows
    assert explain(UserLocked(name="Ana", minutes=5)).startswith("La cuenta de Ana quedó bloqueada")


def test_the_store_page_asks_how_it_must_appear_with_its_accent(
    qtbot: QtBot, till: Till
) -> None:
    wizard = SetupWizard(till.config)
    qtbot.addWidget(wizard)
    assert wizard.store.subTitle() == "Cómo debe figurar en cada ticket."


def test_a_standalone_till_says_nothing_waits_for_head_office(
    qtbot: QtBot, window: MainWindow, till: Till
) -> None:
    assert window.deps.standalone
    dialog = ZDialog(window, till.shifts, till.guard, till.people, standalone=True)
    qtbot.addWidget(dialog)
    till.session.login("u-sergio", "2222")
    dialog.z = till.shifts.close_shift({"B20000": 1}, "")
    dialog.done_ok()
    assert "Z n.º 1 cerrado" in dialog.outcome.text()
    assert "casa central" not in dialog.outcome.text()
    dialog.reject()


def test_a_bad_quantity_is_said_as_one(qtbot: QtBot, window: MainWindow) -> None:
    """``abc*code`` said "unknown code"."""
    scan(qtbot, window, f"abc*{YERBA}")
    assert window.banner.text() == "Cantidad inválida: abc"
    assert window.register.sale.lines == []


def test_messages_clear_when_the_next_good_scan_arrives(
    qtbot: QtBot, window: MainWindow
) -> None:
    scan(qtbot, window, "7799999999999")
    assert window.banner.level == "error"
    scan(qtbot, window, YERBA)
    assert window.banner.text() == "" and window.banner.level == ""


def test_cash_in_is_confirmed_on_screen(qtbot: QtBot, till: Till) -> None:
    from pos_desktop.ui.launch import build_window
    from pos_desktop.ui.shift_dialogs import CashMoveDialog
    from pos_desktop.ui.shift_menu import extend_window

    window = build_window(till, (extend_window,))
    qtbot.addWidget(window)
    window.show()
    key(qtbot, window.scan, Qt.Key.Key_F10, Qt.KeyboardModifier.ControlModifier)
    dialog = window.dialog
    assert isinstance(dialog, CashMoveDialog)
    qtbot.keyClicks(dialog.amount, "500")
    key(qtbot, dialog.amount, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.reason, "Cambio")
    key(qtbot, dialog.reason, Qt.Key.Key_Return)
    assert window.dialog is None
    assert window.banner.text() == "Ingreso de $ 500,00 registrado."
    assert window.banner.level == "ok"
    window.stop_parts()



def test_the_last_manager_is_named_whoever_she_is() -> None:
    """ "Marta es el último encargado activo"."""
    from pos_desktop.services.people import LastManager

    text = str(LastManager(name="Marta"))
    assert "Marta" in text and "último encargado" not in text


def test_reports_name_every_iva_rate_in_the_shops_words(till: Till) -> None:
    """The X and Z showed the new rates' codes ("2.5", "not_taxed") instead of a name."""
    data = figures_dict(till.shifts.x_report())
    data["sales_by_iva"] = [{"rate": r, "gross": 100, "net": 100, "tax": 0}
                            for r in ("5", "2.5", "0", "exempt", "not_taxed")]
    labels = [str(row.get("label", "")) for row in report_document(data, x=True)["rows"]]
    for name in ("5% bruto", "2,5% bruto", "0% bruto", "Exento bruto", "No gravado bruto"):
        assert name in labels, (name, labels)


def test_who_serves_is_said_whoever_she_is(window: MainWindow) -> None:
    """ "Cajero: Marta" in the status bar (her tickets say "Atendió": printers' tests)."""
    window.status.set_cashier("Marta")
    assert window.status.cashier.text() == "Atiende: Marta"
