"""ESC/POS bytes per printer profile: exact commands, and what the printer makes of them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image
from printer_samples import STORE, line, sale_payload

from pos_printers import raster
from pos_printers.document import Align, Cut, Document, DrawerKick, Feed, Row, Text
from pos_printers.encoding import CodePageEncoder
from pos_printers.errors import PrinterSettingsError
from pos_printers.escpos_render import EscposOptions, render_escpos
from pos_printers.layout import receipt_document
from pos_printers.model import ReceiptSale
from pos_printers.profiles import get_profile
from pos_printers.virtual import (
    VBarcode,
    VCut,
    VDrawer,
    VImage,
    VirtualPrinterError,
    VQr,
    decode,
    render_image,
)

PROFILE_COLUMNS = [("TM-T20II", 48), ("TM-T88V", 42), ("POS-5890", 32)]


def receipt_bytes(profile: str, columns: int, **options: object) -> bytes:
    code = options.pop("code", "barcode")
    document = receipt_document(ReceiptSale.from_payload(sale_payload()), STORE, columns,
                                code=code)  # type: ignore[arg-type]
    return render_escpos(document, EscposOptions(get_profile(profile), **options))  # type: ignore[arg-type]


def test_small_document_gives_exactly_these_bytes_on_the_58mm_clone() -> None:
    document = Document(32, (DrawerKick(), Text("Año", Align.CENTER, bold=True),
                             Row("Total", "$ 1,00"), Feed(2), Cut()))
    data = render_escpos(document, EscposOptions(get_profile("POS-5890"), drawer_pin=5))
    assert data == (b"\x1b@" b"\x1bt\x13"  # INIT, CP858
                    b"\x1bp\x01\x19\xfa"  # drawer, pin 5
                    b"\x1ba\x01\x1bE\x01" b"A\xa4o\n"  # centred, bold "Año"
                    b"\x1ba\x00\x1bE\x00" b"Total" + b" " * 21 + b"$ 1,00\n"
                    b"\x1bd\x02" b"\x1bd\x04")  # feed; no cutter: feed to the tear bar


def test_same_small_document_on_the_epson_cuts_partially() -> None:
    data = render_escpos(Document(48, (Text("x"), Cut())), EscposOptions(get_profile("TM-T20II")))
    assert data == b"\x1b@\x1bt\x13x\n\x1bd\x04\x1dV\x01"


@pytest.mark.parametrize(("profile", "columns"), PROFILE_COLUMNS)
def test_every_job_starts_with_init_then_the_explicit_code_page(profile: str,
                                                                columns: int) -> None:
    assert receipt_bytes(profile, columns).startswith(b"\x1b@\x1bt\x13")
    assert receipt_bytes(profile, columns, code_page="WPC1252").startswith(b"\x1b@\x1bt\x10")


@pytest.mark.parametrize(("profile", "columns"), PROFILE_COLUMNS)
def test_rendering_is_deterministic(profile: str, columns: int) -> None:
    assert receipt_bytes(profile, columns) == receipt_bytes(profile, columns)


def test_cut_mode_follows_settings_where_the_printer_has_a_cutter() -> None:
    assert receipt_bytes("TM-T20II", 48, cut="full").endswith(b"\x1dV\x00")
    assert receipt_bytes("TM-T88V", 42, cut="partial").endswith(b"\x1dV\x01")
    assert b"\x1dV" not in receipt_bytes("TM-T88V", 42, cut="none")
    assert b"\x1dV" not in receipt_bytes("POS-5890", 32, cut="full")


def test_drawer_kick_uses_the_configured_pin_or_none() -> None:
    assert b"\x1bp\x00\x19\xfa" in receipt_bytes("TM-T20II", 48, drawer_pin=2)
    assert b"\x1bp\x01\x19\xfa" in receipt_bytes("TM-T20II", 48, drawer_pin=5)
    assert b"\x1bp" not in receipt_bytes("TM-T20II", 48, drawer_pin=None)


def test_epson_gets_a_native_code128_and_the_clone_gets_a_raster_image() -> None:
    assert b"\x1dkI\x0f{B0001-00001234" in receipt_bytes("TM-T20II", 48)
    clone = receipt_bytes("POS-5890", 32)
    assert b"\x1dk" not in clone
    assert b"\x1dv0" in clone


def test_qr_is_native_on_the_epson_and_an_image_on_the_clone() -> None:
    assert b"\x1d(k\x10\x001P00001-00001234" in receipt_bytes("TM-T88V", 42, code="qr")
    clone = receipt_bytes("POS-5890", 32, code="qr")
    assert b"\x1d(k" not in clone
    assert b"\x1dv0" in clone


def test_48_columns_on_the_tm_t88v_switch_to_font_b() -> None:
    assert receipt_bytes("TM-T88V", 48).startswith(b"\x1b@\x1bt\x13\x1bM\x01")
    assert b"\x1bM" not in receipt_bytes("TM-T88V", 42)


def test_columns_wider_than_the_paper_are_a_settings_error() -> None:
    with pytest.raises(PrinterSettingsError, match="does not take 48 columns"):
        receipt_bytes("POS-5890", 48)


def test_logo_is_scaled_to_the_paper_width(tmp_path: Path) -> None:
    path = tmp_path / "logo.png"
    Image.new("RGB", (1000, 200), (0, 0, 0)).save(path)
    for profile, columns in PROFILE_COLUMNS:
        prof = get_profile(profile)
        store = replace(STORE, logo_path=str(path))
        document = receipt_document(ReceiptSale.from_payload(sale_payload()), store, columns)
        images = decode(render_escpos(document, EscposOptions(prof)), prof).of_type(VImage)
        logo = images[0].image
        assert logo.width == prof.dots_width
        assert logo.height == round(200 * prof.dots_width / 1000)


def test_a_missing_logo_does_not_stop_the_receipt() -> None:
    store = replace(STORE, logo_path="/nonexistent/logo.png")
    document = receipt_document(ReceiptSale.from_payload(sale_payload()), store, 48)
    data = render_escpos(document, EscposOptions(get_profile("TM-T20II")))
    assert b"\x1dv0" not in data
    assert "Almacén".encode("cp858") in data


# --- decode and compare: the virtual printer as oracle ---------------------------------


@pytest.mark.parametrize("page", ["CP858", "CP850", "CP437", "WPC1252"])
@pytest.mark.parametrize(("profile", "columns"), PROFILE_COLUMNS)
def test_printed_text_equals_the_layout_through_each_code_page(profile: str, columns: int,
                                                               page: str) -> None:
    document = receipt_document(ReceiptSale.from_payload(sale_payload()), STORE, columns)
    prof = get_profile(profile)
    printed = decode(render_escpos(document, EscposOptions(prof, code_page=page)), prof)
    encoder = CodePageEncoder(page)
    assert printed.text_lines() == [encoder.fold(x) for x in document.text_lines()]
    assert printed.code_page_numbers == [prof.code_page_number(page)]
    assert printed.inits == 1


@pytest.mark.parametrize(("profile", "columns"), PROFILE_COLUMNS)
def test_spanish_letters_come_out_as_spanish_letters(profile: str, columns: int) -> None:
    prof = get_profile(profile)
    text = "\n".join(decode(receipt_bytes(profile, columns), prof).text_lines())
    for word in ("Almacén Don Ñato", "Ana Núñez", "Serenísima", "Pañuelos", "¡Gracias",
                 "días", "válido", "Ñandú"):
        assert word in text


def test_a_wrong_esc_t_number_shows_as_wrong_letters_in_the_preview() -> None:
    # Encoded for CP858 but announced as CP437 (number 0): Í (0xD6 in CP858) is a box
    # drawing character in CP437. The oracle must see what the paper would show.
    prof = get_profile("TM-T20II")
    data = render_escpos(Document(48, (Text("ÍNDICE"),)),
                         EscposOptions(prof, code_page="CP858", code_page_number=0))
    assert decode(data, prof).text_lines() == ["╓NDICE"]


def test_styles_codes_cut_and_drawer_are_decoded() -> None:
    prof = get_profile("TM-T20II")
    printed = decode(receipt_bytes("TM-T20II", 48), prof)
    texts = printed.texts()
    name = next(t for t in texts if "Almacén" in t.text)
    total = next(t for t in texts if t.text.startswith("TOTAL"))
    assert name.double
    assert name.bold
    assert name.align is Align.CENTER
    assert total.double
    assert total.bold
    assert not next(t for t in texts if "Served by" in t.text).bold
    assert printed.of_type(VBarcode)[0].data == "0001-00001234"
    assert printed.items[0] == VDrawer(2)
    assert printed.items[-1] == VCut(partial=True)


def test_native_qr_is_decoded_with_its_content() -> None:
    prof = get_profile("TM-T88V")
    assert decode(receipt_bytes("TM-T88V", 42, code="qr"), prof).of_type(VQr)[0].data == \
        "0001-00001234"


def test_the_clone_barcode_image_is_the_code128_of_the_ticket() -> None:
    prof = get_profile("POS-5890")
    image = decode(receipt_bytes("POS-5890", 32), prof).of_type(VImage)[0].image
    expected = raster.center_on(raster.code128_image("0001-00001234"), prof.dots_width)
    assert image.tobytes() == expected.tobytes()


def test_unknown_commands_are_errors_not_silently_skipped() -> None:
    with pytest.raises(VirtualPrinterError, match="unknown command"):
        decode(b"\x1b@\x1bZ\x00", get_profile("TM-T20II"))
    with pytest.raises(VirtualPrinterError, match="cut short"):
        decode(b"\x1b@\x1dv0\x00\x01\x00\x05\x00", get_profile("TM-T20II"))


def test_preview_image_is_as_wide_as_the_paper_and_grows_with_the_sale() -> None:
    prof = get_profile("POS-5890")
    short = sale_payload([line(1, "Café", 350000)])
    doc_short = receipt_document(ReceiptSale.from_payload(short), STORE, 32)
    doc_long = receipt_document(ReceiptSale.from_payload(sale_payload()), STORE, 32)
    img_short = render_image(decode(render_escpos(doc_short, EscposOptions(prof)), prof))
    img_long = render_image(decode(render_escpos(doc_long, EscposOptions(prof)), prof))
    assert img_short.width == prof.dots_width + 32
    assert img_long.height > img_short.height
    # ink on the paper: some pixels are black
    assert img_short.getextrema()[0] == 0


# --- cross-check with python-escpos: same commands, and the oracle reads the library's --


def test_our_commands_match_python_escpos_for_qr_barcode_cut_and_image() -> None:
    from escpos.constants import QR_ECLEVEL_M
    from escpos.printer import Dummy

    from pos_printers.escpos_render import PARTIAL_CUT, code128_native, qr_native

    dummy = Dummy(profile="TM-T20II")
    dummy.qr("0001-00001234", ec=QR_ECLEVEL_M, size=6, native=True)
    assert dummy.output == qr_native("0001-00001234")
    dummy.clear()
    dummy.barcode("{B0001-00001234", "CODE128", function_type="B", pos="OFF", height=80,
                  width=2, align_ct=False)
    library = dummy.output
    ours = code128_native("0001-00001234")
    assert sorted(library.split(b"\x1d")) == sorted(ours.split(b"\x1d"))  # same commands
    dummy.clear()
    dummy.cut(mode="PART")
    assert dummy.output.endswith(PARTIAL_CUT)
    image = raster.center_on(raster.code128_image("0001-00001234"), 576)
    dummy.clear()
    dummy.image(image.convert("RGB"), impl="bitImageRaster")
    assert dummy.output == raster.raster_bytes(image)


def test_the_virtual_printer_reads_what_python_escpos_writes() -> None:
    from escpos.printer import Dummy

    prof = get_profile("TM-T20II")
    dummy = Dummy(profile="TM-T20II")
    dummy.hw("INIT")
    dummy.set(bold=True, double_height=True, double_width=True, align="center")
    dummy.textln("Hola")
    dummy.set_with_default()
    dummy.textln("chau")
    dummy.qr("0001-00001234", size=4, native=True)
    dummy.cashdraw(5)
    dummy.cut()
    printed = decode(dummy.output, prof)
    hola, chau = printed.texts()
    assert (hola.text, hola.bold, hola.double, hola.align) == ("Hola", True, True, Align.CENTER)
    assert (chau.text, chau.bold, chau.double, chau.align) == ("chau", False, False, Align.LEFT)
    assert printed.of_type(VQr) == [VQr("0001-00001234", 4, Align.LEFT)]
    assert printed.of_type(VDrawer) == [VDrawer(5)]
    assert printed.of_type(VCut) == [VCut(partial=False)]
