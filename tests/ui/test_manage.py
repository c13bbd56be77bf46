"""A new shop from the window (issue 14): a manager imports the catalogue, adds and edits
products, changes prices by a percentage and adds staff, each through the services'
checks and audit, as the command line does; a cashier is refused and nothing changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from pos_desktop.app import Till
from pos_desktop.domain.tax import IvaRate
from pos_desktop.services.catalog_admin import FAVOURITES_KEY
from pos_desktop.ui.catalog_dialogs import ImportDialog, ProductDialog
from pos_desktop.ui.launch import build_window
from pos_desktop.ui.main_window import MainWindow
from pos_desktop.ui.manage_menu import MENU, manage_extension
from pos_desktop.ui.reprice_dialog import RepriceDialog
from pos_desktop.ui.staff_dialog import StaffDialog
from tests.ui.test_screens_and_touch import shot

YERBA = "7791234643615"
REFUSED = "Cambiar el catálogo requiere el PIN de un/a encargado/a."


def as_manager(till: Till) -> None:
    till.session.login("u-marta", "9999")


def audit_rows(till: Till, action: str) -> list[dict[str, Any]]:
    with till.uow() as uow:
        rows = uow.conn.execute(text(
            "SELECT user_id, approver_id, details FROM audit_log WHERE action = :a ORDER BY id"),
            {"a": action}).all()
    return [{**json.loads(r[2]), "actor": r[0], "approver": r[1]} for r in rows]


def click(qtbot: QtBot, button: Any) -> None:
    assert button is not None and button.isVisible() and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def opened(qtbot: QtBot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def refused_and_untouched(till: Till, dialog: QDialog) -> None:
    """A cashier was told why, the yerba keeps its price and no change was audited."""
    assert dialog.error.text() == REFUSED  # type: ignore[attr-defined]
    product = till.catalog.find("A0001")
    assert product is not None and product.price == 529_000
    assert audit_rows(till, "manage_catalog") == []
    dialog.reject()


# -- the menu ------------------------------------------------------------------------------


def test_the_manage_menu_is_there_for_a_manager_only(qtbot: QtBot, till: Till) -> None:
    window = build_window(till, (manage_extension,))
    qtbot.addWidget(window)
    menu = window.menu(MENU)
    assert menu.title() == "&Gestión"
    assert [a.property("label") for a in menu.actions()] == [
        "Importar catálogo…", "Agregar o cambiar un producto…",
        "Cambiar precios por porcentaje…", "Cajeros y supervisores…"]
    assert not menu.menuAction().isVisible()  # Ana, a cashier, is at the till
    as_manager(till)
    window.refresh()
    assert menu.menuAction().isVisible()
    till.session.login("u-ana", "1111")
    window.refresh()
    assert not menu.menuAction().isVisible()
    window.stop_parts()


# -- importing a file ----------------------------------------------------------------------


def catalogue_file(tmp_path: Path, rows: list[str]) -> Path:
    """As an Argentine spreadsheet saves it: semicolons, decimal commas, Windows-1252."""
    path = tmp_path / "precios.csv"
    path.write_bytes(("sku;name;price;iva_rate;unit;barcodes;plu;category\r\n"
                      + "\r\n".join(rows) + "\r\n").encode("cp1252"))
    return path


def test_a_manager_imports_a_catalogue_file_from_the_window(
    qtbot: QtBot, window: MainWindow, till: Till, tmp_path: Path
) -> None:
    as_manager(till)
    path = catalogue_file(tmp_path, ["N0001;Dulce de leche La Serenísima 400 g;1.890,50;21;"
                                     "unit;7790001000019;;Almacén",
                                     "N0002;Queso Cremoso;8.990,00;21;kg;;;Fiambrería"])
    dialog = opened(qtbot, ImportDialog(window, till.catalog))
    assert isinstance(dialog, ImportDialog)
    dialog.path.setText(str(path))
    click(qtbot, dialog.ok_button)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.outcome == "Productos leídos: 2; agregados o modificados: 2."
    product = till.catalog.find("7790001000019")
    assert product is not None and product.price == 189_050
    [row] = audit_rows(till, "manage_catalog")
    assert row["actor"] == "u-marta" and row["change"] == "import"
    assert row["file"] == "precios.csv" and row["rows"] == 2 and row["changed"] == 2


def test_a_bad_file_shows_every_bad_row_and_imports_nothing(
    qtbot: QtBot, window: MainWindow, till: Till, tmp_path: Path
) -> None:
    as_manager(till)
    path = catalogue_file(tmp_path, ["N0001;Bueno;100,00;21;unit;;;",
                                     "N0002;Sin precio;;21;unit;;;",
                                     "N0003;Tasa rara;100,00;19;unit;;;"])
    dialog = opened(qtbot, ImportDialog(window, till.catalog))
    assert isinstance(dialog, ImportDialog)
    qtbot.keyClicks(dialog.path, str(path))
    qtbot.keyClick(dialog.path, Qt.Key.Key_Return)
    assert dialog.isVisible()  # still open, the report on screen
    assert dialog.error.text() == "El archivo tiene 2 filas con errores; no se importó nada."
    problems = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
    assert len(problems) == 2 and problems[0].startswith("línea 3")
    assert "19" in problems[1]
    shot(dialog, "manage-import-errors")
    assert till.catalog.find("N0001") is None
    assert audit_rows(till, "manage_catalog") == []
    dialog.reject()


def test_a_cashier_cannot_import_a_catalogue(
    qtbot: QtBot, window: MainWindow, till: Till, tmp_path: Path
) -> None:
    path = catalogue_file(tmp_path, ["A0001;Yerba regalada;0,01;21;unit;;;"])
    dialog = opened(qtbot, ImportDialog(window, till.catalog))
    assert isinstance(dialog, ImportDialog)
    dialog.path.setText(str(path))
    click(qtbot, dialog.ok_button)
    refused_and_untouched(till, dialog)


# -- one product ---------------------------------------------------------------------------


def fill(qtbot: QtBot, dialog: ProductDialog, **values: str) -> None:
    for name, value in values.items():
        field = getattr(dialog, name)
        field.clear()
        qtbot.keyClicks(field, value)


def test_a_manager_adds_a_product_at_a_new_rate_as_a_favourite(
    qtbot: QtBot, window: MainWindow, till: Till
) -> None:
    as_manager(till)
    dialog = opened(qtbot, ProductDialog(window, till.catalog))
    assert isinstance(dialog, ProductDialog)
    qtbot.keyClicks(dialog.lookup, "PAN-CASERO")
    qtbot.keyClick(dialog.lookup, Qt.Key.Key_Return)
    assert dialog.sku.text() == "PAN-CASERO"  # new: the code becomes its SKU
    fill(qtbot, dialog, name="Pan casero", price="2.450,50", barcodes="PAN-1 PAN-2")
    rates = [dialog.iva.itemText(i) for i in range(dialog.iva.count())]
    assert rates == ["21%", "10,5%", "27%", "5%", "2,5%", "0%", "Exento", "No gravado"]
    dialog.iva.setCurrentIndex(dialog.iva.findData(IvaRate.TWO_AND_A_HALF))
    dialog.category.setCurrentText("Panadería")
    dialog.favourite.setChecked(True)
    shot(dialog, "manage-product")
    click(qtbot, dialog.ok_button)
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.error.text()
    assert dialog.outcome == "Producto PAN-CASERO guardado: Pan casero."
    product = till.catalog.find("PAN-2")
    assert product is not None and product.iva_rate is IvaRate.TWO_AND_A_HALF
    assert (product.price, product.category, product.barcodes) == (
        245_050, "Panadería", ("PAN-1", "PAN-2"))
    assert "PAN-CASERO" in till.config.load()[FAVOURITES_KEY]
    line = till.register.scan("PAN-1")  # the till sells it at once
    assert line.product.name == "Pan casero"
    [row] = audit_rows(till, "manage_catalog")
    assert row["change"] == "product" and row["sku"] == "PAN-CASERO" and row["new"] is True
    assert row["iva_rate"] == "2.5" and row["favourite"] is True


def test_editing_a_product_shows_it_and_changes_only_what_was_changed(
    qtbot: QtBot, window: MainWindow, till: Till
) -> None:
    as_manager(till)
    dialog = opened(qtbot, ProductDialog(window, till.catalog))
    assert isinstance(dialog, ProductDialog)
    qtbot.keyClicks(dialog.lookup, YERBA)  # scanned
    qtbot.keyClick(dialog.lookup, Qt.Key.Key_Return)
    assert (dialog.sku.text(), dialog.name.text(), dialog.price.text()) == (
        "A0001", "Yerba Mate Playadito 1 kg", "5290,00")
    assert dialog.barcodes.text() == "7791234643615 7791234722808"
    fill(qtbot, dialog, price="5.990")
    qtbot.keyClick(dialog.price, Qt.Key.Key_Return)  # Enter in a field saves
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.error.text()
    product = till.catalog.find("A0001")
    assert product is not None and product.price == 599_000
    assert product.barcodes == ("7791234643615", "7791234722808")
    assert product.iva_rate is IvaRate.GENERAL and product.category == "Almacén"
    [row] = audit_rows(till, "manage_catalog")
    assert (row["old_price"], row["price"], row["new"]) == (529_000, 599_000, False)


def test_a_product_is_refused_with_the_reason_and_nothing_is_stored(
    qtbot: QtBot, window: MainWindow, till: Till
) -> None:
    as_manager(till)
    dialog = opened(qtbot, ProductDialog(window, till.catalog))
    assert isinstance(dialog, ProductDialog)
    fill(qtbot, dialog, sku="NUEVO", name="Yerba trucha", price="100", barcodes=YERBA)
    click(qtbot, dialog.ok_button)
    assert dialog.error.text() == (
        "El código 7791234643615 es de «Yerba Mate Playadito 1 kg» (A0001).")
    dialog.barcodes.clear()
    dialog.name.setText("Yerba\x00trucha")  # pasted: no key types a NUL
    click(qtbot, dialog.ok_button)
    assert "carácter de control" in dialog.error.text()
    fill(qtbot, dialog, name="Yerba", price="cero")
    click(qtbot, dialog.ok_button)
    assert dialog.error.text() == "Importe inválido: cero"
    assert dialog.isVisible() and till.catalog.find("NUEVO") is None
    assert audit_rows(till, "manage_catalog") == []
    dialog.reject()


def test_a_cashier_cannot_change_a_product(
    qtbot: QtBot, window: MainWindow, till: Till
) -> None:
    dialog = opened(qtbot, ProductDialog(window, till.catalog))
    assert isinstance(dialog, ProductDialog)
    dialog.load("A0001")
    fill(qtbot, dialog, price="1")
    click(qtbot, dialog.ok_button)
    refused_and_untouched(till, dialog)


# -- prices by a percentage ----------------------------------------------------------------


def test_prices_go_up_by_a_percentage_after_a_preview(
    qtbot: QtBot, window: MainWindow, till: Till
) -> None:
    as_manager(till)
    dialog = opened(qtbot, RepriceDialog(window, till.catalog))
    assert isinstance(dialog, RepriceDialog)
    assert "redondea" in dialog.hint.text()  # the rule is stated
    dialog.category.setCurrentIndex(dialog.category.findData("Almacén"))
    assert dialog.step.currentText() == "al peso"
    qtbot.keyClicks(dialog.percent, "7,5")
    qtbot.keyClick(dialog.percent, Qt.Key.Key_Return)  # the preview
    assert dialog.apply_button.isEnabled()
    rows = {dialog.table.item(r, 0).text(): (dialog.table.item(r, 2).text(),
                                             dialog.table.item(r, 3).text())
            for r in range(dialog.table.rowCount())}
    assert rows["A0001"] == ("$ 5.290,00", "$ 5.687,00")  # 5.686,75 rounds up to the peso
    assert "precios cambian" in dialog.count.text()
    shot(dialog, "manage-prices")
    yerba = till.catalog.find("A0001")
    assert yerba is not None and yerba.price == 529_000  # a preview changes nothing
    qtbot.keyClicks(dialog.percent, "0")  # 7,50: another figure needs another preview
    assert not dialog.apply_button.isEnabled()
    dialog.percent.clear()
    qtbot.keyClicks(dialog.percent, "7,5")
    click(qtbot, dialog.preview_button)
    click(qtbot, dialog.apply_button)
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.error.text()
    yerba = till.catalog.find("A0001")
    assert yerba is not None and yerba.price == 568_700
    assert yerba.barcodes == ("7791234643615", "7791234722808")  # nothing else changed
    asado = till.catalog.find("A0339")  # Carnicería: not in the category
    with till.uow() as uow:
        assert asado is not None and uow.catalog.by_sku("A0339") == asado
    [row] = audit_rows(till, "manage_catalog")
    assert (row["change"], row["percent_bp"], row["step"], row["category"]) == (
        "prices", 750, 100, "Almacén")
    assert row["products"] == len(rows) and dialog.outcome == f"{len(rows)} precios cambiados."


def test_a_cashier_sees_the_preview_but_cannot_apply_it(
    qtbot: QtBot, window: MainWindow, till: Till
) -> None:
    dialog = opened(qtbot, RepriceDialog(window, till.catalog))
    assert isinstance(dialog, RepriceDialog)
    qtbot.keyClicks(dialog.percent, "50")
    click(qtbot, dialog.preview_button)
    click(qtbot, dialog.apply_button)
    refused_and_untouched(till, dialog)


@pytest.mark.parametrize("typed", ["0", "abc", "-95", "2000", "7,555"])
def test_a_bad_percentage_is_said_and_no_preview_shows(
    qtbot: QtBot, window: MainWindow, till: Till, typed: str
) -> None:
    as_manager(till)
    dialog = opened(qtbot, RepriceDialog(window, till.catalog))
    assert isinstance(dialog, RepriceDialog)
    qtbot.keyClicks(dialog.percent, typed)
    click(qtbot, dialog.preview_button)
    assert dialog.error.text().startswith("El porcentaje"), dialog.error.text()
    assert not dialog.apply_button.isEnabled()
    dialog.reject()


# -- staff ---------------------------------------------------------------------------------


def test_a_manager_adds_a_cashier_and_gives_a_new_pin(
    qtbot: QtBot, window: MainWindow, till: Till
) -> None:
    as_manager(till)
    dialog = opened(qtbot, StaffDialog(window, till.staff, till.people))
    assert isinstance(dialog, StaffDialog)
    assert dialog.table.rowCount() == 3
    dialog.name.setText("Lucía Pérez")  # QTest types no accents
    dialog.role.setCurrentIndex(dialog.role.findData(dialog.role.itemData(1)))  # supervisor
    qtbot.keyClicks(dialog.new_pin, "4321")
    qtbot.keyClicks(dialog.new_pin_again, "4322")
    click(qtbot, dialog.add_button)
    assert dialog.error.text() == "Los dos PIN no coinciden: escriba el mismo PIN dos veces."
    dialog.new_pin_again.clear()
    qtbot.keyClicks(dialog.new_pin_again, "4321")
    click(qtbot, dialog.add_button)
    assert dialog.error.text() == "Lucía Pérez agregado/a (supervisor/a): usuario u-lucia-perez."
    assert dialog.table.rowCount() == 4
    lucia = till.people.authenticate("u-lucia-perez", "4321")
    assert lucia.role.value == "supervisor"
    # Ana forgot her PIN: a new one, typed twice.
    ana_row = next(r for r in range(dialog.table.rowCount())
                   if dialog.table.item(r, 1).text() == "u-ana")
    dialog.table.selectRow(ana_row)
    qtbot.keyClicks(dialog.reset_pin, "8765")
    qtbot.keyClicks(dialog.reset_pin_again, "8765")
    click(qtbot, dialog.reset_button)
    assert dialog.error.text() == "PIN nuevo guardado para u-ana."
    shot(dialog, "manage-staff")
    assert till.people.authenticate("u-ana", "8765").user_id == "u-ana"
    changes = [(r["actor"], r["change"]) for r in audit_rows(till, "manage_users")]
    assert changes == [("u-marta", "add"), ("u-marta", "pin")]
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()


def test_a_cashier_cannot_add_staff(qtbot: QtBot, window: MainWindow, till: Till) -> None:
    dialog = opened(qtbot, StaffDialog(window, till.staff, till.people))
    assert isinstance(dialog, StaffDialog)
    qtbot.keyClicks(dialog.name, "Intruso")
    qtbot.keyClicks(dialog.new_pin, "1234")
    qtbot.keyClicks(dialog.new_pin_again, "1234")
    dialog.role.setCurrentIndex(2)  # manager
    click(qtbot, dialog.add_button)
    assert dialog.error.text() == "Administrar usuarios requiere el PIN de un/a encargado/a."
    assert till.people.get("u-intruso") is None
    assert audit_rows(till, "manage_users") == []
    dialog.reject()


def test_from_the_menu_a_cashier_is_asked_for_a_managers_pin(
    qtbot: QtBot, till: Till
) -> None:
    """A manager at a cashier's till approves on the spot, and the dialog opens."""
    from pos_desktop.ui.override_dialog import OverrideDialog
    from pos_desktop.ui.shift_menu import extend_window

    window = build_window(till, (extend_window, manage_extension))
    qtbot.addWidget(window)
    window.show()
    window.actions_by_name["edit_product"].trigger()
    override = window.dialog
    assert isinstance(override, OverrideDialog)
    override.who.setCurrentRow(next(i for i in range(override.who.count())
                                    if "Marta" in override.who.item(i).text()))
    qtbot.keyClicks(override.pin, "9999")
    qtbot.keyClick(override.pin, Qt.Key.Key_Return)
    product = window.dialog
    assert isinstance(product, ProductDialog)
    product.reject()
    window.stop_parts()


# -- by touch alone ------------------------------------------------------------------------


def tap_in(qtbot: QtBot, dialog: Any, field: Any, keys: str) -> None:
    """A finger on ``field``, then on the dialog's keypad keys (C clears, ⏎ is Enter)."""
    click(qtbot, field)
    names = {"C": "clear", "⏎": "enter"}
    for key in keys:
        click(qtbot, dialog.keypad.keys[names.get(key, key)])


def test_a_product_is_found_and_repriced_by_touch_on_the_keypad(
    qtbot: QtBot, window: MainWindow, till: Till
) -> None:
    as_manager(till)
    dialog = opened(qtbot, ProductDialog(window, till.catalog))
    assert isinstance(dialog, ProductDialog) and dialog.keypad is not None
    tap_in(qtbot, dialog, dialog.lookup, f"{YERBA}⏎")
    assert (dialog.sku.text(), dialog.price.text()) == ("A0001", "5290,00")
    tap_in(qtbot, dialog, dialog.price, "C5990,5")
    assert dialog.price.text() == "5990,5"
    click(qtbot, dialog.ok_button)
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.error.text()
    product = till.catalog.find("A0001")
    assert product is not None and product.price == 599_050


def test_prices_go_down_by_a_percentage_typed_on_the_keypad(
    qtbot: QtBot, window: MainWindow, till: Till
) -> None:
    as_manager(till)
    dialog = opened(qtbot, RepriceDialog(window, till.catalog))
    assert isinstance(dialog, RepriceDialog) and dialog.keypad is not None
    tap_in(qtbot, dialog, dialog.percent, "-5⏎")  # a negative percentage lowers prices
    assert dialog.percent.text() == "-5" and dialog.apply_button.isEnabled()
    click(qtbot, dialog.apply_button)
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.error.text()
    yerba = till.catalog.find("A0001")
    assert yerba is not None and yerba.price == 502_600  # 5.025,50 rounds up to the peso
