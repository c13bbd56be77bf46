"""``pos-desktop receipt``: any past ticket as printer bytes, PDF, A4 or image."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pos_desktop.cli.main import main


@pytest.fixture
def data_dir(tmp_path: Path) -> str:
    folder = str(tmp_path / "till")
    assert main(["--demo", "--data-dir", folder, "simulate", "--sales", "3", "--seed", "5"]) == 0
    return folder


@pytest.mark.parametrize(("fmt", "magic"), [("escpos", b"\x1b@"), ("pdf", b"%PDF"),
                                            ("a4", b"%PDF"), ("png", b"\x89PNG")])
def test_every_format_is_written(data_dir: str, tmp_path: Path, fmt: str, magic: bytes) -> None:
    out = tmp_path / f"r.{fmt}"
    assert main(["--data-dir", data_dir, "receipt", "0001-00000002", "--format", fmt,
                 "-o", str(out)]) == 0
    assert out.read_bytes().startswith(magic)


def test_the_pdf_carries_the_ticket_in_spanish(data_dir: str, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    assert main(["--data-dir", data_dir, "receipt", "1", "-o", str(out)]) == 0
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "0001-00000001" in text
    assert "IVA contenido" in text


def test_unknown_ticket_and_bad_profile_are_clear_errors(
    data_dir: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.png"
    assert main(["--data-dir", data_dir, "receipt", "77", "-o", str(out)]) == 2
    assert "0001-00000077" in capsys.readouterr().err
    assert main(["--data-dir", data_dir, "receipt", "1", "--format", "png", "--profile",
                 "NOPE", "-o", str(out)]) == 2
    assert "NOPE" in capsys.readouterr().err
    assert not out.exists()
