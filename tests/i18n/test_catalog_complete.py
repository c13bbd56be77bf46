"""Every string the till can show has Spanish, and the Spanish keeps the same placeholders."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from pos_common.i18n import format_money, format_quantity, parse_po

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "extract_strings", ROOT / "tools" / "extract_strings.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


tool = load_tool()


@pytest.fixture(scope="module")
def extraction() -> object:
    return tool.extract()


@pytest.fixture(scope="module")
def catalog() -> dict[str, str]:
    return parse_po((ROOT / "pos_common" / "locale" / "es_AR.po").read_text(encoding="utf-8"))


def test_every_marked_string_has_spanish(extraction: object, catalog: dict[str, str]) -> None:
    gaps = tool.missing(extraction, catalog)
    listing = "\n".join(f"  {f.places[0]}: {f.msgid!r}" for f in gaps)
    assert not gaps, (
        f"{len(gaps)} strings lack Spanish in pos_common/locale/es_AR.po "
        f"(run: python tools/extract_strings.py --stubs):\n{listing}"
    )


def test_translate_calls_use_literals(extraction: object) -> None:
    assert not extraction.bad_calls, f"_(f'...') can never be translated: {extraction.bad_calls}"


def test_spanish_keeps_every_placeholder(catalog: dict[str, str]) -> None:
    wrong = {
        msgid: msgstr
        for msgid, msgstr in catalog.items()
        if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(msgstr))
    }
    assert not wrong, f"placeholders differ between English and Spanish: {wrong}"


def test_catalog_has_no_duplicate_msgids() -> None:
    text = (ROOT / "pos_common" / "locale" / "es_AR.po").read_text(encoding="utf-8")
    ids = re.findall(r'^msgid (".*")$', text, flags=re.MULTILINE)
    dupes = {i for i in ids if ids.count(i) > 1 and i != '""'}
    assert not dupes, f"entries appear twice (the later one wins silently): {dupes}"


def test_extractor_finds_calls_markers_and_error_messages() -> None:
    out = tool.Extraction()
    tool.extract_source(
        "from x import _, N_\n"
        'A = N_("Store")\n'
        'class Bad(Exception):\n    message = "Out of paper: {printer}"\n'
        'def f(n):\n    return _("Pay") + _(f"{n} items") + _("{n}")\n',
        "mod.py",
        out,
    )
    assert set(out.strings) == {"Store", "Out of paper: {printer}", "Pay"}
    assert out.bad_calls == ["mod.py:6"]


def test_money_numbers_and_dates_follow_the_locale() -> None:
    assert format_money(123450, lang="es_AR") == "$ 1.234,50"
    assert format_money(-5, lang="es_AR") == "-$ 0,05"
    assert format_money(123450, lang="en") == "$1,234.50"
    assert format_quantity(250, weighed=True, lang="es_AR") == "0,250 kg"
    assert format_quantity(1500, weighed=True, lang="en") == "1.500 kg"
