"""A ticket of products at ARCA's newer rates (5 %, 2,5 %, 0 %, no gravado) prints: the
receipt model once knew only 21, 10,5, 27 and exento and refused the rest."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import text

from pos_desktop.app import Till
from pos_desktop.cli.main import main
from pos_desktop.domain.sale import TenderKind

YERBA = "7791234643615"


@pytest.mark.parametrize("rate", ["5", "2.5", "0", "not_taxed"])
def test_a_ticket_at_a_newer_rate_prints(tmp_path: Path, rate: str) -> None:
    folder = tmp_path / "till"
    till = Till.open(folder, demo=True)
    try:
        with till.db.writer.begin() as conn:
            conn.execute(text("UPDATE products SET iva_rate = :r WHERE sku IN "
                              "(SELECT sku FROM barcodes WHERE code = :c)"),
                         {"r": rate, "c": YERBA})
        till.start_scripted_run()
        till.register.scan(YERBA)
        till.register.tender(TenderKind.CASH)
        till.register.complete()
    finally:
        till.close()
    out = tmp_path / "r.pdf"
    assert main(["--data-dir", str(folder), "receipt", "1", "-o", str(out)]) == 0
    printed = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                             check=True).stdout
    assert "Yerba" in printed
    if rate == "5":
        assert "5%" in printed
