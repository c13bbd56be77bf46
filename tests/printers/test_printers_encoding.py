"""Spanish text is encoded for the chosen code page, byte by byte, and degrades gracefully."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pos_printers.encoding import CODE_PAGES, CodePageEncoder, normalize_code_page
from pos_printers.errors import PrinterSettingsError
from pos_printers.profiles import PROFILES, get_profile

SPANISH = "ñ Ñ á é í ó ú ü ¿ ¡ € Á É Í Ó Ú Ü"


def test_cp858_has_every_spanish_letter_and_the_euro_at_the_documented_bytes() -> None:
    # Bytes from the IBM CP858 table, written out so a codec change cannot hide a bug.
    assert CodePageEncoder("CP858").encode("ñÑáéíóúü¿¡€ÁÉÍÓÚÜ") == bytes(
        [0xA4, 0xA5, 0xA0, 0x82, 0xA1, 0xA2, 0xA3, 0x81, 0xA8, 0xAD, 0xD5,
         0xB5, 0x90, 0xD6, 0xE0, 0xE9, 0x9A])


def test_wpc1252_puts_the_euro_at_0x80_and_accents_at_latin1_positions() -> None:
    assert CodePageEncoder("WPC1252").encode("€ÁÍÓÚñ") == bytes([0x80, 0xC1, 0xCD, 0xD3, 0xDA,
                                                               0xF1])


def test_cp437_lacks_capital_accents_and_euro_so_they_fold_to_close_letters() -> None:
    encoder = CodePageEncoder("CP437")
    assert encoder.fold("ÁRBOL ÍNDICE ÓLEO ÚTIL 5€") == "ARBOL INDICE OLEO UTIL 5EUR"
    # ...while what CP437 does have keeps its accents
    assert encoder.fold("ñandú Ñ é ¿¡") == "ñandú Ñ é ¿¡"


def test_cp850_has_the_letters_but_writes_the_euro_as_eur() -> None:
    assert CodePageEncoder("CP850").fold("10 € Árbol") == "10 EUR Árbol"


@pytest.mark.parametrize("page", sorted(CODE_PAGES))
def test_no_spanish_character_becomes_a_question_mark_on_any_page(page: str) -> None:
    encoded = CodePageEncoder(page).encode(SPANISH + " “comillas” – guión … ×")
    assert b"?" not in encoded


def test_characters_without_any_equivalent_become_a_neutral_mark_not_garbage() -> None:
    assert CodePageEncoder("CP858").fold("Pan 🍞 日本") == "Pan _ __"


def test_control_characters_in_text_never_reach_the_printer_as_commands() -> None:
    encoded = CodePageEncoder("CP858").encode("Vino\x1b@\x1dV\x00 tinto\tmalbec")
    assert b"\x1b" not in encoded
    assert b"\x1d" not in encoded
    assert b"\x00" not in encoded
    assert encoded == b"Vino@V tinto malbec"


def test_code_page_names_accept_common_aliases_and_reject_unknown_ones() -> None:
    assert normalize_code_page("pc858") == "CP858"
    assert normalize_code_page("cp1252") == "WPC1252"
    with pytest.raises(PrinterSettingsError, match="code page 'UTF-8' is not supported"):
        normalize_code_page("UTF-8")


@pytest.mark.parametrize(("profile", "page", "number"), [
    ("TM-T20II", "CP858", 19), ("TM-T20II", "WPC1252", 16), ("TM-T88V", "CP850", 2),
    ("TM-T88V", "CP437", 0), ("POS-5890", "CP858", 19),
])
def test_each_profile_knows_its_esc_t_number(profile: str, page: str, number: int) -> None:
    assert get_profile(profile).code_page_number(page) == number


def test_every_profile_offers_every_supported_code_page() -> None:
    for profile in PROFILES.values():
        assert set(profile.code_pages) == set(CODE_PAGES)


def test_unknown_profile_names_list_the_valid_ones() -> None:
    with pytest.raises(PrinterSettingsError, match="TM-T20II"):
        get_profile("TM-9999")


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=60), page=st.sampled_from(sorted(CODE_PAGES)))
def test_any_text_encodes_to_printable_bytes_only(text: str, page: str) -> None:
    encoder = CodePageEncoder(page)
    encoded = encoder.encode(text)
    assert all(byte >= 0x20 for byte in encoded)  # never a command byte
    assert encoded.count(b"?") <= text.count("?") + text.count("¿")  # no ?-garbage
    folded = encoder.fold(text)
    assert encoder.fold(folded) == folded  # what prints is stable under re-encoding
