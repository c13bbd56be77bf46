"""Catalogue import (all or nothing, idempotent) and lookups."""

from __future__ import annotations

from pathlib import Path

import pytest

from pos_desktop.app import Till
from pos_desktop.services.catalog_import import CatalogImportError, import_catalog

HEADER = "sku,name,price,iva_rate,unit,barcodes,plu,category\n"


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "cat.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_a_file_with_bad_rows_imports_nothing_and_names_every_row(
    till: Till, tmp_path: Path
) -> None:
    before = till.register.catalog.count()
    path = write(
        tmp_path,
        "N1,Ñoquis Frescos,1500.00,21,unit,7791234567898,,\n"  # line 2: fine
        "N2,,100.00,21,unit,,,\n"  # line 3: empty name
        "N3,Té,abc,21,unit,,,\n"  # line 4: bad price
        "N4,Mate,100.00,19,unit,,,\n"  # line 5: bad rate
        "N5,Bombilla,100.00,21,unit,7791234567890,,\n"  # line 6: wrong check digit
        "N1,Otra,100.00,21,unit,,,\n",  # line 7: repeated sku
    )
    with pytest.raises(CatalogImportError) as info:
        import_catalog(till.uow, path)
    assert [b.line for b in info.value.bad_rows] == [3, 4, 5, 6, 7]
    assert till.register.catalog.count() == before
    assert till.register.catalog.by_code("7791234567898") is None


def test_importing_twice_changes_nothing(till: Till, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'N1,"Queso Cremoso",8990.50,10.5,kg,,777,Fiambrería\n'
        "N2,Café Molido,4599.00,21,unit,7791234567898|96385074,,\n",
    )
    first = import_catalog(till.uow, path)
    second = import_catalog(till.uow, path)
    assert (first.rows, first.changed) == (2, 2)
    assert (second.rows, second.changed) == (2, 0)
    product = till.register.catalog.by_code("96385074")
    assert product is not None and product.price == 459900
    assert till.register.catalog.by_plu(777) is not None


def test_a_price_change_updates_the_product(till: Till, tmp_path: Path) -> None:
    import_catalog(till.uow, write(tmp_path, "N2,Café Molido,4599.00,21,unit,7791234567898,,\n"))
    result = import_catalog(
        till.uow, write(tmp_path, "N2,Café Molido,4999.00,21,unit,7791234567898,,\n")
    )
    assert result.changed == 1
    product = till.register.catalog.by_code("7791234567898")
    assert product is not None and product.price == 499900


def test_barcode_and_field_changes_are_counted_once_per_product(till: Till, tmp_path: Path) -> None:
    import_catalog(
        till.uow,
        write(
            tmp_path,
            "N1,Té Verde,100.00,21,unit,7791234567898,,\n"
            "N2,Mate Cocido,200.00,21,unit,96385074,,\n"
            "N3,Yerba,300.00,21,unit,,,\n"
            "N4,Azúcar,400.00,21,unit,40170725,,\n",
        ),
    )
    result = import_catalog(
        till.uow,
        write(
            tmp_path,
            "N1,Té Verde,100.00,21,unit,7791234567898|12345670,,\n"  # a code more
            "N2,Mate Cocido,250.00,21,unit,96385074,,\n"  # a new price
            "N3,Yerba Quebracho,300.00,10.5,unit,55123457,,\n"  # name, rate and a code
            "N4,Azúcar,400.00,21,unit,,,\n"  # its only code dropped
            "N5,Sal,90.00,21,unit,,,\n",  # new
        ),
    )
    assert (result.rows, result.changed) == (5, 5)
    catalog = till.register.catalog
    assert {
        code: getattr(catalog.by_code(code), "sku", None)
        for code in ("7791234567898", "12345670", "96385074", "55123457", "40170725")
    } == {
        "7791234567898": "N1",
        "12345670": "N1",
        "96385074": "N2",
        "55123457": "N3",
        "40170725": None,
    }
    yerba = catalog.by_sku("N3")
    assert yerba is not None and (yerba.name, yerba.iva_rate.value) == ("Yerba Quebracho", "10.5")
    assert catalog.search("quebracho")[0].sku == "N3"  # the name index follows the update
    assert import_catalog(till.uow, write(tmp_path, "N5,Sal,90.00,21,unit,,,\n")).changed == 0


def test_a_windows_spreadsheet_file_imports_and_bytes_that_are_no_text_are_refused(
    till: Till, tmp_path: Path
) -> None:
    """Excel on a Spanish Windows: ';', decimal comma, thousands dot, Windows-1252."""
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "sku;name;price;iva_rate;unit;barcodes;plu;category\r\n"
        "N1;Café Molido;1.500;21;unit;7791234567898;;\r\n".encode("cp1252")
    )
    assert import_catalog(till.uow, path).changed == 1
    product = till.register.catalog.by_code("7791234567898")
    assert product is not None and (product.name, product.price) == ("Café Molido", 150000)

    path.write_bytes(HEADER.encode() + b"N1,Caf\x81,1.00,21,unit,,,\n")
    with pytest.raises(Exception, match="UTF-8"):
        import_catalog(till.uow, path)


def test_an_ambiguous_price_imports_nothing(till: Till, tmp_path: Path) -> None:
    with pytest.raises(CatalogImportError) as info:
        import_catalog(till.uow, write(tmp_path, "N9,Fideos,1.500,21,unit,,,\n"))
    assert [b.line for b in info.value.bad_rows] == [2]
    assert till.register.catalog.by_sku("N9") is None


def test_name_search_is_accent_and_case_blind(till: Till) -> None:
    names = [p.name for p in till.register.search("cafe")]
    assert names and all("caf" in n.lower() for n in names)
    assert any("Café" in n for n in names)
    assert till.register.search("") == []
