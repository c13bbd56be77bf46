"""Printer settings: a bad setting gets a clear message naming the field, in the run's
language (an English till showed them in Spanish)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pos_common.i18n import explain, set_language, translations
from pos_printers.errors import PrinterSettingsError
from pos_printers.settings import PrinterSettings


@pytest.fixture
def spanish() -> Iterator[None]:
    set_language("es_AR")
    yield
    set_language("en")


def test_defaults_are_the_virtual_printer_with_cp858_and_a_partial_cut() -> None:
    settings = PrinterSettings.from_dict({})
    assert settings.connection == "virtual"
    assert settings.code_page == "CP858"
    assert settings.cut == "partial"
    assert settings.effective_columns == 48
    assert settings.drawer_pin == 2


def test_network_settings_round_trip_through_json_dict() -> None:
    raw = {"connection": "network", "host": "impresora-caja", "port": "9100",
           "profile": "tm-t88v", "code_page": "pc858", "columns": 42, "drawer_pin": 5}
    settings = PrinterSettings.from_dict(raw)
    assert settings.profile == "TM-T88V"
    assert settings.port == 9100
    assert PrinterSettings.from_dict(settings.to_dict()) == settings
    assert settings.describe() == "TM-T88V por red impresora-caja:9100"


def test_usb_ids_are_read_as_hex() -> None:
    settings = PrinterSettings.from_dict({"connection": "usb", "usb_vendor": "04b8",
                                          "usb_product": "0x0e15"})
    assert (settings.usb_vendor, settings.usb_product) == (0x04B8, 0x0E15)
    assert settings.to_dict()["usb_vendor"] == "04b8"


def test_every_problem_is_reported_at_once_naming_its_field(spanish: None) -> None:
    with pytest.raises(PrinterSettingsError) as caught:
        PrinterSettings.from_dict({"connection": "network", "port": "noventa",
                                   "profile": "POS-5890", "columns": 48, "paper_mm": 80,
                                   "code_page": "UTF-8", "drawer_pin": 3, "cut": "a medias"})
    problems = "\n".join(caught.value.problems)
    for expected in ("Puerto: «noventa» no es un número",
                     "Red: indique la dirección IP",
                     "Columnas: la POS-5890 admite 32, 42",
                     "Ancho de papel: la POS-5890 usa papel de 58 mm",
                     "Página de códigos: página de códigos «UTF-8» no soportada",
                     "Pin del cajón", "Corte: «a medias» no es válido"):
        assert expected in problems, expected
    assert explain(caught.value).startswith("Configuración de impresora inválida:")


@pytest.mark.parametrize(("raw", "message"), [
    ({"connection": "usb"}, "USB: indique fabricante y producto"),
    ({"connection": "usb", "usb_vendor": "zz", "usb_product": "1"}, "no es un número hexadecimal"),
    ({"connection": "serial"}, "Puerto serie: indique el puerto"),
    ({"connection": "windows"}, "Windows: indique el nombre"),
    ({"connection": "cups"}, "CUPS: indique el nombre de la cola"),
    ({"connection": "file"}, "Dispositivo: indique la ruta"),
    ({"connection": "bluetooth"}, "Conexión: «bluetooth» no es válida"),
    ({"profile": "TM-1"}, "Modelo: modelo de impresora «TM-1» desconocido"),
    ({"port": 70000}, "Puerto: debe estar entre 1 y 65535"),
])
def test_each_connection_needs_its_parameters(raw: dict[str, object], message: str,
                                             spanish: None) -> None:
    with pytest.raises(PrinterSettingsError, match=message):
        PrinterSettings.from_dict(raw)


@pytest.mark.parametrize(("lang", "problem", "whole"), [
    ("en", "Port: 'ninety' is not a number",
     "Invalid printer settings: Port: 'ninety' is not a number; Network: give the printer's "
     "IP address or name"),
    ("es_AR", "Puerto: «ninety» no es un número",
     "Configuración de impresora inválida: Puerto: «ninety» no es un número; Red: indique "
     "la dirección IP o el nombre de la impresora"),
])
def test_a_bad_setting_reads_in_the_runs_language(lang: str, problem: str, whole: str) -> None:
    set_language(lang)
    try:
        with pytest.raises(PrinterSettingsError) as caught:
            PrinterSettings.from_dict({"connection": "network", "port": "ninety"})
        assert caught.value.problems[0] == problem
        assert explain(caught.value, translations(lang)) == whole
    finally:
        set_language("en")


def test_no_drawer_is_a_valid_choice() -> None:
    assert PrinterSettings.from_dict({"drawer_pin": None}).drawer_pin is None
