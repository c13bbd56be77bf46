"""The catalogue file both ends read: the till's ``catalog import`` and head office's.

One parser, so a file the till accepts is exactly a file head office accepts. Columns
(header row): ``sku,name,price,iva_rate,unit,barcodes,plu,category``, or as a Spanish
spreadsheet heads them (``Código``, ``Descripción``, ``Precio``, ``IVA``, ``Unidad``,
``Código de barras``, ``PLU``, ``Rubro``...: see ``_HEADER_ALIASES``)

The file is what a spreadsheet writes, in Argentina or elsewhere:

- encoding: UTF-8 (with or without Excel's BOM), UTF-16 with a BOM ("Unicode text"), or
  Windows-1252 (Excel's "CSV (delimitado por comas)" on a Spanish Windows);
- separator: ``,``, ``;`` (a spreadsheet whose decimal comma is taken) or a tab, read from
  the header row;
- ``price``: IVA-inclusive pesos, per kg when ``unit=kg``, as ``4599.00``, ``4599,00``,
  ``4.599,00``, ``4,599.00`` or ``4599`` (an optional ``$``). A value whose reading
  depends on the spreadsheet's language (``1.500`` is $ 1.500 in Argentina and $ 1,50
  elsewhere) is read as the file's separator says (``;``: the decimal mark is the comma)
  and refused, naming its line, when the file does not say;
- ``iva_rate``: ``21``, ``10.5``, ``27``, ``5``, ``2.5``, ``0`` (a rate: never exento),
  ``exempt`` (``exento`` accepted) or ``not_taxed`` (``no gravado``), at a till and at head
  office alike (head office sends the new rates as ``catalog.changed`` v2);
- ``unit``: ``unit`` or ``kg`` (``unidad``, ``kilo`` accepted);
- ``barcodes``: zero or more codes separated by ``|`` (EAN-13, EAN-8, UPC-A are checked;
  other codes are taken as internal codes);
- ``plu``: scale PLU for weighed goods (optional); ``category`` optional.

Every text is checked against what the wire carries (``catalog.changed``): no control
characters (a NUL in a name made head office refuse every sale of it), no longer than
the schema allows. A file larger than ``MAX_FILE_BYTES`` is refused before it is read.
A file with any bad row yields nothing: :class:`CatalogFileError` lists every bad row.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pos_common.i18n import _
from pos_contracts.catalog import CatalogProduct

COLUMNS = ("sku", "name", "price", "iva_rate", "unit", "barcodes", "plu", "category")
REQUIRED = ("sku", "name", "price", "iva_rate")
IVA_RATES = ("21", "10.5", "27", "exempt")
"""The values of ``iva_rate`` ``catalog.changed`` v1 carries (``common.v1.json``'s rates): a
reader that can keep only those passes ``rates=IVA_RATES``."""
TILL_IVA_RATES = ("21", "10.5", "27", "5", "2.5", "0", "exempt", "not_taxed")
"""Every rate a till sells at (``common.v2.json``): ARCA's 5, 2,5 and 0 % and no gravado
too. 0 % is a rate (taxed at zero, AlicIva id 3), never exento (ImpOpEx)."""
_RATE_ALIASES = {
    "0.0": "0",
    "0.00": "0",
    "2.50": "2.5",
    "5.0": "5",
    "5.00": "5",
    "no gravado": "not_taxed",
    "no gravada": "not_taxed",
    "exento": "exempt",
    "exenta": "exempt",
    "10.50": "10.5",
    "21.0": "21",
    "27.0": "27",
    "21.00": "21",
    "27.00": "27",
}
MAX_FILE_BYTES = 64 * 1024 * 1024
"""100,000 products take about 10 MB; a file six times that is not a catalogue."""
MAX_PRICE = 99_999_999_999  # $ 999.999.999,99: a shelf price, not an overflow
MAX_NAME, MAX_SKU, MAX_CATEGORY = 200, 64, 100  # catalog.changed.v1.json
_BARCODE = re.compile(r"^[0-9A-Za-z-]{1,64}$")  # common.v1.json
_SEPARATORS = (",", ";", "\t")
# The header as a shop's own spreadsheet writes it in Spanish (accents, case and spaces
# ignored): "Código;Descripción;Precio;IVA" is the same file as "sku;name;price;iva_rate".
# A bare "código" is the product's own code (what Argentine price lists call it), the
# barcode is "código de barras" or "EAN".
_HEADER_ALIASES = {
    "codigo": "sku", "cod": "sku", "cod.": "sku", "codigo interno": "sku", "articulo": "sku",
    "nombre": "name", "descripcion": "name", "producto": "name", "detalle": "name",
    "precio": "price", "precio final": "price", "precio con iva": "price", "pvp": "price",
    "iva": "iva_rate", "iva %": "iva_rate", "% iva": "iva_rate", "alicuota": "iva_rate",
    "alicuota iva": "iva_rate", "alicuota de iva": "iva_rate",
    "unidad": "unit", "medida": "unit", "unidad de medida": "unit",
    "codigos": "barcodes", "codigo de barras": "barcodes", "codigos de barras": "barcodes",
    "ean": "barcodes", "barcode": "barcodes",
    "categoria": "category", "rubro": "category", "familia": "category",
}
SPANISH_HEADINGS = {"sku": "Código", "name": "Descripción", "price": "Precio",
                    "iva_rate": "IVA"}
"""How a refusal names a required column a Spanish price list would head."""
_UNIT_ALIASES = {"unidad": "unit", "un": "unit", "u": "unit", "kilo": "kg", "kilogramo": "kg",
                 "kgs": "kg", "por kg": "kg"}


@dataclass(frozen=True, slots=True)
class BadRow:
    line: int
    reason: str

    def __str__(self) -> str:
        return _("line {line}: {reason}").format(line=self.line, reason=self.reason)


class CatalogFileError(Exception):
    """The file has bad rows (or cannot be read); nothing may be imported from it."""

    def __init__(self, bad_rows: list[BadRow]) -> None:
        self.bad_rows = bad_rows
        super().__init__(f"{len(bad_rows)} bad rows")


# -- the file --------------------------------------------------------------------------------


def read_catalog_file(path: Path, *, limit: int = MAX_FILE_BYTES) -> str:
    """The text of a catalogue file, refused (``CatalogFileError``) when it is larger than
    ``limit`` bytes, before it is read into memory. OSError passes through."""
    with path.open("rb") as stream:
        return decode_catalog_bytes(_read_at_most(stream, limit))


def _read_at_most(stream: BinaryIO, limit: int) -> bytes:
    raw = stream.read(limit + 1)  # a pipe or a growing file has no trustworthy size
    if len(raw) > limit:
        raise CatalogFileError([BadRow(0, _too_large(limit))])
    return raw


def _too_large(limit: int) -> str:
    return _("the file is larger than {size} MB: it is not a product catalogue").format(
        size=limit // (1024 * 1024)
    )


def decode_catalog_bytes(raw: bytes, *, limit: int = MAX_FILE_BYTES) -> str:
    """Bytes as a spreadsheet saved them: UTF-8 (BOM or not), UTF-16 with its BOM, or
    Windows-1252. Only a file that is not valid UTF-8 is read as Windows-1252, so a UTF-8
    ``é`` is never taken for two Windows letters."""
    if len(raw) > limit:
        raise CatalogFileError([BadRow(0, _too_large(limit))])
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise CatalogFileError([BadRow(0, _not_text(exc))]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:  # bytes Windows-1252 leaves undefined (0x81, 0x8d…)
        raise CatalogFileError([BadRow(0, _not_text(exc))]) from None


def _not_text(exc: UnicodeDecodeError) -> str:
    return _(
        "the file is not text in UTF-8 or Windows-1252 (byte {pos}): save it from the "
        "spreadsheet as CSV"
    ).format(pos=exc.start)


def column_of(heading: str) -> str:
    """Our column name for a header cell (``Descripción`` → ``name``); unknown ones as read."""
    plain = " ".join(_plain(heading.strip().strip('"')).split())
    return plain if plain in COLUMNS else _HEADER_ALIASES.get(plain, plain)


def _plain(text: str) -> str:
    """Lower case without accents: how a header or a unit is compared."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text.lower())
                   if not unicodedata.combining(ch))


def _separator(header: str) -> str:
    """The column separator: the one that splits the header into our column names."""
    names = set(COLUMNS)
    best, best_hits = ",", -1
    for sep in _SEPARATORS:
        hits = sum(column_of(cell) in names for cell in header.split(sep))
        if hits > best_hits:
            best, best_hits = sep, hits
    return best


def parse_catalog_csv(
    text: str, *, rates: Sequence[str] = TILL_IVA_RATES
) -> list[CatalogProduct]:
    """Parse and check a whole file; raises CatalogFileError listing every bad row.
    ``rates``: the IVA rates the reader can keep (both ends: every one)."""
    text = text.removeprefix("\ufeff")  # Excel writes a BOM
    header = text.split("\n", 1)[0]
    sep = _separator(header)
    # A ';' file comes from a spreadsheet whose decimal mark is the comma (es-AR Excel).
    decimal_mark = "," if sep == ";" else None
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=sep)
    headings = [(name or "").strip() for name in (reader.fieldnames or [])]
    fields = [column_of(name) for name in headings]
    reader.fieldnames = fields
    twice = sorted({c for c in fields if c in COLUMNS and fields.count(c) > 1})
    if twice:  # "Código" and "SKU" both: which one is the product's code is a guess
        # named as the file heads them, so the person finds them in their spreadsheet
        cols = "; ".join(" / ".join(h for h, f in zip(headings, fields, strict=True) if f == c)
                         for c in twice)
        raise CatalogFileError([BadRow(1, _("columns named twice: {cols}").format(cols=cols))])
    missing = [c for c in REQUIRED if c not in fields]
    if missing:  # our name and the Spanish heading that would do ("price (Precio)")
        cols = ", ".join(f"{c} ({SPANISH_HEADINGS[c]})" for c in missing)
        raise CatalogFileError([BadRow(1, _("missing columns: {cols}").format(cols=cols))])
    products: list[CatalogProduct] = []
    bad: list[BadRow] = []
    seen_sku: dict[str, int] = {}
    seen_code: dict[str, int] = {}
    seen_plu: dict[int, int] = {}
    for row in reader:
        line = reader.line_num
        try:
            product = _parse_row(row, decimal_mark, rates)
        except ValueError as exc:
            bad.append(BadRow(line, str(exc)))
            continue
        except csv.Error as exc:  # pragma: no cover - the reader raises before the row
            bad.append(BadRow(line, str(exc)))
            continue
        if product.sku in seen_sku:
            bad.append(BadRow(line, _("{label} {key} repeats line {other}").format(
                label="sku", key=product.sku, other=seen_sku[product.sku])))
        seen_sku[product.sku] = line
        for code in product.barcodes:
            if code in seen_code:
                bad.append(BadRow(line, _("barcode {code} repeats line {other}").format(
                    code=code, other=seen_code[code])))
            seen_code[code] = line
        if product.plu is not None:
            if product.plu in seen_plu:
                bad.append(BadRow(line, _("PLU {plu} repeats line {other}").format(
                    plu=product.plu, other=seen_plu[product.plu])))
            seen_plu[product.plu] = line
        products.append(product)
    if bad:
        raise CatalogFileError(bad)
    return products


# -- the cells -------------------------------------------------------------------------------


def is_valid_gtin(code: str) -> bool:
    """EAN-8, UPC-A, EAN-13 or GTIN-14 with a right check digit."""
    if len(code) not in (8, 12, 13, 14) or not (code.isdigit() and code.isascii()):
        return False
    weighted = sum(int(ch) * (3 if i % 2 == 0 else 1) for i, ch in enumerate(reversed(code[:-1])))
    return (10 - weighted % 10) % 10 == int(code[-1])


class AmbiguousNumber(ValueError):
    """``1.500``: $ 1.500 with a thousands dot, or $ 1,50 with a decimal one."""


_PLAIN_DIGITS = re.compile(r"^[0-9]+$")
_GROUPED = re.compile(r"^[0-9]{1,3}(?:[.,][0-9]{3})+$")


def parse_price(text: str, decimal_mark: str | None = None) -> int:
    """A file's price into centavos, exactly; ValueError if it is not a price.

    ``decimal_mark`` is the file's decimal mark when known (``,`` for a ``;`` file);
    without it a lone separator followed by three digits is ``AmbiguousNumber``."""
    raw = text.strip().removeprefix("$").strip().replace("\u00a0", "").replace(" ", "")
    if not raw or not raw.isascii():
        raise ValueError(text)
    whole, cents = _split_decimal(raw, decimal_mark, text)
    if not _PLAIN_DIGITS.match(whole) or (cents and not _PLAIN_DIGITS.match(cents)):
        raise ValueError(text)  # Infinity, NaN, 1e30, -5, 12abc
    if len(cents) > 2 and cents.rstrip("0")[2:]:
        raise ValueError(text)  # a price has centavos, not thousandths
    value = int(whole) * 100 + int((cents + "00")[:2] or 0)
    if value > MAX_PRICE:
        raise ValueError(text)
    return value


def _split_decimal(raw: str, decimal_mark: str | None, text: str) -> tuple[str, str]:
    """(whole digits, decimal digits) of ``raw``, the thousands separators taken out."""
    marks = [ch for ch in raw if ch in ".,"]
    if not marks:
        return raw, ""
    if len(set(marks)) == 2:  # 1.500,00 or 1,500.00: the last mark is the decimal one
        point = max(raw.rfind("."), raw.rfind(","))
        whole, cents = raw[:point], raw[point + 1 :]
        if not _GROUPED.match(whole) or raw[point] in whole:
            raise ValueError(text)
        return re.sub(r"[.,]", "", whole), cents
    mark = marks[0]
    if len(marks) > 1:  # 1.500.000: thousands only
        if not _GROUPED.match(raw):
            raise ValueError(text)
        return raw.replace(mark, ""), ""
    whole, cents = raw.split(mark)
    if len(cents) == 3 and _GROUPED.match(raw):
        if decimal_mark is None:
            raise AmbiguousNumber(text)
        if mark != decimal_mark:
            return whole + cents, ""
    return whole, cents


def parse_iva_rate(text: str, rates: Sequence[str] = TILL_IVA_RATES) -> str:
    """The wire value of a rate as a file writes it (``21``, ``10,5 %``, ``exento``)."""
    key = text.strip().lower().replace(",", ".").rstrip("%").strip()
    key = _RATE_ALIASES.get(key, key)
    if key not in rates:
        raise ValueError(text)
    return key


def _refuse_control(label: str, value: str, longest: int) -> str:
    """Text as the wire carries it: no control or invisible format characters, not too
    long. PostgreSQL cannot store a NUL, so head office would refuse every sale of it."""
    for ch in value:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp"):
            raise ValueError(
                _("{label} has a control character (U+{code:04X}): retype it").format(
                    label=label, code=ord(ch)
                )
            )
    if len(value) > longest:
        raise ValueError(
            _("{label} is longer than {n} characters").format(label=label, n=longest)
        )
    return value


def _parse_row(row: dict[str, str | None], decimal_mark: str | None,
               rates: Sequence[str] = TILL_IVA_RATES) -> CatalogProduct:
    def cell(name: str) -> str:
        value = row.get(name)
        return (value if isinstance(value, str) else "").strip()

    if None in row:  # more cells than columns: a separator inside an unquoted value
        raise ValueError(_("more cells than columns (a name with a separator needs quotes)"))
    sku = _refuse_control(_("the sku"), cell("sku"), MAX_SKU)
    name = _refuse_control(_("the name"), cell("name"), MAX_NAME)
    category = _refuse_control(_("the category"), cell("category"), MAX_CATEGORY)
    if not sku:
        raise ValueError(_("empty sku"))
    if not name:
        raise ValueError(_("empty name"))
    price_text = cell("price")
    try:
        price = parse_price(price_text, decimal_mark)
    except AmbiguousNumber:
        whole, cents = re.split(r"[.,]", price_text.removeprefix("$").strip())
        raise ValueError(
            _(
                "price {price!r} is ambiguous (thousands or centavos?): write {thousands} "
                "for that many pesos, or {decimals} for pesos and centavos"
            ).format(price=price_text, thousands=whole + cents, decimals=f"{whole}.{cents[:2]}")
        ) from None
    except ValueError:
        raise ValueError(_("bad price {price!r}").format(price=price_text)) from None
    if price <= 0:
        raise ValueError(_("price must be greater than zero"))
    try:
        rate = parse_iva_rate(cell("iva_rate"), TILL_IVA_RATES)
    except ValueError:
        raise ValueError(_("bad IVA rate {rate!r}").format(rate=cell("iva_rate"))) from None
    if rate not in rates:
        raise ValueError(_("IVA rate {rate!r} cannot be sent to the tills yet: head office's "
                           "catalogue carries {rates}").format(
                               rate=cell("iva_rate"), rates=", ".join(rates)))
    unit = _plain(cell("unit")) or "unit"
    unit = _UNIT_ALIASES.get(unit, unit)
    if unit not in ("unit", "kg"):
        raise ValueError(_("unit must be 'unit' or 'kg', not {unit!r}").format(unit=unit))
    codes = tuple(c.strip() for c in cell("barcodes").split("|") if c.strip())
    for code in codes:
        if any(ch.isspace() for ch in code):
            raise ValueError(_("barcode {code!r} has spaces").format(code=code))
        if not _BARCODE.match(code):
            raise ValueError(
                _("barcode {code!r} may only have letters, digits and -").format(code=code)
            )
        if code.isdigit() and len(code) in (8, 12, 13) and not is_valid_gtin(code):
            raise ValueError(_("barcode {code} has a wrong check digit").format(code=code))
    plu_text = cell("plu")
    plu = None
    if plu_text:
        if not (plu_text.isascii() and plu_text.isdigit()) or not 0 < int(plu_text) <= 99999:
            raise ValueError(_("bad PLU {plu!r}").format(plu=plu_text))
        plu = int(plu_text)
    return CatalogProduct(sku, name, price, rate, unit == "kg", plu, category or None, codes)


__all__ = [
    "MAX_FILE_BYTES",
    "BadRow",
    "CatalogFileError",
    "decode_catalog_bytes",
    "parse_catalog_csv",
    "parse_price",
    "read_catalog_file",
]
