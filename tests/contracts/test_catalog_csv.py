"""The catalogue file as Argentine spreadsheets write it (issue 14), read the same by the
till and by head office (both call ``pos_contracts.catalog_csv``)."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

import pytest

from pos_common.i18n import current_language, set_language
from pos_contracts.catalog_csv import (
    IVA_RATES,
    TILL_IVA_RATES,
    CatalogFileError,
    decode_catalog_bytes,
    parse_catalog_csv,
    parse_price,
    read_catalog_file,
)

HEADER = "sku,name,price,iva_rate,unit,barcodes,plu,category\n"
SEMI = "sku;name;price;iva_rate;unit;barcodes;plu;category\r\n"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    before = current_language()
    set_language("en")  # the reasons are asserted in English; the language is per test
    yield
    set_language(before)


def refused(text: str) -> list[tuple[int, str]]:
    with pytest.raises(CatalogFileError) as info:
        parse_catalog_csv(text)
    return [(bad.line, bad.reason) for bad in info.value.bad_rows]


def test_a_thousands_dot_is_never_read_as_centavos() -> None:
    """``1.500`` imported silently as $ 1,50: a file that does not say which mark is the
    decimal one gets the value refused with its line number."""
    [(line, reason)] = refused(HEADER + "A1,Queso,8990.00,21,unit,,,\nA2,Fideos,1.500,21,unit,,,\n")
    assert line == 3
    assert "ambiguous" in reason and "1500" in reason and "1.50" in reason


def test_an_argentine_spreadsheet_file_imports_as_written() -> None:
    """Excel in Spanish: ';' between cells, decimal comma, thousands dot, Windows-1252."""
    body = (
        SEMI
        + "A1;Ñoquis de papa;1.500;21;unit;7791234567898;;Pastas\r\n"
        + "A2;Queso Cremoso;8.990,50;10,5;kg;;777;Fiambrería\r\n"
        + "A3;Café;$ 4.599,00;21;unit;;;\r\n"
        + "A4;Té;12,5;21;unit;;;\r\n"
        + 'A5;"Galletitas; surtidas";1.234.567,89;21;unit;;;\r\n'
    )
    products = parse_catalog_csv(decode_catalog_bytes(body.encode("cp1252")))
    assert [(p.sku, p.name, p.price, p.iva_rate) for p in products] == [
        ("A1", "Ñoquis de papa", 150000, "21"),
        ("A2", "Queso Cremoso", 899050, "10.5"),
        ("A3", "Café", 459900, "21"),
        ("A4", "Té", 1250, "21"),
        ("A5", "Galletitas; surtidas", 123456789, "21"),
    ]
    assert products[1].category == "Fiambrería" and products[1].sold_by_weight


def test_a_spreadsheet_headed_in_spanish_imports_as_written() -> None:
    """A shop's own price list: "Código;Descripción;Precio;IVA;Unidad;Código de barras;PLU;
    Rubro" was refused with "missing columns: name, price, iva_rate"."""
    body = (
        "Código;Descripción;Precio;IVA;Unidad;Código de barras;PLU;Rubro\r\n"
        + "X1;Café Molido 250 g;$ 4.590,00;21;Unidad;7790150000014;;Almacén\r\n"
        + "X2;Jamón Cocido;12.990,50;10,5;Kilo;;42;Fiambrería\r\n"
    )
    products = parse_catalog_csv(decode_catalog_bytes(body.encode("cp1252")))
    assert [(p.sku, p.name, p.price, p.iva_rate, p.sold_by_weight, p.barcodes, p.category)
            for p in products] == [
        ("X1", "Café Molido 250 g", 459000, "21", False, ("7790150000014",), "Almacén"),
        ("X2", "Jamón Cocido", 1299050, "10.5", True, (), "Fiambrería"),
    ]
    assert parse_catalog_csv("ARTICULO,Nombre,PVP,Alícuota IVA\nB1,Pan,100.00,21\n")[0].sku == "B1"


def test_a_column_named_twice_is_refused_not_guessed() -> None:
    assert refused("SKU,Código,name,price,iva_rate\nA1,B1,Pan,100.00,21\n") == [
        (1, "columns named twice: SKU / Código")]


def test_a_missing_column_is_named_with_the_spanish_heading_that_would_do() -> None:
    assert refused("Código;Nombre;Importe;IVA\r\nA1;Pan;100,00;21\r\n") == [
        (1, "missing columns: price (Precio)")]


@pytest.mark.parametrize(
    "encoded",
    [
        codecs.BOM_UTF8 + (HEADER + "A1,Café,4599.00,21,unit,,,\n").encode("utf-8"),
        (HEADER + "A1,Café,4599.00,21,unit,,,\n").encode("utf-8"),
        (HEADER + "A1,Café,4599.00,21,unit,,,\n").encode("cp1252"),
        (HEADER + "A1,Café,4599.00,21,unit,,,\n").encode("utf-16"),  # with its BOM
    ],
    ids=["utf-8 with BOM", "utf-8", "windows-1252", "utf-16"],
)
def test_every_encoding_a_spreadsheet_saves_reads_the_same(encoded: bytes) -> None:
    [product] = parse_catalog_csv(decode_catalog_bytes(encoded))
    assert (product.name, product.price) == ("Café", 459900)


def test_bytes_that_are_no_text_are_refused_naming_the_byte() -> None:
    with pytest.raises(CatalogFileError) as info:
        decode_catalog_bytes(HEADER.encode() + b"A1,Caf\x81,1.00,21,unit,,,\n")
    assert "byte" in info.value.bad_rows[0].reason


@pytest.mark.parametrize(
    ("price", "pesos_and_centavos"),
    [
        ("4599.00", 459900),
        ("4599,00", 459900),
        ("4.599,00", 459900),
        ("4,599.00", 459900),
        ("4599", 459900),
        ("$ 4.599,50", 459950),
        ("1.234.567", 123456700),
        ("0.5", 50),
        ("4599.000", 459900),
    ],
)
def test_prices_in_every_unambiguous_form(price: str, pesos_and_centavos: int) -> None:
    assert parse_price(price) == pesos_and_centavos


@pytest.mark.parametrize(
    "price",
    ["Infinity", "inf", "NaN", "1e30", "1E5", "-5", "12abc", "1.5,00", "1,2,3", "4599.001",
     "１２３", "99999999999999"],
)
def test_what_is_not_a_price_is_refused(price: str) -> None:
    with pytest.raises(ValueError):
        parse_price(price)


def test_infinity_and_huge_prices_are_refused_with_their_line() -> None:
    rows = refused(
        HEADER + "A1,Uno,Infinity,21,unit,,,\nA2,Dos,1e30,21,unit,,,\nA3,Tres,100.00,21,unit,,,\n"
    )
    assert [line for line, _r in rows] == [2, 3]
    assert all("bad price" in reason for _l, reason in rows)


@pytest.mark.parametrize(
    ("cell", "where"),
    [("Que\x00so", "name"), ("Queso\x1b[31m", "name"), ("Queso\u200e", "name")],
    ids=["NUL", "escape", "bidi mark"],
)
def test_control_characters_in_a_name_are_refused(cell: str, where: str) -> None:
    [(line, reason)] = refused(HEADER + f'A1,"{cell}",100.00,21,unit,,,\n')
    assert line == 2
    assert where in reason and "control character" in reason


def test_control_characters_in_a_sku_or_category_and_bad_codes_are_refused() -> None:
    rows = refused(
        HEADER
        + "A\x001,Uno,1.00,21,unit,,,\n"
        + "A2,Dos,1.00,21,unit,,,Al\x07macén\n"
        + "A3,Tres,1.00,21,unit,ABC_1,,\n"
        + f"A4,{'x' * 201},1.00,21,unit,,,\n"
    )
    assert [line for line, _r in rows] == [2, 3, 4, 5]
    assert "longer than 200" in rows[3][1]


def test_a_name_with_an_unquoted_separator_is_refused_not_shifted() -> None:
    [(line, reason)] = refused(HEADER + "A1,Galletitas, surtidas,100.00,21,unit,,,\n")
    assert line == 2 and "quotes" in reason


def test_a_file_larger_than_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as out:  # sparse: a 1 GB file that costs no disk
        out.write(HEADER.encode())
        out.seek(1024**3)
        out.write(b"\n")
    with pytest.raises(CatalogFileError) as info:
        read_catalog_file(path, limit=1024 * 1024)
    assert "larger than 1 MB" in info.value.bad_rows[0].reason
    with pytest.raises(CatalogFileError):
        read_catalog_file(path)  # the default limit refuses 1 GB too


def test_spanish_reasons(tmp_path: Path) -> None:
    set_language("es_AR")
    [(_line, reason)] = refused(HEADER + "A2,Fideos,1.500,21,unit,,,\n")
    assert reason.startswith("el precio '1.500' es ambiguo")


@pytest.mark.parametrize(("cell", "rate"), [
    ("0", "0"), ("0,00", "0"), ("5", "5"), ("5 %", "5"), ("2,5", "2.5"), ("2.50", "2.5"),
    ("no gravado", "not_taxed"), ("exento", "exempt"), ("10,5 %", "10.5"),
])
def test_a_till_reads_every_arca_rate_and_0_percent_is_not_exento(cell: str, rate: str) -> None:
    # "0" used to become exento: a product taxed at 0 % (AlicIva 3) is not an exempt one
    # (ImpOpEx), and its Factura would carry the wrong amounts.
    [product] = parse_catalog_csv(HEADER + f'A1,Uno,100.00,"{cell}",unit,,,\n',
                                  rates=TILL_IVA_RATES)
    assert product.iva_rate == rate


def test_both_ends_read_every_rate_and_a_v1_only_reader_refuses_the_new_ones() -> None:
    text = HEADER + "A1,Uno,100.00,5,unit,,,\nA2,Dos,100.00,21,unit,,,\n"
    assert [p.iva_rate for p in parse_catalog_csv(text)] == ["5", "21"]
    with pytest.raises(CatalogFileError) as info:
        parse_catalog_csv(text, rates=IVA_RATES)
    [bad] = info.value.bad_rows
    assert bad.line == 2
    assert "cannot be sent to the tills yet" in bad.reason and "exempt" in bad.reason
