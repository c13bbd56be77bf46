"""Where the run's catalogue comes from: a built ``.mo`` as it is, else the ``.po``."""

from __future__ import annotations

import os
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

from pos_common.i18n import translations


def write(folder: Path, suffix: str, spanish: str) -> Path:
    catalogue = Catalog(locale="es_AR")
    catalogue.add("Pay", spanish)
    path = folder / f"es_AR.{suffix}"
    with path.open("wb") as out:
        (write_mo if suffix == "mo" else write_po)(out, catalogue)
    return path


def age(path: Path, seconds: int) -> None:
    stat = path.stat()
    os.utime(path, (stat.st_atime - seconds, stat.st_mtime - seconds))


def test_a_built_mo_is_read_as_it_is(tmp_path: Path) -> None:
    write(tmp_path, "mo", "Cobrar (compilado)")
    assert translations("es_AR", tmp_path).gettext("Pay") == "Cobrar (compilado)"


def test_a_checkout_without_a_mo_compiles_the_po(tmp_path: Path) -> None:
    write(tmp_path, "po", "Cobrar")
    assert translations("es_AR", tmp_path).gettext("Pay") == "Cobrar"
    assert not (tmp_path / "es_AR.mo").exists()  # compiled in memory, nothing written


def test_a_po_edited_after_the_build_wins_over_the_stale_mo(tmp_path: Path) -> None:
    age(write(tmp_path, "mo", "Cobrar (viejo)"), 60)
    write(tmp_path, "po", "Cobrar (nuevo)")
    assert translations("es_AR", tmp_path).gettext("Pay") == "Cobrar (nuevo)"


def test_english_needs_no_catalogue(tmp_path: Path) -> None:
    assert translations("en", tmp_path).gettext("Pay") == "Pay"
