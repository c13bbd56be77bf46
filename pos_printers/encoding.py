"""Explicit code-page encoding of Spanish text for ESC/POS printers.

python-escpos 3.1's automatic ("magic") encoder switches code pages on its own and picks
pages without €, Á, Í, Ó, Ú on common Epson profiles, so we never use it. We choose ONE
page per job, send ``ESC t n`` for it once after INIT, and encode every character for that
page. A character the page lacks degrades to the nearest thing it has (Á -> A, € -> EUR,
“ -> "), never to a byte that prints as a different letter.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from pos_common.i18n import _
from pos_printers.errors import PrinterSettingsError


@dataclass(frozen=True, slots=True)
class CodePage:
    name: str  # as the manager sees it in settings
    codec: str  # Python codec name


CODE_PAGES: dict[str, CodePage] = {
    "CP858": CodePage("CP858", "cp858"),  # CP850 + € at 0xD5: all of Spanish and the euro
    "CP850": CodePage("CP850", "cp850"),  # all Spanish letters, no €
    "CP437": CodePage("CP437", "cp437"),  # lacks Á Í Ó Ú and €
    "WPC1252": CodePage("WPC1252", "cp1252"),  # Windows Latin-1: everything we print
}
_ALIASES = {"PC858": "CP858", "PC850": "CP850", "PC437": "CP437", "CP1252": "WPC1252",
            "PC1252": "WPC1252", "WINDOWS-1252": "WPC1252"}

DEFAULT_CODE_PAGE = "CP858"

# Explicit substitutes for symbols whose Unicode decomposition does not help.
_SUBSTITUTES = {
    "€": "EUR", "£": "L", "¢": "c", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
    "‘": "'", "’": "'", "‚": "'", "–": "-", "—": "-", "‒": "-", "−": "-", "…": "...",
    "•": "*", "·": ".", "×": "x", "÷": "/", "¿": "?", "¡": "!", "º": "o", "ª": "a",
    "°": "o", "½": "1/2", "¼": "1/4", "¾": "3/4", "ß": "ss", "Æ": "AE", "æ": "ae",
    "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Ł": "L", "ł": "l", "Œ": "OE", "œ": "oe",
    "\u00a0": " ", "\t": " ", "©": "(c)", "®": "(R)", "™": "TM",
}
# What stands in for a character with no sensible substitute (emoji, CJK...). A visible,
# neutral mark: a printed "?" would read as part of the text (e.g. a price).
UNPRINTABLE = "_"


_CONTROLS = dict.fromkeys((*range(32), 127)) | {0x09: " "}


def normalize_code_page(name: str) -> str:
    key = name.strip().upper()
    key = _ALIASES.get(key, key)
    if key not in CODE_PAGES:
        raise PrinterSettingsError([
            _("code page '{name}' is not supported; use one of: {choices}").format(
                name=name, choices=", ".join(CODE_PAGES))])
    return key


class CodePageEncoder:
    """Encodes text for one code page, degrading missing characters to close ASCII."""

    def __init__(self, code_page: str = DEFAULT_CODE_PAGE) -> None:
        self.code_page = CODE_PAGES[normalize_code_page(code_page)]
        self._codec = self.code_page.codec

    def encode(self, text: str) -> bytes:
        # A control byte inside a product name would be a printer command (ESC, GS...).
        text = text.translate(_CONTROLS)
        try:
            return text.encode(self._codec)
        except UnicodeEncodeError:
            return b"".join(_encode_char(ch, self._codec) for ch in text)

    def fold(self, text: str) -> str:
        """The text as it will come out of the printer (decoded back from the page)."""
        return self.encode(text).decode(self._codec)


@lru_cache(maxsize=4096)
def _encode_char(ch: str, codec: str) -> bytes:
    try:
        return ch.encode(codec)
    except UnicodeEncodeError:
        pass
    for candidate in _candidates(ch):
        try:
            return candidate.encode(codec)
        except UnicodeEncodeError:
            continue
    return UNPRINTABLE.encode(codec)


def _candidates(ch: str) -> list[str]:
    found: list[str] = []
    if ch in _SUBSTITUTES:
        found.append(_SUBSTITUTES[ch])
    # Á -> A + combining acute: keep the base letter(s).
    decomposed = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    if base and base != ch:
        found.append(base)
        found.append("".join(_SUBSTITUTES.get(c, c) for c in base))
    category = unicodedata.category(ch)
    if category == "Pd":
        found.append("-")
    elif category in ("Pi", "Pf"):
        found.append('"')
    elif category.startswith("Z"):
        found.append(" ")
    elif category == "Sc":
        found.append("$")
    elif category.startswith("C"):
        found.append("")  # control/format characters must never reach the printer
    return found
